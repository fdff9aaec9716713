"""The shape both big lists share: a flat table of heading rows (one per
group, spanning the table) each followed by its rows. A flat table lets the
view lay out lazily, where a tree walks every child."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from perfdesk.ui.models.rows_model import Index

if TYPE_CHECKING:
    from typing_extensions import TypeIs

R = TypeVar("R")
Heading = tuple[str, int]
_HEADING_FLAGS = Qt.ItemFlag.ItemIsEnabled
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class GroupedTableModel(QAbstractTableModel, Generic[R]):
    headers: Mapping[int, str] = {}
    noun = ("row", "rows")

    def __init__(self) -> None:
        super().__init__()
        self._entries: list[R | Heading] = []
        self._headings: list[int] = []  # positions of the heading rows

    def _set_groups(self, groups: Iterable[tuple[str, list[R]]]) -> None:
        """Lay out the groups (call between beginResetModel and endResetModel)."""
        entries: list[R | Heading] = []
        headings = []
        for name, rows in groups:
            if rows:
                headings.append(len(entries))
                entries.append((name, len(rows)))
                entries.extend(rows)
        self._entries = entries
        self._headings = headings

    @staticmethod
    def _is_heading(entry: object) -> TypeIs[Heading]:
        return isinstance(entry, tuple)

    def shown_rows(self) -> list[R]:
        return [e for e in self._entries if not self._is_heading(e)]

    def heading_rows(self) -> list[int]:
        return list(self._headings)

    def row_at(self, index: Index) -> R | None:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        return None if self._is_heading(entry) else entry

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._is_heading(self._entries[index.row()]):
            return _HEADING_FLAGS
        return _ROW_FLAGS  # (made once: the view asks for every cell it paints)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if self._is_heading(entry):
            return self._heading_data(entry, index.column(), role)
        return self.row_data(entry, index.column(), role)

    def row_data(self, row: R, column: int, role: int) -> object:
        raise NotImplementedError

    def _heading_data(self, heading: Heading, column: int, role: int) -> object:
        name, count = heading
        if column != 0:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{name} — {count} {self.noun[0] if count == 1 else self.noun[1]}"
        if role == Qt.ItemDataRole.FontRole:
            return _heading_look()[0]
        if role == Qt.ItemDataRole.BackgroundRole:
            return _heading_look()[1]
        if role == Qt.ItemDataRole.ForegroundRole:
            return _heading_look()[2]
        return None


_LOOK: list[tuple[QFont, QBrush, QBrush]] = []


def _heading_look() -> tuple[QFont, QBrush, QBrush]:
    """The heading rows' bold font, background and text colour, made once
    (after the application exists) rather than for every painted heading."""
    if not _LOOK:
        font = QFont()
        font.setBold(True)
        _LOOK.append((font, QBrush(QColor("#e8edf3")), QBrush(QColor("#1b2631"))))
    return _LOOK[0]
