"""Every demo measure, given figures that should read Green, Amber and Red
for its own polarity, is rated and trended as the board would expect."""

from __future__ import annotations

import datetime as dt

import pytest

from perfdesk.domain.measures import (
    Direction,
    Frequency,
    Polarity,
    effective_tolerance,
)
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.measures.view import measure_rows
from perfdesk.store import queries

PLANS = ("Children's Services", "Partnership")


def _figures(target: float, tolerance: float | None, polarity: Polarity) -> dict[str, float]:
    """A figure that meets the target, one just short of it, one far off."""
    tol = effective_tolerance(target, tolerance) or 1.0
    worse = -1 if polarity is Polarity.HIGHER else 1
    amber = target + worse * tol / 2 if polarity is not Polarity.CLOSE else target + tol * 1.5
    return {"Green": target, "Amber": amber, "Red": target + worse * tol * 3}


@pytest.mark.parametrize("plan", PLANS)
def test_rag_and_direction_of_every_demo_measure(demo_db, plan: str) -> None:
    with demo_db.read() as s:
        measures = [m for m in queries.plan_measures(s, queries.find_plan(s, plan).id)
                    if m.target is not None]
    assert measures
    for expected in ("Red", "Amber", "Green"):  # each later figure is better: improving
        for m in measures:
            figures = _figures(m.target, m.tolerance, m.polarity)
            zero_target_amber = expected == "Amber" and m.target == 0 and m.tolerance is None
            if zero_target_amber:
                continue  # a zero target has no amber band
            with demo_db.write() as s:
                frequency = m.frequency
                period = measure_edits.period_for(frequency, _date(frequency, expected))
                measure_edits.set_value(s, m.id, period, value=figures[expected])
        with demo_db.read() as s:
            rows = {r.id: r for r in measure_rows(s, measures[0].plan_id)}
        for m in measures:
            row = rows[m.id]
            if expected == "Amber" and m.target == 0 and m.tolerance is None:
                continue
            assert row.rag.label == expected, (m.ref, m.polarity, row.latest, m.target)
            if expected != "Red":
                assert row.direction is Direction.IMPROVING, (m.ref, row.latest)


def _date(frequency: Frequency, step: str) -> dt.date:
    # Three periods in a row after the demo baselines, one per expected colour.
    order = ("Red", "Amber", "Green").index(step)
    return {"monthly": dt.date(2024, 1 + order, 15), "quarterly": dt.date(2024, 4 + 3 * order, 15),
            "annual": dt.date(2025 + order, 6, 1)}[frequency.value]
