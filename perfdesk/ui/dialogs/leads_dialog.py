"""Every lead in the database, with how many actions each leads: add one,
rename one, or merge two that are the same person or role under two names.

Each change is one `Operations.run` edit (so it can be undone), and the
table refreshes from the database when an edit touches leads or actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain.text import name_key
from perfdesk.services.plans import leads as lead_care
from perfdesk.services.plans.leads import LeadRow, lead_rows
from perfdesk.store.changes import Changes
from perfdesk.ui import ask
from perfdesk.ui.dialogs.form import FormDialog
from perfdesk.ui.models.rows_model import ROW_ROLE, Index
from perfdesk.ui.ops import Done, Operations


class Column(IntEnum):
    NAME = 0
    KIND = 1
    ACTIONS = 2


_HEADERS = {Column.NAME: "Name", Column.KIND: "Kind", Column.ACTIONS: "Actions"}


def _sort_key(column: Column, row: LeadRow) -> tuple[object, ...]:
    name = name_key(row.name)
    if column == Column.KIND:
        return (row.kind.casefold(), name)
    if column == Column.ACTIONS:
        return (row.actions, name)
    return (name,)


class AllLeadsModel(QAbstractTableModel):
    """Every lead in the database (the Leads dialog), filtered and sorted
    here over prepared keys; `ROW_ROLE` gives the LeadRow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[LeadRow] = []
        self._rows: list[LeadRow] = []
        self._filter = ""
        self._sort = (Column.NAME, Qt.SortOrder.AscendingOrder)

    @property
    def all_rows(self) -> list[LeadRow]:
        return list(self._all)

    def set_rows(self, rows: Sequence[LeadRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._rows = self._arranged()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._filter = text.strip().casefold()
        self._rows = self._arranged()
        self.endResetModel()

    def _arranged(self) -> list[LeadRow]:
        words = self._filter.split()
        shown = [r for r in self._all
                 if all(w in f"{r.name} {r.kind}".casefold() for w in words)]
        column, order = self._sort
        return sorted(shown, key=lambda r: _sort_key(column, r),
                      reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self._sort = (Column(column), order)
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self._rows[i.row()].id for i in old]
        self._rows = self._arranged()
        where = {r.id: n for n, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            old, [self.index(where[i], index.column()) for i, index in zip(ids, old, strict=True)]
        )
        self.layoutChanged.emit()

    def row_of(self, lead_id: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == lead_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(Column)):
            return _HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return {Column.NAME: row.name, Column.KIND: row.kind,
                    Column.ACTIONS: row.actions}[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.ACTIONS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME:
            return row.name
        if role == ROW_ROLE:
            return row
        return None


# --- Choosing the lead to keep ------------------------------------------------

class LeadChooser(FormDialog):
    """A searchable list of leads; OK once one is chosen."""

    def __init__(self, parent: QWidget | None, leads: Sequence[tuple[str, str]],
                 merging: str) -> None:
        super().__init__(parent, f"Merge {merging} into…", width_chars=60)
        self.intro(f"Choose the lead to keep. Actions led by {merging} will be led "
                   "by the lead you choose.")
        items = QStandardItemModel(self)
        for lead_id, name in leads:
            item = QStandardItem(name)
            item.setData(lead_id, ROW_ROLE)
            item.setEditable(False)
            items.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(items)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.find_box = self.row("&Find:", QLineEdit(), "Find a lead")
        self.find_box.setClearButtonEnabled(True)
        self.list = self.row("&Keep:", QListView(), "Lead to keep")
        self.list.setModel(self.proxy)
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        self.find_box.textChanged.connect(self._filter)
        self.list.selectionModel().currentChanged.connect(self.check)
        self.list.doubleClicked.connect(self.accept)
        self.check()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if self.proxy.rowCount() and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
        self.check()

    def chosen(self) -> str | None:
        index = self.list.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    def missing(self) -> str:
        return "" if self.chosen() else "Choose the lead to keep."


def choose_lead(parent: QWidget | None, leads: Sequence[tuple[str, str]],
                merging: str) -> str | None:
    """The id of the lead chosen from `leads` (id, name), or None."""
    dialog = LeadChooser(parent, leads, merging)
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.chosen() if accepted else None
    finally:
        dialog.deleteLater()


def merge_message(merged: LeadRow, kept: LeadRow) -> str:
    count = "1 action" if merged.actions == 1 else f"{merged.actions} actions"
    return (f"{merged.name} will be replaced by {kept.name} on {count}; "
            f"{merged.name} is removed. You can undo this.")


# --- The dialog -------------------------------------------------------------

class LeadsDialog(QDialog):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._last_chosen: str | None = None  # kept while a filter hides it
        self.setWindowTitle("Leads")
        self.setAccessibleName("Leads")
        intro = QLabel("The people and roles that lead actions, across every plan. Merge two "
                       "leads when they are the same person or role under two names.")
        intro.setWordWrap(True)
        self.find_box = QLineEdit()
        self.find_box.setAccessibleName("Find leads")
        self.find_box.setPlaceholderText("Name or kind")
        self.find_box.setClearButtonEnabled(True)
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.find_box)
        self.count = QLabel()
        self.count.setAccessibleName("Leads shown")

        self.model = AllLeadsModel(self)
        self.table = QTableView()
        self.table.setAccessibleName("Leads")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (Column.KIND, Column.ACTIONS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        self.add = self._button("&Add…", "Add lead", "Add a lead by name")
        self.rename = self._button("&Rename…", "Rename lead", "Rename the chosen lead everywhere")
        self.merge = self._button(
            "&Merge into…", "Merge lead into another",
            "Replace the chosen lead by another on all its actions, and remove it",
        )
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        close.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(find_label)
        top.addWidget(self.find_box, 1)
        top.addWidget(self.count)
        side = QVBoxLayout()
        for button in (self.add, self.rename, self.merge):
            side.addWidget(button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(close)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 100, metrics.lineSpacing() * 30)

        self.find_box.textChanged.connect(self._filter)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.table.doubleClicked.connect(self.rename_chosen)
        self.add.clicked.connect(self.add_lead)
        self.rename.clicked.connect(self.rename_chosen)
        self.merge.clicked.connect(self.merge_chosen)
        ops.changed.connect(self._changed)
        self.refresh()

    def _button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setToolTip(tip)
        button.setAutoDefault(False)
        return button

    # -- reading -------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        keep = select or self._last_chosen
        self.model.set_rows(self.ops.read(lead_rows))
        self.select(keep)
        self._enable()

    def _changed(self, changes: Changes) -> None:
        if changes.leads or changes.actions:  # names, and how many actions each leads
            self.refresh()

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self.select(self._last_chosen)  # chosen again once the filter shows it
        self._enable()

    def select(self, lead_id: str | None) -> None:
        row = self.model.row_of(lead_id) if lead_id else -1
        if row < 0:
            self.table.clearSelection()
            return
        index = self.model.index(row, Column.NAME)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def chosen(self) -> LeadRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _enable(self) -> None:
        lead = self.chosen()
        if lead is not None:
            self._last_chosen = lead.id
        chosen = lead is not None
        self.rename.setEnabled(chosen)
        self.merge.setEnabled(chosen and len(self.model.all_rows) > 1)
        shown, total = self.model.rowCount(), len(self.model.all_rows)
        self.count.setText(f"{total} leads" if shown == total else f"{shown} of {total} leads")

    # -- editing -------------------------------------------------------------
    def add_lead(self) -> None:
        name = ask.text(self, "Add lead", "Name of the person or role:")
        if not name or not name.strip():
            return
        added = self.ops.run(f"Add lead {name.strip()}",
                             lambda s: lead_care.add_lead(s, name).id)
        if isinstance(added, Done):
            self.find_box.clear()
            self.refresh(select=added.value)

    def rename_chosen(self) -> None:
        lead = self.chosen()
        if lead is None:
            return
        name = ask.text(self, "Rename lead", f"New name for {lead.name}:", lead.name)
        if not name or name.strip() == lead.name:
            return
        self.ops.run(f"Rename lead {lead.name}",
                     lambda s: lead_care.rename_lead(s, lead.id, name).id)

    def merge_chosen(self) -> None:
        merged = self.chosen()
        if merged is None:
            return
        others = sorted((r for r in self.model.all_rows if r.id != merged.id),
                        key=lambda r: name_key(r.name))
        keep_id = choose_lead(self, [(r.id, r.name) for r in others], merged.name)
        kept = next((r for r in others if r.id == keep_id), None)
        if kept is None:
            return
        if not ask.confirm(self, "Merge leads", merge_message(merged, kept), yes="Merge"):
            return
        done = self.ops.run(f"Merge lead {merged.name} into {kept.name}",
                            lambda s: lead_care.merge_leads(s, kept.id, merged.id))
        if isinstance(done, Done):
            self.refresh(select=kept.id)


def show_leads(ops: Operations, parent: QWidget | None = None) -> None:
    dialog = LeadsDialog(ops, parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
