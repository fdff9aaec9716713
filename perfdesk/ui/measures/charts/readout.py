"""The words under a measure chart: the latest figure at rest, and the exact
period and values at the date the mouse is over."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from perfdesk import presentation
from perfdesk.domain.periods import period_label
from perfdesk.services.measures.view import MeasureSeries
from perfdesk.ui.measures.charts.axes import format_value, to_x

SEPARATOR = "  ·  "
EMPTY_TEXT = "No figures yet: add a value, a baseline or a target to draw this chart."


@dataclass(frozen=True)
class Stop:
    """A date on the chart the read-out can snap to, and what it says there."""

    x: float
    text: str


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def hover_stops(series: MeasureSeries) -> list[Stop]:
    """One stop per date that has a value, a benchmark, the baseline or the target."""
    periods: dict[dt.date, str] = {}
    parts: dict[dt.date, list[str]] = defaultdict(list)
    for p in series.values:
        periods[p.period_end] = period_label(p.period)
        parts[p.period_end].append(format_value(p.value, series.unit))
    for name, points in series.benchmarks.items():
        for p in points:
            periods.setdefault(p.period_end, period_label(p.period))
            parts[p.period_end].append(f"{name} {format_value(p.value, series.unit)}")
    if series.baseline is not None and series.baseline_date is not None:
        parts[series.baseline_date].append(
            f"Baseline {format_value(series.baseline, series.unit)}"
        )
    if series.target is not None and series.target_date is not None:
        parts[series.target_date].append(f"Target {format_value(series.target, series.unit)}")
    return [
        Stop(to_x(day), f"{periods.get(day) or _day(day)}: {SEPARATOR.join(parts[day])}")
        for day in sorted(parts)
    ]


def resting_text(series: MeasureSeries | None) -> str:
    if series is None:
        return EMPTY_TEXT
    if not series.values:
        return "No values yet: the chart shows the baseline and target."
    latest = series.values[-1]
    rag = series.latest_rag
    return (
        f"Latest {period_label(latest.period)}: {format_value(latest.value, series.unit)} "
        f"{presentation.badge(rag)}. Point at the chart to read each period."
    )
