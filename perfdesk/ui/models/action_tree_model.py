"""A plan's actions grouped by timeframe, filtered and sorted inside the model.

Two levels: a group row per timeframe (0–3, 3–6, 6–12 months, then none)
and the actions under it. Filtering runs over each row's prepared lower-case
search key and then resets the model, which at 20,000 rows is an order of
magnitude faster than a QSortFilterProxyModel calling `data()` per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import IntEnum

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from perfdesk.domain.action_view import GROUP_ORDER, ActionFilter, ActionRow
from perfdesk.domain.dates import nice_date

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
GROUP_ID = 0  # internal id of group rows; action rows carry group number + 1


class Column(IntEnum):
    REF = 0
    ACTION = 1
    LEADS = 2
    BY_WHEN = 3
    STATUS = 4
    LATEST = 5
    OVERDUE = 6


HEADERS = {
    Column.REF: "Ref", Column.ACTION: "Action", Column.LEADS: "Lead(s)",
    Column.BY_WHEN: "By when", Column.STATUS: "Status", Column.LATEST: "Latest update",
    Column.OVERDUE: "Overdue",
}


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def ref_key(ref: str) -> tuple[object, ...]:
    """Natural order for refs: 1.2 before 1.10, C9 before C10."""
    import re

    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", ref))


def _sort_key(row: ActionRow, column: Column) -> object:
    if column == Column.REF:
        return ref_key(row.ref)
    if column == Column.ACTION:
        return row.text.casefold()
    if column == Column.LEADS:
        return ", ".join(row.leads).casefold()
    if column == Column.BY_WHEN:
        return (row.due_date is None, row.due_date or dt.date.max)
    if column == Column.STATUS:
        return list(type(row.status)).index(row.status)
    if column == Column.LATEST:
        return row.latest_on or dt.date.min
    return (not row.overdue, row.due_date or dt.date.max)


class ActionTreeModel(QAbstractItemModel):
    def __init__(self, today: dt.date | None = None) -> None:
        super().__init__()
        self.today = today or dt.date.today()
        self._all: list[ActionRow] = []
        self._filter = ActionFilter(today=self.today)
        self._sort: tuple[Column, Qt.SortOrder] | None = None
        self._groups: list[tuple[str, list[ActionRow]]] = []

    # -- loading, filtering, sorting ---------------------------------------
    def set_rows(self, rows: Iterable[ActionRow]) -> None:
        self._all = list(rows)
        self._rebuild()

    def replace_rows(self, rows: Iterable[ActionRow]) -> None:
        """Fresh copies of some rows after an edit. Cells change in place when
        the rows stay where they are; otherwise the view is rebuilt."""
        fresh = {r.id: r for r in rows}
        self._all = [fresh.get(r.id, r) for r in self._all]
        placed = {r.id: (g, i) for g, (_, group) in enumerate(self._groups)
                  for i, r in enumerate(group)}
        for row in fresh.values():
            where = placed.get(row.id)
            old = self._groups[where[0]][1][where[1]] if where else None
            if (where is None or old is None or old.group != row.group
                    or not self._filter.matches(row) or self._sort is not None):
                self._rebuild()
                return
        for row in fresh.values():
            g, i = placed[row.id]
            self._groups[g][1][i] = row
            self.dataChanged.emit(
                self.createIndex(i, 0, g + 1), self.createIndex(i, len(Column) - 1, g + 1)
            )

    def set_filter(self, action_filter: ActionFilter) -> None:
        self._filter = action_filter
        self._rebuild()

    @property
    def action_filter(self) -> ActionFilter:
        return self._filter

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (Column(column), order) if column >= 0 else None
        self._rebuild()

    def _rebuild(self) -> None:
        self.beginResetModel()
        matches = self._filter.matches
        groups: dict[str, list[ActionRow]] = {name: [] for name in GROUP_ORDER}
        for row in self._all:
            if matches(row):
                groups.setdefault(row.group, []).append(row)
        if self._sort is not None:
            column, order = self._sort
            for rows in groups.values():
                rows.sort(key=lambda r: _sort_key(r, column),
                          reverse=order == Qt.SortOrder.DescendingOrder)
        self._groups = [(name, rows) for name, rows in groups.items() if rows]
        self.endResetModel()

    # -- counts and lookup ----------------------------------------------------
    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def shown(self) -> int:
        return sum(len(rows) for _, rows in self._groups)

    def all_rows(self) -> list[ActionRow]:
        return list(self._all)

    def shown_rows(self) -> list[ActionRow]:
        return [row for _, rows in self._groups for row in rows]

    def group_names(self) -> list[str]:
        return [name for name, _ in self._groups]

    def index_of(self, action_id: str) -> QModelIndex:
        for g, (_, rows) in enumerate(self._groups):
            for i, row in enumerate(rows):
                if row.id == action_id:
                    return self.createIndex(i, 0, g + 1)
        return QModelIndex()

    def row_at(self, index: Index) -> ActionRow | None:
        if not index.isValid() or index.internalId() == GROUP_ID:
            return None
        return self._groups[index.internalId() - 1][1][index.row()]

    # -- QAbstractItemModel -----------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, GROUP_ID)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == GROUP_ID:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, GROUP_ID)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == GROUP_ID and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if index.internalId() == GROUP_ID:
            return self._group_data(index, role)
        row = self._groups[index.internalId() - 1][1][index.row()]
        if role == ROW_ROLE:
            return row
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return QColor(row.status.colour)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.OVERDUE and row.overdue:
            return QBrush(QColor("#b71c1c"))
        if role == SORT_ROLE:
            return _sort_key(row, column)
        return None

    def _group_data(self, index: Index, role: int) -> object:
        name, rows = self._groups[index.row()]
        if index.column() != 0:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            noun = "action" if len(rows) == 1 else "actions"
            return f"{name} — {len(rows)} {noun}"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, row: ActionRow, column: Column) -> str:
        if column == Column.REF:
            return row.ref
        if column == Column.ACTION:
            return _first_line(row.text)
        if column == Column.LEADS:
            return "; ".join(row.leads)
        if column == Column.BY_WHEN:
            text = row.by_when or (nice_date(row.due_date) if row.due_date else "")
            if row.slipped and row.due_date:
                text = f"{text} → {nice_date(row.due_date)}"
            return text
        if column == Column.STATUS:
            return f"{row.status.symbol} {row.status.label}"
        if column == Column.LATEST:
            if row.latest_on is None:
                return "No update yet"
            return f"{nice_date(row.latest_on)}: {_first_line(row.latest_text)}"
        if row.overdue and row.due_date:
            days = (self.today - row.due_date).days
            return f"⚠ Overdue {days} day{'s' if days != 1 else ''}"
        return ""

    def _tooltip(self, row: ActionRow, column: Column) -> str | None:
        if column == Column.ACTION:
            return row.text
        if column == Column.LATEST:
            return row.latest_text or None
        if column == Column.BY_WHEN and row.slipped and row.original_due_date:
            return f"Revised: originally due {nice_date(row.original_due_date)}"
        if column == Column.LEADS:
            return "\n".join(row.leads) or None
        return None
