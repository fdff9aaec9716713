"""Pending conflicts: what collided, described as people know it (plan,
action ref, field), and deciding them - keep this database's value, take the
incoming one, or write a third. A decision is an ordinary recorded edit, so
it shows in the history and can be undone like any other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from sqlmodel import Session, col, func, select

from perfdesk.errors import NotFound, PerfDeskError
from perfdesk.store.edits import TABLES
from perfdesk.store.history import as_text
from perfdesk.store.schema import (
    Action,
    Benchmark,
    Lead,
    Measure,
    MeasureValue,
    Outcome,
    Plan,
    Priority,
    Step,
    SyncConflict,
    Synced,
    utc_now,
)
from perfdesk.store.values import column_value

FIELD_WORDS = {
    "text": "action", "success_criteria": "outcome", "by_when": "by when",
    "due_date": "due date", "due_date_reason": "reason the due date changed",
    "measure_of_success": "measure of success", "priority_id": "priority",
    "plan_id": "plan", "display_order": "position", "short_name": "short name",
}


class Take(Enum):
    MASTER = "master"
    INCOMING = "incoming"
    EDITED = "edited"


@dataclass(frozen=True)
class ConflictView:
    id: int
    where: str  # "Children's Services, action 1.2"
    ref: str  # the action or measure ref, "" for other rows
    field: str  # "by when"
    base: str | None
    master: str | None  # the value here now
    incoming: str | None
    incoming_author: str
    incoming_at: dt.datetime
    table: str
    column: str
    context: str = ""  # what the row is, for the decision: an action's own words


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored time (UTC, handed back by SQLite without its zone) in this
    computer's time zone, as people read it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone()


def field_words(column: str) -> str:
    return FIELD_WORDS.get(column, column.replace("_", " "))


def pending(session: Session) -> list[ConflictView]:
    rows = session.exec(
        select(SyncConflict).where(col(SyncConflict.resolved_at).is_(None))
        .order_by(col(SyncConflict.id))
    ).all()
    return [_view(session, c) for c in rows]


def pending_count(session: Session) -> int:
    """Counted in SQL: the status bar asks after every edit."""
    return int(session.exec(
        select(func.count()).select_from(SyncConflict)
        .where(col(SyncConflict.resolved_at).is_(None))
    ).one())


def _view(session: Session, conflict: SyncConflict) -> ConflictView:
    model = TABLES[conflict.table_name]
    row = session.get(model, conflict.row_id)
    where, ref, context = (describe(session, row) if row is not None
                           else (conflict.table_name, "", ""))
    master = as_text(getattr(row, conflict.field)) if row is not None else None
    assert conflict.id is not None
    return ConflictView(
        id=conflict.id, where=where, ref=ref, field=field_words(conflict.field),
        base=conflict.base_value, master=master, incoming=conflict.incoming_value,
        incoming_author=conflict.incoming_author, incoming_at=conflict.incoming_at,
        table=conflict.table_name, column=conflict.field, context=context,
    )


def _owner(session: Session, row: Synced) -> tuple[Synced, str]:
    """The action or measure that a step, figure or benchmark belongs to, and
    which part of it the row is; any other row stands for itself."""
    if isinstance(row, Step):
        action = session.get(Action, row.action_id)
        return (action, "step") if action is not None else (row, "")
    if isinstance(row, MeasureValue | Benchmark):
        measure = session.get(Measure, row.measure_id)
        what = row.period if isinstance(row, MeasureValue) else f"{row.comparator} {row.period}"
        return (measure, what) if measure is not None else (row, "")
    return row, ""


def describe(session: Session, row: Synced) -> tuple[str, str, str]:
    """Where a row sits, in the plan's own words; its ref if it has one; and
    what it is about (an action's or measure's own words), for a decision."""
    def plan_name(plan_id: str | None) -> str:
        plan = session.get(Plan, plan_id) if plan_id else None
        return plan.short_name if plan is not None else "?"

    owner, part = _owner(session, row)
    part = f", {part}" if part else ""
    if isinstance(owner, Action):
        return f"{plan_name(owner.plan_id)}, action {owner.ref}{part}", owner.ref, owner.text
    if isinstance(owner, Measure):
        return (f"{plan_name(owner.plan_id)}, measure {owner.ref}{part}", owner.ref,
                owner.indicator)
    if isinstance(owner, Priority):
        return f"{plan_name(owner.plan_id)}, priority {owner.ref}", owner.ref, owner.title
    if isinstance(owner, Lead):
        return f"lead {owner.name}", "", ""
    if isinstance(owner, Outcome):
        return f"{plan_name(owner.plan_id)}, outcome statement", "", ""
    if isinstance(owner, Plan):
        return f"plan {owner.short_name}", "", ""
    return owner.__tablename__.replace("_", " "), "", ""


def resolve(
    session: Session, conflict_id: int, take: Take, who: str, value: str | None = None
) -> SyncConflict:
    """Decide one pending conflict in the caller's (recorded) transaction."""
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound(f"There is no conflict {conflict_id}; `perfdesk sync conflicts` lists them.")
    if conflict.resolved_at is not None:
        raise PerfDeskError(f"Conflict {conflict_id} was already decided "
                            f"({conflict.resolution}, by {conflict.resolved_by or 'someone'}).")
    model = TABLES[conflict.table_name]
    row = session.get(model, conflict.row_id)
    if row is None:
        raise NotFound(f"Conflict {conflict_id}: its {conflict.table_name} row is not here.")
    if take is Take.MASTER:
        chosen = as_text(getattr(row, conflict.field))
    else:
        chosen = conflict.incoming_value if take is Take.INCOMING else value
        try:
            typed = column_value(model, conflict.field, chosen)
        except ValueError as exc:
            raise PerfDeskError(f"{chosen!r} is not a valid {field_words(conflict.field)}; "
                                "the conflict is still pending.") from exc
        setattr(row, conflict.field, typed)
    conflict.resolved_at, conflict.resolved_by = utc_now(), who
    conflict.resolution, conflict.resolved_value = take.value, chosen
    return conflict


def resolve_all(session: Session, take: Take, who: str) -> int:
    if take is Take.EDITED:
        raise PerfDeskError("A typed value decides one conflict at a time; give its number.")
    ids = [c.id for c in pending(session)]
    for conflict_id in ids:
        resolve(session, conflict_id, take, who)
    return len(ids)
