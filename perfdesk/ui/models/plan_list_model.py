"""The plans in a database, as a table model."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from perfdesk import presentation
from perfdesk.domain.status import Status
from perfdesk.services.summaries import PlanSummary

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    PLAN = 0
    TITLE = 1
    PRIORITIES = 2
    ACTIONS = 3
    MEASURES = 4


_HEADERS = {
    Column.PLAN: "Plan", Column.TITLE: "Title", Column.PRIORITIES: "Priorities",
    Column.ACTIONS: "Actions", Column.MEASURES: "Measures",
}
STATUS_COLUMNS = tuple(Status)  # one column per status after the fixed ones


class PlanListModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[PlanSummary] = []

    def set_rows(self, rows: list[PlanSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column) + len(STATUS_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section < len(Column):
                return _HEADERS[Column(section)]
            status = STATUS_COLUMNS[section - len(Column)]
            return presentation.badge(status)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= Column.PRIORITIES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        if index.column() >= len(Column):
            return row.by_status[STATUS_COLUMNS[index.column() - len(Column)].label]
        values = {
            Column.PLAN: row.short_name, Column.TITLE: row.title,
            Column.PRIORITIES: row.priorities, Column.ACTIONS: row.actions,
            Column.MEASURES: row.measures,
        }
        return values[Column(index.column())]
