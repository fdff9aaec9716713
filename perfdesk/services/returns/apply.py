"""Importing a lead return: first a preview of every update and figure it
would add, each flagged when it cannot or should not simply be added; then
the additions, in the caller's write transaction. Importing the same return
twice adds nothing the second time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from sqlmodel import Session

from perfdesk.domain.text import name_key
from perfdesk.errors import Conflict, Problem, ValidationFailed
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.measures.edits import check_period
from perfdesk.services.returns.read import (
    ACTIONS,
    MEASURES,
    RETURN,
    ActionReturn,
    MeasureCol,
    MeasureReturn,
    ReturnDoc,
    ReturnField,
)
from perfdesk.services.returns.write import database_id
from perfdesk.store import queries
from perfdesk.store.schema import Action, Lead, Measure, MeasureValue, ProgressUpdate

log = logging.getLogger(__name__)


class Flag(Enum):
    DELETED = "deleted since export: not applied"
    NOT_LEAD = "not led by the return's lead: applied only when confirmed"
    DUPLICATE = "already recorded: skipped"


@dataclass(frozen=True)
class ReturnItem:
    """One addition the return asks for, as the preview lists it."""

    where: str  # "Actions row 3"
    ref: str
    what: str  # "update to CS1: On track on 2024-03-31: ..." / "value for M1 2024-03: 47"
    flag: Flag | None
    row: ActionReturn | MeasureReturn
    period: str = ""  # a figure's period in canonical form
    replaces: str = ""  # a figure already held for that period, as shown

    def applies(self, confirm_unassigned: bool) -> bool:
        return self.flag is None or (self.flag is Flag.NOT_LEAD and confirm_unassigned)


@dataclass(frozen=True)
class ReturnPreview:
    doc: ReturnDoc
    items: list[ReturnItem]

    @property
    def needs_confirmation(self) -> list[ReturnItem]:
        return [i for i in self.items if i.flag is Flag.NOT_LEAD]

    def to_add(self, confirm_unassigned: bool = False) -> list[ReturnItem]:
        return [i for i in self.items if i.applies(confirm_unassigned)]


def check_return(session: Session, doc: ReturnDoc) -> ReturnPreview:
    """What importing `doc` would add. ValidationFailed (nothing to import)
    when it is from another database or a period does not suit its measure."""
    here = database_id(session)
    if doc.database_id != here:
        raise ValidationFailed(doc.source, [Problem(
            f"{RETURN.name}, {ReturnField.DATABASE}",
            f"this return was exported from another PerfDesk database ({doc.database_id}); "
            "import it into the database it came from",
        )])  # fmt: skip
    lead = queries.lead_by_name(session).get(name_key(doc.lead))
    lead_id = lead.id if lead is not None else None
    live_plans = {p.id for p in queries.plans(session)}
    action_ids = [a.action_id for a in doc.actions]
    leads = queries.leads_by_action(session, action_ids)
    updates = queries.updates_by_action(session, action_ids)
    items = [_action_item(session, a, lead_id, live_plans, leads, updates) for a in doc.actions]
    problems: list[Problem] = []
    items += [_measure_item(session, m, lead_id, live_plans, problems) for m in doc.measures]
    if problems:
        raise ValidationFailed(doc.source, problems)
    return ReturnPreview(doc, items)


def _action_item(
    session: Session, row: ActionReturn, lead_id: str | None, live_plans: set[str],
    leads: dict[str, list[Lead]], updates: dict[str, list[ProgressUpdate]],
) -> ReturnItem:
    action = session.get(Action, row.action_id)
    ref = action.ref if action is not None else row.ref
    text = "; ".join(t for t in (row.done, row.next_steps) if t)
    what = f"update to {ref}: {row.status.label} on {row.reported_on.isoformat()}: {text}"
    flag = None
    if action is None or action.deleted_at is not None or action.plan_id not in live_plans:
        flag = Flag.DELETED
    elif any(
        u.withdrawn_at is None and u.status is row.status and u.done_text == row.done
        and u.next_steps == row.next_steps and (u.reported_on == row.reported_on or not row.dated)
        for u in updates.get(row.action_id, [])
    ):
        flag = Flag.DUPLICATE
    elif lead_id not in {lead.id for lead in leads.get(row.action_id, [])}:
        flag = Flag.NOT_LEAD
    return ReturnItem(f"{ACTIONS.name} row {row.row}", ref, what, flag, row)


def _measure_item(
    session: Session, row: MeasureReturn, lead_id: str | None, live_plans: set[str],
    problems: list[Problem],
) -> ReturnItem:
    measure = session.get(Measure, row.measure_id)
    where = f"{MEASURES.name} row {row.row}"
    ref = measure.ref if measure is not None else row.ref
    if measure is None or measure.deleted_at is not None or measure.plan_id not in live_plans:
        what = f"value for {ref} {row.period}: {row.value:g}"
        return ReturnItem(where, ref, what, Flag.DELETED, row)
    try:
        period, _ = check_period(row.period, measure.frequency)
    except Conflict as exc:
        problems.append(Problem(f"{where}, column {MeasureCol.PERIOD.name}", str(exc)))
        period = row.period
    what = f"value for {ref} {period}: {row.value:g}"
    held = next((v for v in queries.live(session, MeasureValue, MeasureValue.measure_id
                                         == measure.id) if v.period == period), None)
    flag, replaces = None, ""
    if held is not None and held.value == row.value and held.note == row.note:
        flag = Flag.DUPLICATE
    elif measure.owner_id != lead_id or lead_id is None:
        flag = Flag.NOT_LEAD
    if held is not None and flag is not Flag.DUPLICATE:
        replaces = "blank" if held.value is None else f"{held.value:g}"
        what += f" (replaces {replaces})"
    return ReturnItem(where, ref, what, flag, row, period, replaces)


def apply_return(session: Session, preview: ReturnPreview, confirm_unassigned: bool,
                 progress: Callable[[int, int], None] | None = None) -> int:
    """Add what the return asks for, authored by its lead, in the caller's
    transaction. The preview is worked out again first, so anything added
    or deleted since it was shown is respected. Returns how many were added.
    `progress(done, total)` is called inside the transaction (a cancel rolls
    it back)."""
    fresh = check_return(session, preview.doc)
    author = preview.doc.lead
    added = 0
    wanted = fresh.to_add(confirm_unassigned)
    for item in wanted:
        if progress is not None:
            progress(added, len(wanted))
        row = item.row
        if isinstance(row, ActionReturn):
            action_edits.add_update(
                session, row.action_id, status=row.status, reported_on=row.reported_on,
                author=author, done=row.done, next_steps=row.next_steps,
            )
        else:
            measure_edits.set_value(session, row.measure_id, item.period, value=row.value,
                                    note=row.note, author=author)
        added += 1
    log.info("applied return of %r from %s: %d added", author, preview.doc.source, added)
    return added

