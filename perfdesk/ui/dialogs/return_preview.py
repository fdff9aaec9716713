"""The preview of one or more lead returns before they are applied: every
update and figure each would add, the ones that will not (or need your say)
marked in words and a symbol, and what Apply will do in one line. It only
collects the decision; `returns_commands` runs it (tests replace that)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk.services.returns.apply import Flag, ReturnItem, ReturnPreview
from perfdesk.services.returns.read import ActionReturn
from perfdesk.ui.models.rows_model import ROW_ROLE, Index, RowsModel

WRAP_ROWS = 500  # up to this many rows, long texts wrap; beyond, they are cut (tooltips hold all)

# What each flag means in the list: a symbol that does not rely on colour, and words.
FLAG_TEXT = {
    None: "✓ will be added",
    Flag.NOT_LEAD: "? needs confirmation",
    Flag.DUPLICATE: "= already recorded",
    Flag.DELETED: "✗ deleted since export",
}
FLAG_TIP = {
    None: "This will be added, recorded as made by the return's lead.",
    Flag.NOT_LEAD: "The action was given to another lead (or the measure to another owner) "
                   "after the return was sent. It is added only if you tick the box below.",
    Flag.DUPLICATE: "The same update or figure is already recorded, so it is skipped.",
    Flag.DELETED: "The action or measure (or its plan) was deleted after the return was "
                  "sent, so this is not applied.",
}


class Column(IntEnum):
    FILE = 0
    WHERE = 1
    REF = 2
    WHAT = 3
    FLAG = 4


HEADERS: dict[int, str] = {Column.FILE: "File", Column.WHERE: "Where", Column.REF: "Ref",
           Column.WHAT: "What it adds", Column.FLAG: "Outcome"}


@dataclass(frozen=True)
class PreviewRow:
    file: str
    item: ReturnItem


class ReturnItemsModel(RowsModel):
    """Every item of every return, one row each, in file then sheet order
    (its ReturnItem under ROW_ROLE)."""

    Column = Column
    headers: ClassVar[dict[int, str]] = HEADERS

    def __init__(self, previews: list[ReturnPreview]) -> None:
        super().__init__()
        self._rows = [PreviewRow(p.doc.source, item) for p in previews for item in p.items]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == ROW_ROLE and index.isValid() and 0 <= index.row() < len(self._rows):
            return self._rows[index.row()].item
        return super().data(index, role)

    def cell(self, row: PreviewRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.FLAG:
            return FLAG_TIP[row.item.flag]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                Column.FILE: row.file,
                Column.WHERE: row.item.where,
                Column.REF: row.item.ref,
                Column.WHAT: row.item.what,
                Column.FLAG: FLAG_TEXT[row.item.flag],
            }[Column(column)]
        if role == Qt.ItemDataRole.FontRole and row.item.flag is not None:
            font = QFont()
            font.setItalic(row.item.flag is not Flag.NOT_LEAD)  # not added: set back
            font.setBold(row.item.flag is Flag.NOT_LEAD)  # your say is needed
            return font
        return None


def summary_text(previews: list[ReturnPreview], confirm_unassigned: bool) -> str:
    """What Apply will do, in one line."""
    adding = [i for p in previews for i in p.to_add(confirm_unassigned)]
    updates = sum(1 for i in adding if isinstance(i.row, ActionReturn))
    figures = len(adding) - updates
    items = [i for p in previews for i in p.items]
    if not items:
        return "Nothing is filled in: there is nothing to add."
    parts = [f"{_count(updates, 'update')} and {_count(figures, 'figure')} will be added"]
    waiting = sum(1 for i in items if i.flag is Flag.NOT_LEAD)
    if waiting:
        parts.append(f"{waiting} no longer led by this lead (included)" if confirm_unassigned
                     else f"{waiting} need{'s' if waiting == 1 else ''} your confirmation")
    for flag, words in ((Flag.DUPLICATE, "already recorded"),
                        (Flag.DELETED, "deleted since export")):
        found = sum(1 for i in items if i.flag is flag)
        if found:
            parts.append(f"{found} {words}")
    return "; ".join(parts) + "."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class ReturnPreviewDialog(QDialog):
    def __init__(self, previews: list[ReturnPreview], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previews = previews
        files = [p.doc.source for p in previews]
        title = (f"Import return {files[0]}" if len(files) == 1
                 else f"Import {len(files)} returns")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(900, 500)

        leads = sorted({p.doc.lead for p in previews}, key=str.casefold)
        intro = QLabel(f"From {', '.join(leads)}. Updates and figures are recorded as made "
                       "by the return's lead. Check them, then Apply: a backup is taken "
                       "first, and Undo takes each return back out.")
        intro.setWordWrap(True)
        intro.setAccessibleName("About these returns")

        self.model = ReturnItemsModel(previews)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("What the returns would add")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in Column:
            mode = (QHeaderView.ResizeMode.Stretch if column is Column.WHAT
                    else QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(column, mode)
        if len(files) == 1:
            self.table.setColumnHidden(Column.FILE, True)  # the title names it

        self.summary = QLabel()
        self.summary.setAccessibleName("What Apply will do")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        waiting = sum(len(p.needs_confirmation) for p in previews)
        self.confirm = QCheckBox(
            f"Also apply the {waiting} row{'s' if waiting != 1 else ''} for actions or "
            "measures no longer led by this lead")
        self.confirm.setAccessibleName("Also apply rows no longer led by this lead")
        self.confirm.setToolTip("These were given to someone else after the return was sent. "
                                "Tick to record them anyway, as made by the return's lead.")
        self.confirm.setChecked(False)
        self.confirm.setVisible(waiting > 0)
        self.confirm.toggled.connect(self._refresh)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.setText("Apply")
        self.apply_button.setAccessibleName("Apply")
        self.apply_button.setToolTip("Add these updates and figures")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setToolTip("Close without adding anything")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)
        self._refresh()
        self.cancel_button.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.model.rowCount() <= WRAP_ROWS:  # whole texts, once the widths are known
            self.table.resizeRowsToContents()

    @property
    def confirm_unassigned(self) -> bool:
        """Apply the rows no longer led by the return's lead too."""
        return not self.confirm.isHidden() and self.confirm.isChecked()

    def _refresh(self) -> None:
        confirm = self.confirm_unassigned
        self.summary.setText(summary_text(self.previews, confirm))
        self.apply_button.setEnabled(any(p.to_add(confirm) for p in self.previews))
