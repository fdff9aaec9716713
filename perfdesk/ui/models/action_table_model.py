"""A plan's actions grouped by timeframe, filtered and sorted inside the model.

A heading row per timeframe (0–3, 3–6, 6–12 months, then none) followed by
its actions. Filtering runs over each row's prepared lower-case search key
and then resets the model, which at 20,000 rows is an order of magnitude
faster than a QSortFilterProxyModel calling `data()` per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from enum import IntEnum
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtGui import QBrush, QColor

from perfdesk import presentation
from perfdesk.domain.action_view import GROUP_ORDER, ActionFilter, ActionRow
from perfdesk.domain.dates import nice_date
from perfdesk.ui.models.grouped_table import GroupedTableModel
from perfdesk.ui.models.rows_model import ROW_ROLE, SORT_ROLE, Index
from perfdesk.ui.status_icons import status_dot

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

# The roles a painted cell is asked for, as plain ints (multiData compares many).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_PAINT_ROLES_UNUSED = frozenset(int(r.value) for r in (
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.SizeHintRole))


class Column(IntEnum):
    REF = 0
    STATUS = 1
    ACTION = 2
    LEADS = 3
    BY_WHEN = 4
    OVERDUE = 5
    LATEST = 6


COLUMNS = tuple(Column)
HEADERS: dict[int, str] = {
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


def _grouped(rows: Iterable[ActionRow]) -> dict[str, list[ActionRow]]:
    """Rows by their group, the groups in GROUP_ORDER (any other after)."""
    groups: dict[str, list[ActionRow]] = {name: [] for name in GROUP_ORDER}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    return groups


def _sort_key(row: ActionRow, column: Column) -> SupportsRichComparison:
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


def _each(span: QModelRoleDataSpan | QModelRoleData) -> Iterable[QModelRoleData]:
    """The roles Qt asks for (a span is a sequence at run time; the stubs
    give it no __iter__)."""
    if isinstance(span, QModelRoleData):
        return (span,)
    return cast("Iterable[QModelRoleData]", span)


class ActionTableModel(GroupedTableModel[ActionRow]):
    """Each timeframe's heading row, then its actions."""

    headers = HEADERS
    noun = ("action", "actions")

    def __init__(self, today: dt.date) -> None:
        super().__init__()
        self.today = today
        self._all: list[ActionRow] = []
        self._filter = ActionFilter(today=self.today)
        self._sort: tuple[Column, Qt.SortOrder] | None = None
        # Rows by group, in plan order: all of them, and those passing the filter.
        # Kept grouped so a keystroke filters lists and never regroups rows.
        self._all_groups: dict[str, list[ActionRow]] = {}
        self._matched: dict[str, list[ActionRow]] = {}
        # What recent filters matched, so erasing a letter is a look-up.
        self._recent: dict[ActionFilter, dict[str, list[ActionRow]]] = {}
        self._where_cache: dict[str, int] | None = None
        # Each row's cell texts, made when the row is first painted; keyed by
        # id and checked by identity, so a fresh copy after an edit is redone.
        self._texts: dict[str, tuple[ActionRow, tuple[str, ...]]] = {}
        self._overdue_brush: QBrush | None = None

    # -- loading, filtering, sorting ---------------------------------------
    def set_rows(self, rows: Iterable[ActionRow]) -> None:
        self._all = list(rows)
        self._texts.clear()
        self._all_groups = _grouped(self._all)
        self._matched = self._all_groups
        self._recent.clear()
        self._rebuild()

    def replace_rows(self, rows: Iterable[ActionRow]) -> None:
        """Fresh copies of some rows after an edit. Cells change in place when
        the rows stay where they are; otherwise the table is rebuilt."""
        fresh = {r.id: r for r in rows}
        self._all = [fresh.get(r.id, r) for r in self._all]
        self._all_groups = {name: [fresh.get(r.id, r) for r in rows]
                            for name, rows in self._all_groups.items()}
        self._matched = {name: [fresh.get(r.id, r) for r in rows]
                         for name, rows in self._matched.items()}
        self._recent.clear()
        for row in fresh.values():
            at = self._where.get(row.id)
            old = self._entries[at] if at is not None else None
            if (not isinstance(old, ActionRow) or old.group != row.group
                    or not self._filter.matches(row) or self._sort is not None):
                self._rebuild()
                return
        for row in fresh.values():
            at = self._where[row.id]
            self._entries[at] = row
            self.dataChanged.emit(self.index(at, 0), self.index(at, len(Column) - 1))

    def set_filter(self, action_filter: ActionFilter) -> None:
        narrowing = action_filter.narrows(self._filter)
        # Words the rows shown already contain need no second look.
        known = frozenset(self._filter.text.casefold().split()) if narrowing else frozenset()
        self._filter = action_filter
        self._rebuild(narrowing, known)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (Column(column), order) if column >= 0 else None
        self._rebuild()

    def _rebuild(self, narrowing: bool = False, known: frozenset[str] = frozenset()) -> None:
        """Lay the table out again. `narrowing`: the rows shown already pass
        every other condition and contain the `known` words, so only the new
        search words are looked for, and only in them (typing "children p"
        looks for "p" in the rows that contain "children")."""
        self.beginResetModel()
        # The search words as plain list filters over the prepared keys (the
        # common case while typing); any other condition as one predicate.
        words = self._filter.text.casefold().split()
        rest = replace(self._filter, text="")
        others = None if rest.is_empty or narrowing else rest.predicate()
        groups = self._recent.get(self._filter)
        if groups is None:
            groups = {}
            if narrowing:
                words = [w for w in dict.fromkeys(words) if w not in known]
            for name, rows in (self._matched if narrowing else self._all_groups).items():
                for word in words:
                    rows = [r for r in rows if word in r.search_key]
                if others is not None:
                    rows = [r for r in rows if others(r)]
                groups[name] = rows
            if len(self._recent) >= 64:
                self._recent.clear()
            self._recent[self._filter] = groups
        self._matched = groups
        if self._sort is not None:
            column, order = self._sort
            groups = {name: sorted(rows, key=lambda r: _sort_key(r, column),
                                   reverse=order == Qt.SortOrder.DescendingOrder)
                      for name, rows in groups.items()}
        self._set_groups(groups.items())
        self._where_cache = None
        self.endResetModel()

    @property
    def _where(self) -> dict[str, int]:
        """Position of each shown action, worked out when first asked for."""
        if self._where_cache is None:
            self._where_cache = {
                e.id: i for i, e in enumerate(self._entries) if isinstance(e, ActionRow)
            }
        return self._where_cache

    # -- counts and lookup ----------------------------------------------------
    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def shown(self) -> int:
        return sum(len(rows) for rows in self._matched.values())

    def all_rows(self) -> list[ActionRow]:
        return list(self._all)

    def index_of(self, action_id: str) -> QModelIndex:
        at = self._where.get(action_id)
        return self.index(at, 0) if at is not None else QModelIndex()

    # -- QAbstractTableModel ----------------------------------------------
    def multiData(self, index: Index,
                  roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role a painted cell needs in one call from Qt (the view asks
        for seven per cell; one `data()` call each costs far more)."""
        if not index.isValid():
            return
        entry = self._entries[index.row()]
        column = index.column()
        if isinstance(entry, tuple):
            for role_data in _each(roleDataSpan):
                value = self._heading_data(entry, column, role_data.role())
                if value is not None:
                    role_data.setData(value)
            return
        for role_data in _each(roleDataSpan):
            role = role_data.role()
            if role == _DISPLAY:
                role_data.setData(self._cell_texts(entry)[column])
            elif role in _PAINT_ROLES_UNUSED:
                continue
            elif role == _DECORATION:
                if column == Column.STATUS:
                    role_data.setData(status_dot(entry.status))
            elif role == _FOREGROUND:
                if column == Column.OVERDUE and entry.overdue:
                    role_data.setData(self._red())
            else:
                value = self.row_data(entry, column, role)
                if value is not None:
                    role_data.setData(value)

    def _cell_texts(self, row: ActionRow) -> tuple[str, ...]:
        cached = self._texts.get(row.id)
        if cached is not None and cached[0] is row:
            return cached[1]
        texts = tuple(self._text(row, column) for column in COLUMNS)
        self._texts[row.id] = (row, texts)
        return texts

    def _red(self) -> QBrush:
        if self._overdue_brush is None:
            self._overdue_brush = QBrush(QColor("#b71c1c"))
        return self._overdue_brush

    def row_data(self, row: ActionRow, column_number: int, role: int) -> object:
        if role == ROW_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cell_texts(row)[column_number]
        column = COLUMNS[column_number]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATUS:
            return status_dot(row.status)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.OVERDUE and row.overdue:
            return self._red()
        if role == SORT_ROLE:
            return _sort_key(row, column)
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
            return presentation.badge(row.status)
        if column == Column.LATEST:
            if row.latest_on is None:
                return "No update yet"
            return f"{nice_date(row.latest_on)}: {_first_line(row.latest_text)}"
        if row.overdue and row.due_date:
            days = (self.today - row.due_date).days
            return f"⚠ {days} day{'s' if days != 1 else ''}"
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
