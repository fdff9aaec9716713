"""Changes a head of service makes to one action: its fields, due date,
leads, steps and progress updates. Each function works inside the caller's
write session, so one call is one transaction and one undoable edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session

from perfdesk.domain.dates import parse_by_when
from perfdesk.domain.status import Status
from perfdesk.domain.timeframe import Timeframe
from perfdesk.errors import Conflict, NotFound
from perfdesk.store import queries
from perfdesk.store.schema import Action, ActionLead, Lead, ProgressUpdate, Step, utc_now

TEXT_FIELDS = ("text", "success_criteria", "measure_of_success", "impact", "ref")


def action(session: Session, action_id: str) -> Action:
    found = session.get(Action, action_id)
    if found is None or found.deleted_at is not None:
        raise NotFound("That action has been deleted (perhaps in another window).")
    return found


def set_text(session: Session, action_id: str, field: str, value: str) -> None:
    """One of the action's text fields: action, outcome, measure of success,
    impact, ref."""
    if field not in TEXT_FIELDS:
        raise ValueError(f"{field} is not a text field of an action")
    row = action(session, action_id)
    value = value.strip() if field == "ref" else value
    if field == "ref":
        if not value:
            raise Conflict("An action needs a ref.")
        taken = {a.ref for a in queries.plan_actions(session, row.plan_id) if a.id != row.id}
        if value in taken:
            raise Conflict(f"Another action in this plan is already {value}.")
    setattr(row, field, value)


def set_by_when(session: Session, action_id: str, text: str) -> None:
    """The "by when" as written; a first due date is read from it if the
    action has none yet."""
    row = action(session, action_id)
    row.by_when = text
    if row.due_date is None:
        row.due_date = parse_by_when(text)
        row.original_due_date = row.original_due_date or row.due_date


def set_due_date(session: Session, action_id: str, due: dt.date | None, reason: str) -> None:
    """Revise the due date. The first due date is kept as the original, and
    the reason is required so the board can see why it slipped."""
    row = action(session, action_id)
    if due == row.due_date:
        return
    if row.due_date is not None and not reason.strip():
        raise Conflict("Say why the due date changed; the board will ask.")
    if row.original_due_date is None:
        row.original_due_date = row.due_date or due
    row.due_date = due
    row.due_date_reason = reason.strip()


def set_timeframe(session: Session, action_id: str, timeframe: str | None) -> None:
    action(session, action_id).timeframe = Timeframe.parse(timeframe)


def set_priority(session: Session, action_id: str, priority_id: str | None) -> None:
    action(session, action_id).priority_id = priority_id


def set_leads(session: Session, action_id: str, lead_ids: Sequence[str]) -> None:
    """The action's leads, in the order given."""
    action(session, action_id)
    links = [link for link in queries.live(session, ActionLead, ActionLead.action_id == action_id)]
    by_lead = {link.lead_id: link for link in links}
    for link in links:
        if link.lead_id not in lead_ids:
            link.deleted_at = utc_now()
    for order, lead_id in enumerate(lead_ids):
        lead = session.get(Lead, lead_id)
        if lead is None or lead.deleted_at is not None:
            raise NotFound("That lead no longer exists (merged or renamed in another window).")
        existing = by_lead.get(lead_id)
        if existing is None:
            session.add(ActionLead(action_id=action_id, lead_id=lead_id, display_order=order))
        elif existing.display_order != order:
            existing.display_order = order


def add_update(
    session: Session, action_id: str, *, status: Status, reported_on: dt.date, author: str,
    done: str = "", next_steps: str = "",
) -> ProgressUpdate:
    action(session, action_id)
    update = ProgressUpdate(
        action_id=action_id, reported_on=reported_on, author=author, status=status,
        done_text=done.strip(), next_steps=next_steps.strip(),
    )
    session.add(update)
    return update


def withdraw_update(session: Session, update_id: str, *, by: str, reason: str) -> None:
    """A mistaken update stays on record, marked withdrawn; it no longer counts."""
    update = session.get(ProgressUpdate, update_id)
    if update is None:
        raise NotFound("That update no longer exists.")
    if update.withdrawn_at is not None:
        raise Conflict(f"That update was already withdrawn by {update.withdrawn_by or 'someone'}.")
    if not reason.strip():
        raise Conflict("Say why the update is withdrawn.")
    update.withdrawn_at, update.withdrawn_by, update.withdrawn_reason = utc_now(), by, reason


def set_step_done(session: Session, step_id: str, done: bool) -> None:
    step = session.get(Step, step_id)
    if step is None or step.deleted_at is not None:
        raise NotFound("That step has been deleted.")
    step.done = done


def add_step(session: Session, action_id: str, text: str, timescale: str = "") -> Step:
    if not text.strip():
        raise Conflict("A step needs some text.")
    steps = queries.steps_by_action(session, [action_id]).get(action_id, [])
    order = max((s.display_order for s in steps), default=-1) + 1
    step = Step(action_id=action_id, text=text.strip(), timescale=timescale, display_order=order)
    session.add(step)
    return step


def delete_step(session: Session, step_id: str) -> None:
    step = session.get(Step, step_id)
    if step is not None and step.deleted_at is None:
        step.deleted_at = utc_now()
