"""The one base for PerfDesk's table models, and the roles every view asks
them by.

A model lists rows of one kind (the plain dataclasses a service returns),
one column per entry of `headers`, named by its `Column` enum where the
columns are fixed; it says how a cell looks in `cell(row, column, role)`. `ROW_ROLE` gives the row
itself and `SORT_ROLE` a key to sort a column by. `set_rows` keeps the model,
and so the view's selection and scroll position, when the same rows come
back changed, and resets it when rows were added or removed."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole
ROW_ROLE = Role.UserRole + 1  # the row itself
SORT_ROLE = Role.UserRole + 2  # what the column sorts by
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

R = TypeVar("R")


class RowsModel(QAbstractTableModel, Generic[R]):
    """Rows of one kind, one column per header."""

    Column: ClassVar[type[IntEnum] | None] = None
    headers: ClassVar[Mapping[int, str]]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[R] = []

    def key(self, row: R) -> Hashable:
        """What makes a row the same row when it comes back changed: its id
        where it has one."""
        return getattr(row, "id", row)

    def set_rows(self, rows: Iterable[R]) -> None:
        rows = list(rows)
        if rows and [self.key(r) for r in rows] == [self.key(r) for r in self._rows]:
            self._rows = rows
            last = self.index(len(rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row(self, number: int) -> R:
        return self._rows[number]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Role.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Role.DisplayRole:
            return self.headers.get(section)
        return None

    def data(self, index: Index, role: int = Role.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        column: int = index.column()
        if self.Column is not None and column < len(self.Column):
            column = self.Column(column)
        return self.cell(row, column, role)

    def cell(self, row: R, column: Any, role: int) -> object:
        """How `row` shows in `column` for `role` (None: nothing). `column`
        is a member of `Column`, or a plain number for a column after them
        (a model with more columns than its enum names)."""
        raise NotImplementedError
