"""The Overview tab: until the charts arrive, where each plan stands in counts."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from perfdesk.services.summaries import plan_summaries
from perfdesk.store.edits import Edit
from perfdesk.ui.models.plan_list_model import PlanListModel
from perfdesk.ui.ops import Operations


class OverviewTab(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.model = PlanListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Plans and their action counts by status")
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        heading = QLabel("<b>Where each plan stands</b> — actions by their latest status")
        heading.setAccessibleName("Overview")
        layout = QVBoxLayout(self)
        self.empty = QLabel(
            "There are no plans in this database yet. Import a plan workbook "
            "(File ▸ Import plan workbook, Ctrl+I) or start one (Plan ▸ New blank plan)."
        )
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addWidget(heading)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        self._stale = True
        ops.changed.connect(self.on_changed)

    def refresh(self) -> None:
        summaries = self.ops.read(plan_summaries)
        self.model.set_rows(summaries)
        self.empty.setVisible(not summaries)
        self._stale = False

    def showEvent(self, event: QShowEvent) -> None:
        """Counted when looked at, not at start-up or after every edit."""
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def on_changed(self, edit: Edit) -> None:
        if edit.tables & {"plan", "action", "progress_update", "priority", "measure"}:
            self._stale = True
            if self.isVisible():
                self.refresh()
