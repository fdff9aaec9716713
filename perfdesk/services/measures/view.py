"""Measures as the window shows them: one row per measure with its RAG and
direction, and the full series of one measure for its chart.

RAG and direction come from `domain.measures`, over the same values
`perfdesk measures` reads, so the window and the command line agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from perfdesk.domain.as_at import ValueFact, values_as_at
from perfdesk.domain.measures import (
    Direction,
    Frequency,
    Point,
    Polarity,
    Rag,
    Unit,
    direction,
    effective_tolerance,
    rag,
)
from perfdesk.store import queries
from perfdesk.store.schema import Lead, Measure

NO_AREA = "Other measures"


@dataclass(frozen=True)
class MeasureSeries:
    """Everything a chart of one measure draws."""

    ref: str
    indicator: str
    unit: Unit
    polarity: Polarity
    frequency: Frequency
    baseline: float | None
    baseline_date: dt.date | None
    target: float | None
    target_date: dt.date | None
    tolerance: float | None  # the amber band's half-width around the target, if any
    values: tuple[Point, ...]
    benchmarks: dict[str, tuple[Point, ...]] = field(default_factory=dict)
    latest_rag: Rag = Rag.GREY


@dataclass(frozen=True)
class MeasureRow:
    id: str
    plan_id: str
    ref: str
    area: str
    indicator: str
    unit: Unit
    polarity: Polarity
    frequency: Frequency
    baseline: float | None
    baseline_text: str
    baseline_date: dt.date | None
    target: float | None
    target_text: str
    target_date: dt.date | None
    latest: float | None
    latest_period: str | None
    rag: Rag
    direction: Direction | None
    benchmarks: tuple[tuple[str, str, float], ...]  # latest (comparator, period, value) each
    owner: str
    order: int
    search_key: str = ""


def measure_rows(
    session: Session, plan_id: str, as_at: dt.date | None = None,
    only: Collection[str] | None = None,
) -> list[MeasureRow]:
    """The plan's measures (or `only` those) with where each stands."""
    measures = queries.plan_measures(session, plan_id)
    if only is not None:
        measures = [m for m in measures if m.id in only]
    ids = [m.id for m in measures]
    values = queries.values_by_measure(session, ids)
    benchmarks = queries.benchmarks_by_measure(session, ids)
    owners = {lead.id: lead.name for lead in queries.live(session, Lead)}
    rows = []
    for m in measures:
        facts = values_as_at(
            (ValueFact(v.period, v.period_end, v.value) for v in values.get(m.id, [])), as_at
        )
        latest = facts[-1] if facts else None
        previous = facts[-2] if len(facts) > 1 else None
        polarity = m.polarity
        latest_bench: dict[str, tuple[str, float]] = {}
        for b in benchmarks.get(m.id, []):
            if b.value is not None and (as_at is None or b.period_end <= as_at):
                latest_bench[b.comparator] = (b.period, b.value)  # sorted by period end
        owner = owners.get(m.owner_id or "", "")
        rows.append(MeasureRow(
            id=m.id, plan_id=plan_id, ref=m.ref, area=m.area or NO_AREA, indicator=m.indicator,
            unit=m.unit, polarity=polarity, frequency=m.frequency, baseline=m.baseline,
            baseline_text=m.baseline_text, baseline_date=m.baseline_date, target=m.target,
            target_text=m.target_text, target_date=m.target_date,
            latest=latest.value if latest else None,
            latest_period=latest.period if latest else None,
            rag=rag(latest.value if latest else None, m.target, polarity, m.tolerance),
            direction=direction(latest.value if latest else None,
                                previous.value if previous else None, polarity, m.target),
            benchmarks=tuple((c, p, v) for c, (p, v) in sorted(latest_bench.items())),
            owner=owner, order=m.display_order,
            search_key="\n".join((m.ref, m.indicator, m.area, owner, m.definition)).casefold(),
        ))
    return rows


def measure_count(session: Session, plan_id: str) -> int:
    """How many live measures the plan has (as many rows as `measure_rows`)."""
    return int(session.connection().execute(
        select(func.count()).select_from(Measure)
        .where(Measure.plan_id == plan_id, col(Measure.deleted_at).is_(None))
    ).scalar_one())


def measure_series(session: Session, measure_id: str) -> MeasureSeries:
    m = session.get(Measure, measure_id)
    if m is None:
        raise ValueError(f"no measure {measure_id}")
    polarity = m.polarity
    points = tuple(
        Point(v.period, v.period_end, v.value)
        for v in queries.values_by_measure(session, [m.id]).get(m.id, []) if v.value is not None
    )
    bench: dict[str, list[Point]] = defaultdict(list)
    for b in queries.benchmarks_by_measure(session, [m.id]).get(m.id, []):
        if b.value is not None:
            bench[b.comparator].append(Point(b.period, b.period_end, b.value))
    latest = points[-1].value if points else None
    tolerance = None
    if m.target is not None:
        tolerance = effective_tolerance(m.target, m.tolerance) or None
    return MeasureSeries(
        ref=m.ref, indicator=m.indicator, unit=m.unit, polarity=polarity,
        frequency=m.frequency, baseline=m.baseline,
        baseline_date=m.baseline_date, target=m.target, target_date=m.target_date,
        tolerance=tolerance, values=points,
        benchmarks={name: tuple(pts) for name, pts in sorted(bench.items())},
        latest_rag=rag(latest, m.target, polarity, m.tolerance),
    )
