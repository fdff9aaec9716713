"""Measures against their targets: units, polarity, RAG and direction of travel.

Percentages are held in percentage points (19, not 0.19).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from perfdesk.domain.labelled import Labelled

_EPSILON = 1e-9
DEFAULT_TOLERANCE_SHARE = 0.10


class Unit(Enum):
    PERCENT = "%"
    PER_10000 = "per 10,000"
    NUMBER = "number"
    POUNDS = "£"
    DAYS = "days"


class Polarity(Enum):
    HIGHER = "higher is better"
    LOWER = "lower is better"
    CLOSE = "close to target"


class Frequency(Enum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class Rag(Labelled):
    """A measure against its target. How each is shown, its colour and
    symbol, is in `perfdesk.presentation`."""

    GREEN = "Green"
    AMBER = "Amber"
    RED = "Red"
    GREY = "Grey"


@dataclass(frozen=True)
class Point:
    """One figure of a measure: its period ("2023-09", "Q2 2023/24"), the
    period's last day, and the value."""

    period: str
    period_end: dt.date
    value: float


class Direction(Enum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no change"


E = TypeVar("E", bound=Enum)


def parse_enum(kind: type[E], text: str) -> E:
    """An enum member from its value, ignoring case and spacing."""
    key = " ".join(str(text).split()).casefold()
    for member in kind:
        if str(member.value).casefold() == key:
            return member
    options = ", ".join(str(m.value) for m in kind)
    raise ValueError(f"unknown {kind.__name__.lower()} {text!r} (expected one of: {options})")


def effective_tolerance(target: float, tolerance: float | None) -> float:
    """The tolerance as set, or 10% of the target in the measure's own units."""
    if tolerance is not None:
        return abs(tolerance)
    return abs(target) * DEFAULT_TOLERANCE_SHARE


def rag(
    value: float | None,
    target: float | None,
    polarity: Polarity,
    tolerance: float | None = None,
) -> Rag:
    """Green at or better than target; Amber worse by no more than the
    tolerance; Red beyond; Grey with no target or no value. Close-to-target:
    Green within the tolerance either side, Amber within twice it.

    A target of zero with no tolerance set has no amber band: any value on
    the wrong side of zero is Red.
    """
    if value is None or target is None:
        return Rag.GREY
    tol = effective_tolerance(target, tolerance)
    if polarity is Polarity.CLOSE:
        gap = abs(value - target)
        if gap <= tol + _EPSILON:
            return Rag.GREEN
        return Rag.AMBER if gap <= 2 * tol + _EPSILON else Rag.RED
    shortfall = target - value if polarity is Polarity.HIGHER else value - target
    if shortfall <= _EPSILON:
        return Rag.GREEN
    return Rag.AMBER if shortfall <= tol + _EPSILON else Rag.RED


def direction(
    latest: float | None,
    previous: float | None,
    polarity: Polarity,
    target: float | None = None,
) -> Direction | None:
    """Direction of travel from the previous value, honouring polarity. For a
    close-to-target measure, moving nearer the target is improving."""
    if latest is None or previous is None:
        return None
    if polarity is Polarity.CLOSE:
        if target is None:
            return None
        change = abs(previous - target) - abs(latest - target)
    elif polarity is Polarity.HIGHER:
        change = latest - previous
    else:
        change = previous - latest
    if abs(change) <= _EPSILON:
        return Direction.NO_CHANGE
    return Direction.IMPROVING if change > 0 else Direction.WORSENING


def format_value(value: float | None, unit: Unit, short: bool = False) -> str:
    """A figure as the board reads it: "45%", "32.1 per 10,000", "£1,200",
    "12 days", "1,234". `short` leaves off a long unit (for tight columns)."""
    if value is None:
        return ""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if abs(value) < 10 and not float(value).is_integer():
        number = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit is Unit.PERCENT:
        return f"{number}%"
    if unit is Unit.POUNDS:
        return f"£{number}"
    if unit is Unit.DAYS:
        return f"{number} days"
    if unit is Unit.PER_10000:
        return number if short else f"{number} per 10,000"
    return number


DIRECTION_TEXT = {
    Direction.IMPROVING: "↑ Improving",
    Direction.WORSENING: "↓ Worsening",
    Direction.NO_CHANGE: "→ No change",
}
