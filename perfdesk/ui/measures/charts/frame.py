"""What part of the plane a measure chart shows, worked out from the series alone.

The frame holds every value, benchmark, the baseline, the target and its
amber band, with padding, and runs far enough right to show the target date
however far it is from the values. With one date or none it still spans a
few periods, so a lone point or a baseline-and-target chart reads sensibly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from perfdesk.domain.measures import Frequency, Polarity, Unit
from perfdesk.services.measures.view import MeasureSeries
from perfdesk.ui.measures.charts.axes import PERIOD_DAYS, to_x

_TOP_ROOM = 0.16  # share of the value span kept free above, for line labels
_BOTTOM_ROOM = 0.10
CLOSE_LINES = 0.12  # baseline and target nearer than this share of the span: label apart


@dataclass(frozen=True)
class Frame:
    x0: float
    x1: float
    y0: float
    y1: float
    has_dates: bool


def has_figures(series: MeasureSeries | None) -> bool:
    """Whether there is anything to draw at all."""
    return series is not None and bool(
        series.values
        or any(series.benchmarks.values())
        or series.baseline is not None
        or series.target is not None
    )


def band_edges(series: MeasureSeries) -> list[tuple[float, float]]:
    """The amber band(s) as (low, high) pairs, on the failing side of the target."""
    if series.target is None or not series.tolerance:
        return []
    t, tol = series.target, abs(series.tolerance)
    if series.polarity is Polarity.HIGHER:
        return [(t - tol, t)]
    if series.polarity is Polarity.LOWER:
        return [(t, t + tol)]
    return [(t - tol, t), (t, t + tol)]


def all_dates(series: MeasureSeries) -> list[dt.date]:
    dates = [p.period_end for p in series.values]
    dates += [p.period_end for points in series.benchmarks.values() for p in points]
    dates += [d for d in (series.baseline_date, series.target_date) if d is not None]
    return dates


def calendar_years(series: MeasureSeries) -> bool:
    """Whether an annual series is reported in calendar years (all ending 31 December)."""
    ends = [p.period_end for p in series.values]
    ends += [p.period_end for points in series.benchmarks.values() for p in points]
    return bool(ends) and all((d.month, d.day) == (12, 31) for d in ends)


NEUTRAL_DAY = dt.date(2000, 1, 1)  # centre of a chart with no dates (its date axis is hidden)


def frame_for(series: MeasureSeries) -> Frame:
    dates = all_dates(series)
    period = PERIOD_DAYS[series.frequency]
    if dates:
        lo, hi = to_x(min(dates)), to_x(max(dates))
    else:  # a baseline or target with no dates: the lines run across a neutral span
        lo = hi = to_x(NEUTRAL_DAY)
    if hi - lo < 4 * period:
        middle = (lo + hi) / 2
        lo, hi = middle - 2 * period, middle + 2 * period
    pad = max((hi - lo) * 0.04, period * (0.6 if series.frequency is Frequency.MONTHLY else 0.4))
    x0, x1 = lo - pad, hi + pad

    ys = [p.value for p in series.values]
    ys += [p.value for points in series.benchmarks.values() for p in points]
    ys += [v for v in (series.baseline, series.target) if v is not None]
    ys += [edge for pair in band_edges(series) for edge in pair]
    if not ys:
        return Frame(x0, x1, 0.0, 1.0, bool(dates))
    low, high = min(ys), max(ys)
    span = high - low
    if span == 0:
        span = max(abs(high) * 0.2, 1.0)
        low, high = low - span / 2, high + span / 2
    bottom_room = _BOTTOM_ROOM
    if series.baseline is not None and series.target is not None and (
        abs(series.baseline - series.target) <= CLOSE_LINES * span
        and min(series.baseline, series.target) <= low + CLOSE_LINES * span
    ):
        bottom_room = _TOP_ROOM  # the lower line's label goes under it
    y0, y1 = low - span * bottom_room, high + span * _TOP_ROOM
    if min(ys) >= 0 > y0:  # nothing below zero: no negative axis
        y0 = 0.0
    if series.unit is Unit.PERCENT and max(ys) <= 90 < y1:
        y1 = min(y1, 100.0)
    return Frame(x0, x1, y0, y1, bool(dates))
