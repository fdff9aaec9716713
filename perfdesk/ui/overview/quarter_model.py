"""Status counts at each quarter end, as a table: a row per quarter end,
a column per status and a total."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from perfdesk import presentation
from perfdesk.domain.status import Status
from perfdesk.services.overview import QuarterCounts
from perfdesk.ui.status_icons import status_dot

_Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
STATUSES = tuple(Status)
TOTAL_COLUMN = len(STATUSES)


class QuarterModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[QuarterCounts] = []

    def set_rows(self, rows: Iterable[QuarterCounts]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(STATUSES) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return self._rows[section].label
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == TOTAL_COLUMN:
                return "Total"
            status = STATUSES[section]
            return presentation.badge(status)
        if role == Qt.ItemDataRole.DecorationRole and section < TOTAL_COLUMN:
            return status_dot(STATUSES[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == TOTAL_COLUMN:
                return row.total
            return row.by_status.get(STATUSES[index.column()].label, 0)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return row
        return None
