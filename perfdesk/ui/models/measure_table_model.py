"""A plan's measures grouped by area, filtered and sorted inside the model,
with a heading row per area as in the actions table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt

from perfdesk import presentation
from perfdesk.domain.dates import nice_date
from perfdesk.domain.measures import DIRECTION_TEXT, Rag, format_value
from perfdesk.domain.periods import period_label
from perfdesk.services.measures.view import MeasureRow
from perfdesk.ui.models.grouped_table import GroupedTableModel
from perfdesk.ui.models.rows_model import ROW_ROLE
from perfdesk.ui.status_icons import colour_dot

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison


class Column(IntEnum):
    REF = 0
    INDICATOR = 1
    BASELINE = 2
    LATEST = 3
    TARGET = 4
    RAG = 5
    DIRECTION = 6
    BENCHMARKS = 7


HEADERS: dict[int, str] = {
    Column.REF: "Ref", Column.INDICATOR: "Indicator", Column.BASELINE: "Baseline",
    Column.LATEST: "Latest", Column.TARGET: "Target", Column.RAG: "RAG",
    Column.DIRECTION: "Direction", Column.BENCHMARKS: "Benchmarks",
}


@dataclass(frozen=True)
class MeasureFilter:
    text: str = ""
    area: str = ""
    rag: Rag | None = None

    def matches(self, row: MeasureRow) -> bool:
        words = self.text.casefold().split()
        return (all(w in row.search_key for w in words)
                and (not self.area or row.area == self.area)
                and (self.rag is None or row.rag is self.rag))


def _with(value: str, when: str) -> str:
    return f"{value} ({when})" if value and when else value


def _sort_key(row: MeasureRow, column: Column) -> SupportsRichComparison:
    rag_order = list(Rag)
    keys: dict[Column, SupportsRichComparison] = {
        Column.REF: row.ref, Column.INDICATOR: row.indicator.casefold(),
        Column.BASELINE: row.baseline if row.baseline is not None else float("inf"),
        Column.LATEST: row.latest if row.latest is not None else float("inf"),
        Column.TARGET: row.target if row.target is not None else float("inf"),
        Column.RAG: rag_order.index(row.rag),
        Column.DIRECTION: row.direction.value if row.direction else "~",
        Column.BENCHMARKS: len(row.benchmarks),
    }
    return keys[column]


class MeasureTableModel(GroupedTableModel[MeasureRow]):
    headers = HEADERS
    noun = ("measure", "measures")

    def __init__(self) -> None:
        super().__init__()
        self._all: list[MeasureRow] = []
        self._filter = MeasureFilter()
        self._sort: tuple[Column, Qt.SortOrder] | None = None

    def set_rows(self, rows: Iterable[MeasureRow]) -> None:
        self._all = list(rows)
        self._rebuild()

    def set_filter(self, measure_filter: MeasureFilter) -> None:
        self._filter = measure_filter
        self._rebuild()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (Column(column), order) if column >= 0 else None
        self._rebuild()

    def _rebuild(self) -> None:
        self.beginResetModel()
        groups: dict[str, list[MeasureRow]] = {}
        for row in self._all:
            if self._filter.matches(row):
                groups.setdefault(row.area, []).append(row)
        for rows in groups.values():
            if self._sort is not None:
                column, order = self._sort
                rows.sort(key=lambda r: _sort_key(r, column),
                          reverse=order == Qt.SortOrder.DescendingOrder)
        self._set_groups(groups.items())
        self.endResetModel()

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def shown(self) -> int:
        return len(self._entries) - len(self.heading_rows())

    def areas(self) -> list[str]:
        return list(dict.fromkeys(r.area for r in self._all))

    def index_of(self, measure_id: str) -> QModelIndex:
        for i, entry in enumerate(self._entries):
            if isinstance(entry, MeasureRow) and entry.id == measure_id:
                return self.index(i, 0)
        return QModelIndex()

    def row_data(self, entry: MeasureRow, column_number: int, role: int) -> object:
        column = Column(column_number)
        if role == ROW_ROLE:
            return entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(entry, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.RAG:
            return colour_dot(presentation.colour(entry.rag))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.INDICATOR:
                return entry.indicator
            if column == Column.BENCHMARKS and entry.benchmarks:
                return "\n".join(f"{c} ({p}): {format_value(v, entry.unit)}"
                                 for c, p, v in entry.benchmarks)
        return None

    def _text(self, row: MeasureRow, column: Column) -> str:
        unit = row.unit
        if column == Column.REF:
            return row.ref
        if column == Column.INDICATOR:
            return row.indicator
        if column == Column.BASELINE:
            shown = format_value(row.baseline, unit, short=True) or row.baseline_text
            return _with(shown, nice_date(row.baseline_date))
        if column == Column.LATEST:
            return _with(format_value(row.latest, unit, short=True),
                         period_label(row.latest_period or ""))
        if column == Column.TARGET:
            shown = format_value(row.target, unit, short=True) or row.target_text
            return _with(shown, nice_date(row.target_date))
        if column == Column.RAG:
            return presentation.badge(row.rag)
        if column == Column.DIRECTION:
            return DIRECTION_TEXT[row.direction] if row.direction else ""
        return " · ".join(f"{c} {format_value(v, unit, short=True)}"
                          for c, _p, v in row.benchmarks)
