"""Everything the action editor shows about one action, read in one go."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from perfdesk.domain.status import Status
from perfdesk.services.actions.edits import action
from perfdesk.services.sync.conflicts import field_words
from perfdesk.store import queries
from perfdesk.store.schema import (
    ActionLead,
    Change,
    Lead,
    Plan,
    ProgressUpdate,
    Step,
    SyncConflict,
)


@dataclass(frozen=True)
class UpdateView:
    id: str
    reported_on: dt.date
    recorded_at: dt.datetime
    author: str
    status: Status
    done: str
    next_steps: str
    withdrawn: bool
    withdrawn_by: str
    withdrawn_reason: str


@dataclass(frozen=True)
class HistoryEntry:
    changed_at: dt.datetime
    author: str
    what: str  # "Status of an update", "Due date"...
    old: str
    new: str


@dataclass(frozen=True)
class ActionDetail:
    id: str
    plan_id: str
    plan_name: str
    ref: str
    text: str
    success_criteria: str
    measure_of_success: str
    impact: str
    by_when: str
    due_date: dt.date | None
    original_due_date: dt.date | None
    due_date_reason: str
    timeframe: str | None
    priority_id: str | None
    priorities: tuple[tuple[str, str], ...]  # (id, "1 Change") choices
    leads: tuple[tuple[str, str], ...]  # (id, name) in order
    all_leads: tuple[tuple[str, str], ...]
    steps: tuple[Step, ...]
    updates: tuple[UpdateView, ...]  # newest first
    history: tuple[HistoryEntry, ...]  # newest first
    carried_from: str  # "Children's Services 2023/24 action 1.2", or ""
    waiting: tuple[str, ...] = ()  # received changes to it awaiting a decision, in words

    @property
    def status(self) -> Status:
        counting = [u for u in self.updates if not u.withdrawn]
        return counting[0].status if counting else Status.NOT_STARTED


def action_detail(session: Session, action_id: str) -> ActionDetail:
    row = action(session, action_id)
    plan = session.get(Plan, row.plan_id)
    priorities = tuple(
        (p.id, f"{p.ref} {p.title}") for p in queries.plan_priorities(session, row.plan_id)
    )
    leads = tuple((lead.id, lead.name) for lead in
                  queries.leads_by_action(session, [action_id]).get(action_id, []))
    all_leads = tuple(sorted(((lead.id, lead.name) for lead in queries.live(session, Lead)),
                             key=lambda pair: pair[1].casefold()))
    steps = tuple(queries.steps_by_action(session, [action_id]).get(action_id, []))
    raw_updates = session.exec(
        select(ProgressUpdate).where(ProgressUpdate.action_id == action_id)
    ).all()
    updates = tuple(sorted(
        (_update_view(u) for u in raw_updates),
        key=lambda u: (u.reported_on, u.recorded_at), reverse=True,
    ))
    carried_from = ""
    if row.carried_from_id:
        old = session.get(type(row), row.carried_from_id)
        old_plan = session.get(Plan, old.plan_id) if old else None
        if old and old_plan:
            carried_from = f"{old_plan.short_name} action {old.ref}"
    return ActionDetail(
        id=row.id, plan_id=row.plan_id, plan_name=plan.short_name if plan else "",
        ref=row.ref, text=row.text, success_criteria=row.success_criteria,
        measure_of_success=row.measure_of_success, impact=row.impact, by_when=row.by_when,
        due_date=row.due_date, original_due_date=row.original_due_date,
        due_date_reason=row.due_date_reason,
        timeframe=row.timeframe.label if row.timeframe else None,
        priority_id=row.priority_id, priorities=priorities, leads=leads, all_leads=all_leads,
        steps=steps, updates=updates, history=_history(session, action_id),
        carried_from=carried_from, waiting=_waiting(session, action_id),
    )


def _waiting(session: Session, action_id: str) -> tuple[str, ...]:
    """The action's fields that a received bundle changed differently, still
    to be decided (they show in File > Conflicts to decide)."""
    rows = session.exec(select(SyncConflict).where(
        SyncConflict.row_id == action_id, col(SyncConflict.resolved_at).is_(None))).all()
    return tuple(f"{field_words(c.field)} (from {c.incoming_author or 'someone'})" for c in rows)


def _update_view(u: ProgressUpdate) -> UpdateView:
    return UpdateView(
        id=u.id, reported_on=u.reported_on, recorded_at=u.recorded_at, author=u.author,
        status=u.status, done=u.done_text, next_steps=u.next_steps,
        withdrawn=u.withdrawn_at is not None, withdrawn_by=u.withdrawn_by,
        withdrawn_reason=u.withdrawn_reason,
    )


_CHILD_NAMES = {"action_lead": "Lead", "step": "Step", "progress_update": "Update"}


def _history(session: Session, action_id: str) -> tuple[HistoryEntry, ...]:
    """Every recorded change to the action and to its leads, steps and updates."""
    child_ids = set()
    for table in (ActionLead, Step, ProgressUpdate):
        child_ids |= set(session.exec(select(table.id).where(table.action_id == action_id)).all())
    lead_names = {lead.id: lead.name for lead in session.exec(select(Lead)).all()}
    changes = session.exec(
        select(Change)
        .where(col(Change.row_id).in_([action_id, *child_ids]))
        .order_by(col(Change.changed_at).desc())
    ).all()
    return tuple(_entry(c, lead_names) for c in changes)


def _entry(change: Change, lead_names: dict[str, str]) -> HistoryEntry:
    subject = _CHILD_NAMES.get(change.table_name, "")
    field = change.field.replace("_", " ")
    if change.kind == "insert":
        what, old, new = f"{subject or 'Action'} added", "", _summary(change, lead_names)
    elif change.kind in ("delete", "restore"):
        what = f"{subject or 'Action'} {'removed' if change.kind == 'delete' else 'restored'}"
        old = new = ""
    else:
        what = f"{subject}: {field}" if subject else field.capitalize()
        old, new = change.old_value or "", change.new_value or ""
    return HistoryEntry(change.changed_at, change.author, what, old, new)


def _summary(change: Change, lead_names: dict[str, str]) -> str:
    """A readable line for an inserted row, from its recorded snapshot."""
    try:
        values = json.loads(change.new_value or "{}")
    except ValueError:
        return ""
    if change.table_name == "action_lead":
        return lead_names.get(values.get("lead_id", ""), "")
    if change.table_name == "progress_update":
        return f"{values.get('status', '')} ({values.get('reported_on', '')}): " + (
            values.get("done_text") or ""
        )
    return str(values.get("text") or values.get("ref") or "")
