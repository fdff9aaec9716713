"""The "Updates" tab: progress updates newest first, the selected one in
full, and adding or withdrawing one."""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from perfdesk import presentation
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.actions.detail import ActionDetail, UpdateView
from perfdesk.ui import ask
from perfdesk.ui.dialogs import update_dialog
from perfdesk.ui.models.rows_model import ROW_ROLE
from perfdesk.ui.ops import Operations
from perfdesk.ui.plan.editor.fields import (
    columns_for_width,
    day_text,
    name,
    push_button,
    row_table,
    tab_chain,
)
from perfdesk.ui.plan.editor.table_models import UpdateColumn, UpdatesModel, withdrawal_note

ADD_SHORTCUT = "Ctrl+U"


class UpdatesPage(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._detail: ActionDetail | None = None
        self._read_only = False

        self.add = push_button("&Add update…", "Add update",
                               f"Record progress and the status now ({ADD_SHORTCUT})")
        self.withdraw = push_button("&Withdraw…", "Withdraw update",
                                    "Withdraw the selected update: it stays on record but "
                                    "no longer counts")
        self.model = UpdatesModel()
        self.table = row_table(self.model, "Progress updates, newest first")
        header = self.table.horizontalHeader()
        for column in UpdateColumn:
            mode = (QHeaderView.ResizeMode.Stretch if column in (UpdateColumn.DONE,
                                                                 UpdateColumn.NEXT)
                    else QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(column, mode)
        columns_for_width(self.table, [UpdateColumn.NEXT], 0)  # until shown: resizeEvent
        self.preview = name(QTextBrowser(), "Selected update in full")
        self.preview.setOpenLinks(False)
        self.preview.setMaximumHeight(self.preview.fontMetrics().lineSpacing() * 9 + 16)

        self.add.clicked.connect(self.add_update)
        self.withdraw.clicked.connect(self.withdraw_selected)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.withdraw)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.preview, 2)
        tab_chain(self.add, self.withdraw, self.table, self.preview)
        self._on_selection()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Next steps get a column only when both texts can be read; the
        selected update is always shown in full below the table."""
        super().resizeEvent(event)
        columns_for_width(self.table, [UpdateColumn.NEXT], self.width())

    def load(self, detail: ActionDetail) -> None:
        self._detail = detail
        self.model.set_rows(detail.updates)
        if self.selected_update() is None and detail.updates:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._on_selection()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._on_selection()

    def selected_update(self) -> UpdateView | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _on_selection(self) -> None:
        update = self.selected_update()
        writable = not self._read_only and self._detail is not None
        self.add.setEnabled(writable)
        self.withdraw.setEnabled(writable and update is not None and not update.withdrawn)
        self.preview.setHtml(self._preview_html(update))

    def _preview_html(self, update: UpdateView | None) -> str:
        if update is None:
            if self._detail is not None and not self._detail.updates:
                return ("<p>No progress updates yet. Add the first with "
                        f"<b>Add update…</b> ({ADD_SHORTCUT}).</p>")
            return "<p>Select an update to read it in full.</p>"
        e = html.escape
        head = (f"<b>{e(day_text(update.reported_on))} · {e(presentation.symbol(update.status))} "
                f"{e(update.status.label)}</b> · by {e(update.author or 'unknown')}")
        parts = [f"<p>{head}</p>"]
        if update.withdrawn:
            parts.append(f"<p><i>{e(withdrawal_note(update))}</i></p>")
        for title, text in (("What was done", update.done), ("Next steps", update.next_steps)):
            body = e(text).replace("\n", "<br>") if text else "<i>none given</i>"
            parts.append(f"<p><b>{title}:</b> {body}</p>")
        return "".join(parts)

    # Edits

    def add_update(self) -> None:
        detail = self._detail
        if detail is None or self._read_only:
            return
        values = update_dialog.ask_update(self, detail.status, self.ops.author, detail.ref,
                                          today=self.ops.today())
        if values is None:
            return
        author = self.ops.author
        self.ops.run(f"Add update to action {detail.ref}", lambda s: action_edits.add_update(
            s, detail.id, status=values.status, reported_on=values.reported_on, author=author,
            done=values.done, next_steps=values.next_steps,
        ))

    def withdraw_selected(self) -> None:
        detail, update = self._detail, self.selected_update()
        if detail is None or update is None or update.withdrawn or self._read_only:
            return
        reason = ask.text(
            self, "Withdraw update",
            f"Why withdraw the update of {day_text(update.reported_on)} "
            f"({update.status.label}, by {update.author or 'unknown'})?\n"
            "It stays on record, marked withdrawn, and no longer counts.",
        )
        if reason is None:
            return
        by = self.ops.author
        self.ops.run(f"Withdraw update of action {detail.ref}",
                     lambda s: action_edits.withdraw_update(s, update.id, by=by, reason=reason))
