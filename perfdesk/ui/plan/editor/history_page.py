"""The "History" tab: every recorded change to the action, newest first,
with the selected change in full below (the table has room for one line)."""

from __future__ import annotations

import html

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from perfdesk.services.actions.detail import ActionDetail, HistoryEntry
from perfdesk.ui.models.rows_model import ROW_ROLE
from perfdesk.ui.plan.editor.fields import columns_for_width, local_time_text, name, row_table
from perfdesk.ui.plan.editor.table_models import HistoryColumn, HistoryModel, readable

NARROW_HIDES = (HistoryColumn.OLD, HistoryColumn.NEW)  # shown in full below the table


class HistoryPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel()
        self.table = row_table(self.model, "History of changes, newest first",
                               "Who changed what and when; select a change to read it in full")
        header = self.table.horizontalHeader()
        for column in HistoryColumn:
            fits = column in (HistoryColumn.WHEN, HistoryColumn.WHO)
            header.setSectionResizeMode(
                column, QHeaderView.ResizeMode.ResizeToContents if fits
                else QHeaderView.ResizeMode.Stretch)
        columns_for_width(self.table, NARROW_HIDES, 0)  # until shown: resizeEvent
        self.preview = name(QTextBrowser(), "Selected change in full")
        self.preview.setOpenLinks(False)
        self.preview.setMaximumHeight(self.preview.fontMetrics().lineSpacing() * 7 + 16)
        self.table.selectionModel().selectionChanged.connect(self._show_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.preview, 1)
        self._show_selected()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns_for_width(self.table, NARROW_HIDES, self.width())

    def load(self, detail: ActionDetail) -> None:
        self.model.set_rows(detail.history)
        self._show_selected()

    def selected_entry(self) -> HistoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _show_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            self.preview.setHtml("<p>Select a change to read it in full.</p>")
            return
        e = html.escape
        parts = [f"<p><b>{e(entry.what)}</b> · {e(local_time_text(entry.changed_at))} · "
                 f"by {e(entry.author or 'unknown')}</p>"]
        for title, value in (("Was", entry.old), ("Now", entry.new)):
            if value:
                parts.append(f"<p><b>{title}:</b> {e(readable(value))}</p>")
        self.preview.setHtml("".join(parts))
