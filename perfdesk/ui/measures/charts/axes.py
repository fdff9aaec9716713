"""Axes of a measure chart: periods along the bottom, the measure's unit up the side.

x is a date's ordinal (days), so a point sits at its period's end date. Ticks
fall on period ends and read the way the measure is reported: "Sep 23" for a
monthly measure, "Q2 23/24" for a quarterly one, "2023/24" (or "2023" for
calendar years) for an annual one. The tick step grows (one month, two, a
quarter, half a year, a year...) until the labels fit side by side.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetricsF

from perfdesk.domain.dates import month_end
from perfdesk.domain.measures import Frequency, Unit

# Tick steps in months, smallest first, and the month (0 = January) ticks line up on.
_STEPS = {
    Frequency.MONTHLY: (1, 2, 3, 6, 12, 24, 36, 60, 120),
    Frequency.QUARTERLY: (3, 6, 12, 24, 36, 60, 120),
    Frequency.ANNUAL: (12, 24, 36, 60, 120),
}
_MARCH, _DECEMBER = 2, 11
_LABEL_GAP = 14  # pixels between neighbouring tick labels

PERIOD_DAYS = {Frequency.MONTHLY: 30.5, Frequency.QUARTERLY: 91.5, Frequency.ANNUAL: 365.25}


def to_x(day: dt.date) -> float:
    return float(day.toordinal())


def to_date(x: float) -> dt.date:
    return dt.date.fromordinal(max(1, round(x)))


def period_label(day: dt.date, frequency: Frequency, calendar_years: bool = False) -> str:
    """A short label for the period ending on day, as the axis shows it."""
    if frequency is Frequency.MONTHLY:
        return f"{calendar.month_abbr[day.month]} {day.year % 100:02d}"
    fy = day.year if day.month >= 4 else day.year - 1  # UK financial year starting April
    if frequency is Frequency.QUARTERLY:
        quarter = (day.month - 4) % 12 // 3 + 1
        return f"Q{quarter} {fy % 100:02d}/{(fy + 1) % 100:02d}"
    if calendar_years:
        return str(day.year)
    return f"{fy}/{(fy + 1) % 100:02d}"


def period_ticks(
    lo: dt.date, hi: dt.date, frequency: Frequency, max_ticks: int, calendar_years: bool = False
) -> list[dt.date]:
    """Period end dates between lo and hi, at the smallest step giving no more
    than max_ticks of them."""
    anchor = _DECEMBER if frequency is Frequency.ANNUAL and calendar_years else _MARCH
    first = lo.year * 12 + lo.month - 1
    last = hi.year * 12 + hi.month - 1
    ticks: list[dt.date] = []
    for step in _STEPS[frequency]:
        ticks = [
            end for index in range(first, last + 1)
            if (index - anchor) % step == 0
            and lo <= (end := month_end(index // 12, index % 12 + 1)) <= hi
        ]
        if len(ticks) <= max(1, max_ticks):
            break
    return ticks


class PeriodAxis(pg.AxisItem):
    """The bottom axis, labelled in reporting periods."""

    def __init__(self, font: QFont) -> None:
        super().__init__(orientation="bottom")
        self.frequency = Frequency.MONTHLY
        self.calendar_years = False
        self._font = font
        self.setTickFont(font)

    def set_periods(self, frequency: Frequency, calendar_years: bool = False) -> None:
        self.frequency = frequency
        self.calendar_years = calendar_years
        self.picture = None
        self.update()

    def label_width(self) -> float:
        sample = {Frequency.MONTHLY: "May 88", Frequency.QUARTERLY: "Q4 88/88"}.get(
            self.frequency, "8888" if self.calendar_years else "8888/88"
        )
        return QFontMetricsF(self._font).horizontalAdvance(sample)

    def tickValues(
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:
        if not math.isfinite(minVal) or not math.isfinite(maxVal) or maxVal <= minVal:
            return []
        max_ticks = int(size // (self.label_width() + _LABEL_GAP))
        ticks = period_ticks(
            to_date(math.ceil(minVal)), to_date(math.floor(maxVal)), self.frequency,
            max_ticks, self.calendar_years,
        )
        spacing = (ticks[1] - ticks[0]).days if len(ticks) > 1 else PERIOD_DAYS[self.frequency]
        return [(float(spacing), [to_x(t) for t in ticks])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [period_label(to_date(v), self.frequency, self.calendar_years) for v in values]


def unit_label(unit: Unit) -> str:
    """The y axis title: the unit, or nothing for a plain number."""
    return "" if unit is Unit.NUMBER else unit.value


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text


def format_value(value: float, unit: Unit) -> str:
    """A value as a person reads it: "45%", "12.5 per 10,000", "£1,250", "30 days"."""
    if unit is Unit.POUNDS:
        text = _number(abs(value), 0 if float(value).is_integer() else 2)
        return f"-£{text}" if value < 0 and text != "0" else f"£{text}"
    text = _number(value, 2)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if unit is Unit.PERCENT:
        return f"{text}%"
    if unit in (Unit.PER_10000, Unit.DAYS):
        return f"{text} {unit.value}"
    return text


class ValueAxis(pg.AxisItem):
    """The left axis: plain numbers with thousands separators and only the
    decimals the tick spacing needs (the unit is the axis title)."""

    def __init__(self, font: QFont) -> None:
        super().__init__(orientation="left")
        self._font = font
        self.setTickFont(font)

    def tickValues(
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:
        """One level of round steps (1, 2 or 5 times a power of ten), as many
        as sit comfortably one above another: the grid follows the labels."""
        span = maxVal - minVal
        if not math.isfinite(span) or span <= 0:
            return []
        line = QFontMetricsF(self._font).height()
        count = max(2, min(8, int(size // (line * 1.6))))
        raw = span / count
        magnitude = 10.0 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
        first = math.ceil(minVal / step - 1e-9)
        last = math.floor(maxVal / step + 1e-9)
        return [(step, [i * step for i in range(first, last + 1)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        step = spacing * scale
        decimals = 0 if step >= 1 or step <= 0 else min(4, math.ceil(-math.log10(step) - 1e-9))
        return [_number(v * scale, decimals) for v in values]
