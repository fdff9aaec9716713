"""The actions that need attention (overdue, off track, at risk), as a table."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from perfdesk import presentation
from perfdesk.domain.dates import nice_date
from perfdesk.services.overview import ExceptionRow
from perfdesk.ui.status_icons import status_dot

_Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_COLOUR = "#c62828"


class Column(IntEnum):
    PLAN = 0
    REF = 1
    ACTION = 2
    LEADS = 3
    DUE = 4
    STATUS = 5
    LATEST = 6


HEADERS = {
    Column.PLAN: "Plan", Column.REF: "Ref", Column.ACTION: "Action",
    Column.LEADS: "Lead(s)", Column.DUE: "Due", Column.STATUS: "Status",
    Column.LATEST: "Latest update",
}


def due_text(row: ExceptionRow) -> str:
    if row.due_date is None:
        return ""
    return f"{nice_date(row.due_date)} – overdue" if row.overdue else nice_date(row.due_date)


def latest_text(row: ExceptionRow) -> str:
    if row.latest_on is None:
        return "No update yet"
    return f"{nice_date(row.latest_on)}: {row.latest_line}".rstrip(": ")


class ExceptionModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ExceptionRow] = []

    def set_rows(self, rows: Iterable[ExceptionRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ExceptionRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(row, column)
            if role == Qt.ItemDataRole.ToolTipRole:
                if column == Column.ACTION:
                    return row.text
                return text if column in (Column.LEADS, Column.LATEST) else None
            return text
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return status_dot(row.status)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.DUE and row.overdue:
            return QBrush(QColor(OVERDUE_COLOUR))
        if role == ROW_ROLE:
            return row
        return None

    @staticmethod
    def _text(row: ExceptionRow, column: Column) -> str:
        if column == Column.PLAN:
            return row.plan_short_name
        if column == Column.REF:
            return row.ref
        if column == Column.ACTION:
            return " ".join(row.text.split())  # one line in the list
        if column == Column.LEADS:
            return ", ".join(row.leads)
        if column == Column.DUE:
            return due_text(row)
        if column == Column.STATUS:
            return presentation.badge(row.status)
        return latest_text(row)
