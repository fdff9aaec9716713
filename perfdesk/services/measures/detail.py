"""Everything the measure editor shows about one measure, read in one go."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from perfdesk.domain.measures import Direction, Frequency, Rag, Unit
from perfdesk.domain.status import Status
from perfdesk.services.actions.rows import action_rows
from perfdesk.services.measures.view import MeasureRow, measure_rows
from perfdesk.store import queries
from perfdesk.store.schema import Change, Lead, Measure, MeasureAction


@dataclass(frozen=True)
class ValueView:
    id: str
    period: str
    period_end: dt.date
    value: float | None
    numerator: float | None
    denominator: float | None
    note: str
    author: str


@dataclass(frozen=True)
class BenchmarkView:
    id: str
    period: str
    period_end: dt.date
    comparator: str
    value: float | None


@dataclass(frozen=True)
class LinkedAction:
    id: str
    ref: str
    text: str
    status: Status


@dataclass(frozen=True)
class DefinitionChange:
    changed_at: dt.datetime
    author: str
    old: str
    new: str


@dataclass(frozen=True)
class MeasureDetail:
    row: MeasureRow  # ref, indicator, unit, baseline, target, latest, RAG, direction...
    definition: str
    source: str
    tolerance: float | None
    owner_id: str | None
    leads: tuple[tuple[str, str], ...]  # every live lead, for the owner picker
    values: tuple[ValueView, ...]  # newest first
    benchmarks: tuple[BenchmarkView, ...]  # newest first
    actions: tuple[LinkedAction, ...]
    plan_actions: tuple[LinkedAction, ...]  # what could be linked
    definition_history: tuple[DefinitionChange, ...]  # newest first

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def unit(self) -> Unit:
        return self.row.unit

    @property
    def frequency(self) -> Frequency:
        return self.row.frequency

    @property
    def rag(self) -> Rag:
        return self.row.rag

    @property
    def direction(self) -> Direction | None:
        return self.row.direction


def measure_detail(session: Session, measure_id: str, today: dt.date) -> MeasureDetail | None:
    """The measure, or None when it has been deleted."""
    m = session.get(Measure, measure_id)
    if m is None or m.deleted_at is not None:
        return None
    row = next(r for r in measure_rows(session, m.plan_id) if r.id == measure_id)
    values = queries.values_by_measure(session, [m.id]).get(m.id, [])
    benchmarks = queries.benchmarks_by_measure(session, [m.id]).get(m.id, [])
    links = queries.live(session, MeasureAction, MeasureAction.measure_id == m.id)
    linked_ids = {link.action_id for link in links}
    every = action_rows(session, m.plan_id, today)
    plan_actions = tuple(LinkedAction(a.id, a.ref, a.text, a.status) for a in every)
    history = session.exec(
        select(Change)
        .where(Change.row_id == m.id, Change.field == "definition")
        .order_by(col(Change.changed_at).desc())
    ).all()
    return MeasureDetail(
        row=row, definition=m.definition, source=m.source, tolerance=m.tolerance,
        owner_id=m.owner_id,
        leads=tuple(sorted(((lead.id, lead.name) for lead in queries.live(session, Lead)),
                           key=lambda pair: pair[1].casefold())),
        values=tuple(ValueView(v.id, v.period, v.period_end, v.value, v.numerator,
                               v.denominator, v.note, v.author) for v in reversed(values)),
        benchmarks=tuple(BenchmarkView(b.id, b.period, b.period_end, b.comparator, b.value)
                         for b in reversed(benchmarks)),
        actions=tuple(a for a in plan_actions if a.id in linked_ids),
        plan_actions=plan_actions,
        definition_history=tuple(
            DefinitionChange(c.changed_at, c.author, c.old_value or "", c.new_value or "")
            for c in history
        ),
    )


@dataclass(frozen=True)
class LinkedMeasure:
    id: str
    ref: str
    indicator: str
    rag: Rag


def measures_for_action(
    session: Session, plan_id: str, action_id: str
) -> tuple[tuple[LinkedMeasure, ...], int]:
    """The golden thread from an action: its measures, each with its RAG now,
    and how many measures the plan has. Only the linked measures' figures are
    read, since this runs each time an action is chosen."""
    links = queries.live(session, MeasureAction, MeasureAction.action_id == action_id)
    linked = {link.measure_id for link in links}
    rows = measure_rows(session, plan_id, only=linked)
    count = len(queries.plan_measures(session, plan_id))
    return tuple(LinkedMeasure(r.id, r.ref, r.indicator, r.rag) for r in rows), count


def plan_measures_to_link(session: Session, plan_id: str) -> tuple[LinkedMeasure, ...]:
    """Every measure of the plan with its RAG now: the choices for a link."""
    return tuple(LinkedMeasure(r.id, r.ref, r.indicator, r.rag)
                 for r in measure_rows(session, plan_id))
