"""A short list of linked things (actions of a measure, measures of an
action), each with a coloured mark and its status or RAG in words."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from perfdesk.ui.models.rows_model import Index
from perfdesk.ui.status_icons import colour_dot

# (ref, text, colour, status words, id)
Linked = tuple[str, str, str, str, str]


class LinkedModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Linked] = []

    def set_rows(self, rows: list[Linked]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def id_at(self, row: int) -> str:
        return self.rows[row][4]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        ref, text, colour, words, _id = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{ref} · {words} · {text.splitlines()[0] if text else ''}"
        if role == Qt.ItemDataRole.DecorationRole:
            return colour_dot(colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            return text
        return None
