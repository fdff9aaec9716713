"""The left-hand navigator of a plan tab: its priorities, and what the
chosen one is about (statement, what needs improvement, outcomes)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelection,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QLabel, QListView, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from perfdesk.services.plans.outline import PlanOutline, PriorityOutline
from perfdesk.ui.models.rows_model import Index

ALL_LABEL = "All priorities"


class PriorityListModel(QAbstractListModel):
    """Row 0 is "All priorities"; then each priority."""

    def __init__(self) -> None:
        super().__init__()
        self.priorities: tuple[PriorityOutline, ...] = ()

    def set_priorities(self, priorities: tuple[PriorityOutline, ...]) -> None:
        self.beginResetModel()
        self.priorities = priorities
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.priorities) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        priority = self.priority_at(index.row())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return priority.label if priority else ALL_LABEL
        if role == Qt.ItemDataRole.ToolTipRole and priority:
            return priority.statement or None
        return None

    def priority_at(self, row: int) -> PriorityOutline | None:
        return self.priorities[row - 1] if 0 < row <= len(self.priorities) else None

    def row_of(self, priority_id: str | None) -> int:
        for row, p in enumerate(self.priorities, start=1):
            if p.id == priority_id:
                return row
        return 0


class Navigator(QWidget):
    priority_chosen = Signal(object)  # PriorityOutline or None for all

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outline: PlanOutline | None = None
        self.model = PriorityListModel()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Priorities")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.details = QTextBrowser()
        self.details.setAccessibleName("About the chosen priority")
        self.details.setOpenLinks(False)
        heading = QLabel("&Priorities")
        heading.setBuddy(self.list)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(heading)
        top_layout.addWidget(self.list)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.list.selectionModel().selectionChanged.connect(self._chosen)

    def set_outline(self, outline: PlanOutline) -> None:
        chosen = self.current()
        self.outline = outline
        self.model.set_priorities(outline.priorities)
        self.select(chosen.id if chosen else None, quiet=True)
        self._describe(self.current())

    def current(self) -> PriorityOutline | None:
        rows = self.list.selectionModel().selectedRows()
        return self.model.priority_at(rows[0].row()) if rows else None

    def select(self, priority_id: str | None, quiet: bool = False) -> None:
        index = self.model.index(self.model.row_of(priority_id))
        if quiet:
            self.list.selectionModel().blockSignals(True)
        self.list.setCurrentIndex(index)
        self.list.selectionModel().blockSignals(False)

    def _chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        priority = self.current()
        self._describe(priority)
        self.priority_chosen.emit(priority)

    def _describe(self, priority: PriorityOutline | None) -> None:
        outline = self.outline
        if outline is None:
            self.details.clear()
            return
        if priority is None:
            parts = [f"<h3>{escape(outline.title)}</h3>"]
            if outline.period:
                parts.append(f"<p>{escape(outline.period)} · {escape(outline.state)}</p>")
            if outline.rolled_from:
                parts.append(f"<p><i>Rolled forward from {escape(outline.rolled_from)}</i></p>")
            parts += _bullets("Outcomes", outline.outcomes)
        else:
            parts = [f"<h3>{escape(priority.kind)} {escape(priority.label)}</h3>"]
            if priority.statement:
                parts.append(f"<p>{escape(priority.statement)}</p>")
            parts += _bullets("What needs improvement", priority.needs_improvement)
            parts += _bullets("Outcomes", priority.outcomes)
        self.details.setHtml("".join(parts))


def _bullets(title: str, items: tuple[str, ...]) -> list[str]:
    if not items:
        return []
    lines = "".join(f"<li>{escape(item)}</li>" for item in items)
    return [f"<p><b>{escape(title)}</b></p><ul>{lines}</ul>"]
