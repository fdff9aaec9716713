"""Reading plans back: the queries services build on. Tombstoned rows are
never returned unless asked for."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from perfdesk.domain.text import name_key
from perfdesk.errors import NotFound
from perfdesk.store.schema import (
    Action,
    ActionLead,
    Benchmark,
    Lead,
    Measure,
    MeasureAction,
    MeasureValue,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    Step,
    Synced,
)

S = TypeVar("S", bound=Synced)


def live(session: Session, table: type[S], *where: ColumnElement[bool] | bool) -> Sequence[S]:
    """Rows of a table that are not tombstoned."""
    query = select(table).where(col(table.deleted_at).is_(None), *where)
    return session.exec(query).all()


def plans(session: Session) -> Sequence[Plan]:
    return sorted(live(session, Plan), key=lambda p: (p.short_name.casefold(), p.id))


def find_plan(session: Session, name: str) -> Plan:
    """A plan by short name or title, ignoring case and apostrophe style."""
    key = name_key(name)
    found = [p for p in plans(session) if key in (name_key(p.short_name), name_key(p.title))]
    if not found:
        names = ", ".join(repr(p.short_name) for p in plans(session)) or "none"
        raise NotFound(f"No plan named {name!r}. Plans in this database: {names}.")
    return found[0]


def plan_priorities(session: Session, plan_id: str) -> Sequence[Priority]:
    rows = live(session, Priority, Priority.plan_id == plan_id)
    return sorted(rows, key=lambda r: r.display_order)


def plan_outcomes(session: Session, plan_id: str) -> Sequence[Outcome]:
    rows = live(session, Outcome, Outcome.plan_id == plan_id)
    return sorted(rows, key=lambda r: r.display_order)


def plan_actions(session: Session, plan_id: str) -> Sequence[Action]:
    rows = live(session, Action, Action.plan_id == plan_id)
    return sorted(rows, key=lambda r: r.display_order)


def plan_measures(session: Session, plan_id: str) -> Sequence[Measure]:
    rows = live(session, Measure, Measure.plan_id == plan_id)
    return sorted(rows, key=lambda r: r.display_order)


def leads_by_action(session: Session, action_ids: Sequence[str]) -> dict[str, list[Lead]]:
    links = live(session, ActionLead, col(ActionLead.action_id).in_(action_ids))
    lead_rows = {lead.id: lead for lead in live(session, Lead)}
    result: dict[str, list[Lead]] = defaultdict(list)
    for link in sorted(links, key=lambda link: link.display_order):
        if link.lead_id in lead_rows:
            result[link.action_id].append(lead_rows[link.lead_id])
    return result


def _grouped(
    session: Session, table: type[S], parent: str, parent_ids: Sequence[str],
    order: Callable[[S], Any] | None = None,
) -> dict[str, list[S]]:
    """Live rows of `table` whose `parent` column is in `parent_ids`, grouped by it."""
    rows = live(session, table, col(getattr(table, parent)).in_(parent_ids))
    result: dict[str, list[S]] = defaultdict(list)
    for row in sorted(rows, key=order) if order else rows:
        result[getattr(row, parent)].append(row)
    return result


def steps_by_action(session: Session, action_ids: Sequence[str]) -> dict[str, list[Step]]:
    return _grouped(session, Step, "action_id", action_ids, lambda s: s.display_order)


def updates_by_action(
    session: Session, action_ids: Sequence[str]
) -> dict[str, list[ProgressUpdate]]:
    """Every update, withdrawn ones included (they are part of the record)."""
    return _grouped(session, ProgressUpdate, "action_id", action_ids)


def values_by_measure(
    session: Session, measure_ids: Sequence[str]
) -> dict[str, list[MeasureValue]]:
    return _grouped(
        session, MeasureValue, "measure_id", measure_ids, lambda v: (v.period_end, v.period)
    )


def benchmarks_by_measure(
    session: Session, measure_ids: Sequence[str]
) -> dict[str, list[Benchmark]]:
    return _grouped(
        session, Benchmark, "measure_id", measure_ids, lambda b: (b.period_end, b.comparator)
    )


def actions_by_measure(session: Session, measure_ids: Sequence[str]) -> dict[str, list[Action]]:
    links = live(session, MeasureAction, col(MeasureAction.measure_id).in_(measure_ids))
    actions = {a.id: a for a in live(session, Action)}
    result: dict[str, list[Action]] = defaultdict(list)
    for link in links:
        if link.action_id in actions:
            result[link.measure_id].append(actions[link.action_id])
    for linked in result.values():
        linked.sort(key=lambda a: a.display_order)
    return result


def lead_by_name(session: Session) -> dict[str, Lead]:
    """Live leads keyed by name_key, so curly and straight apostrophes meet."""
    return {name_key(lead.name): lead for lead in live(session, Lead)}
