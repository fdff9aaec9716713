"""What each Overview chart draws, worked out from an `Overview` without
loading the charting library: categories, series and counts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from perfdesk.domain.action_view import GROUP_ORDER, NO_TIMEFRAME
from perfdesk.domain.measures import Rag
from perfdesk.domain.status import Status
from perfdesk.presentation import colour, symbol
from perfdesk.services.overview import AreaCounts, Overview, PriorityCounts


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    symbol: str

    @property
    def legend(self) -> str:
        return f"{self.symbol} {self.label}"


STATUS_SERIES = tuple(Series(s.label, colour(s), symbol(s)) for s in Status)
RAG_SERIES = tuple(Series(r.label, colour(r), symbol(r)) for r in Rag)


@dataclass(frozen=True)
class Bars:
    """What a chart draws: per category, a count per series."""

    categories: tuple[str, ...]
    series: tuple[Series, ...]
    values: tuple[tuple[int, ...], ...]  # [category][series]

    def total(self, category: int) -> int:
        return sum(self.values[category])

    @property
    def top(self) -> int:
        return max((self.total(c) for c in range(len(self.categories))), default=0)


def _count_in(by_label: Mapping[str, int]) -> Callable[[str], int]:
    return lambda label: by_label.get(label, 0)


def _bars(names: list[str], series: tuple[Series, ...],
          counts: list[Callable[[str], int]]) -> Bars:
    return Bars(tuple(names), series,
                tuple(tuple(count(s.label) for s in series) for count in counts))


def priority_bars(view: Overview) -> tuple[Bars, list[PriorityCounts], str]:
    """Actions by status per priority. Priorities with no actions are left
    out (and said so), so the bars that matter stay readable."""
    shown = [p for p in view.by_priority if p.total]
    empty = len(view.by_priority) - len(shown)
    note = ""
    if empty == 1:
        note = "1 priority has no actions and is not shown."
    elif empty:
        note = f"{empty} priorities have no actions and are not shown."
    bars = _bars([p.label for p in shown], STATUS_SERIES,
                 [_count_in(p.by_status) for p in shown])
    return bars, shown, note


def timeframe_bars(view: Overview) -> tuple[Bars, list[str]]:
    """Actions by status per timeframe: the three bands always, "No
    timeframe" only when some action has none."""
    counts = {t.group: t for t in view.by_timeframe}
    groups = [g for g in GROUP_ORDER
              if g != NO_TIMEFRAME or (g in counts and counts[g].total)]
    bars = _bars(groups, STATUS_SERIES,
                 [_count_in(counts[g].by_status if g in counts else {}) for g in groups])
    return bars, groups


def area_bars(view: Overview) -> tuple[Bars, list[AreaCounts]]:
    areas = list(view.measures_by_area)
    bars = _bars([a.label for a in areas], RAG_SERIES,
                 [_count_in(a.by_rag) for a in areas])
    return bars, areas


def quarter_bars(view: Overview) -> Bars:
    quarters = list(view.quarter_ends)
    return _bars([q.label for q in quarters], STATUS_SERIES,
                 [_count_in(q.by_status) for q in quarters])


def nice_step(top: int, ticks: int = 5) -> int:
    """A whole-number tick step giving about `ticks` ticks up to `top`."""
    rough = max(1.0, top / ticks)
    magnitude = 10 ** (len(str(int(rough))) - 1)
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= rough:
            return factor * magnitude
    return 10 * magnitude


def fit_label(text: str, metrics: QFontMetrics, width: int, lines: int = 2) -> str:
    """The text wrapped at spaces into at most `lines` lines of `width`
    pixels, the last one elided if the rest does not fit."""
    words = text.split()
    result: list[str] = []
    while words and len(result) < lines - 1:
        line = words.pop(0)
        while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        if metrics.horizontalAdvance(line) > width:
            line = metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
        result.append(line)
    if words:
        rest = " ".join(words)
        result.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
    return "\n".join(result)
