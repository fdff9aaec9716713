"""One plan's tab: the priority navigator, the actions grouped by timeframe
with their filters, and the editor of the chosen action.

A tab is built when it is first needed: the window makes a shell per plan
(cheap, just its name), and the widgets and the plan's actions are made the
first time the tab is shown or any of its parts is asked for (`is_built`
says whether that has happened). The measures page likewise reads its
measures the first time it is shown."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QByteArray, QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import Session

from perfdesk.domain.action_view import ActionFilter, ActionRow
from perfdesk.services.actions.rows import action_rows, affected_actions
from perfdesk.services.plans.outline import PlanOutline, PriorityOutline, plan_outline
from perfdesk.store.changes import Changes
from perfdesk.ui.measures.editor import MeasureEditor
from perfdesk.ui.measures.page import MeasuresPage
from perfdesk.ui.models.action_table_model import ROW_ROLE, ActionTableModel, Column
from perfdesk.ui.ops import Operations
from perfdesk.ui.plan.editor.action_editor import ActionEditor
from perfdesk.ui.plan.filter_bar import FilterBar
from perfdesk.ui.plan.navigator import Navigator

# Wide enough at 1366×768 for ref, status, action, leads, by when and overdue
# beside the editor; the latest update is one scroll (or one hidden pane) away.
DEFAULT_WIDTHS = {
    Column.REF: 52, Column.STATUS: 108, Column.ACTION: 232, Column.LEADS: 140,
    Column.BY_WHEN: 100, Column.OVERDUE: 90, Column.LATEST: 260,
}


class PlanTab(QWidget):
    counts_changed = Signal()
    contents_built = Signal()  # the widgets exist now (the window sets up its panes)
    action_activated = Signal()  # an action double-clicked

    # What exists only once the tab is built; asking for any of these builds it.
    _BUILT_PARTS = frozenset({
        "navigator", "filters", "model", "view", "editor", "measures", "measure_editor",
        "pages", "editors", "splitter", "outline",
    })

    def __init__(self, ops: Operations, plan_id: str, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.plan_id = plan_id
        self.today = today or ops.today()
        self.is_built = False
        self._building = False
        self._discarded = False
        self._reselecting: str | None = None  # the action chosen again after a reload
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(4, 4, 4, 4)

    def __getattr__(self, name: str) -> object:
        """A part of a tab not yet built: build it, then hand the part over."""
        if name in PlanTab._BUILT_PARTS and not self.__dict__.get("_building", True):
            self.ensure_built()
            return object.__getattribute__(self, name)
        raise AttributeError(name)

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_built()
        super().showEvent(event)

    def ensure_built(self) -> None:
        """Make the tab's widgets and read its plan, once."""
        if self.is_built or self._building or self._discarded:
            return
        self._building = True
        try:
            self._build()
        finally:
            self._building = False
        self.is_built = True
        self.restore_layout()
        self.contents_built.emit()
        self.reload()

    def discard(self) -> None:
        """Never build this tab: it is being taken away (the plans are read
        afresh). A built one stops following changes: its plan may be gone."""
        self._discarded = True
        if self.is_built:
            for slot in (self.on_changed, self.measures.on_changed,
                         self.measure_editor.on_changed, self.editor.on_changed):
                self.ops.changed.disconnect(slot)

    def _build(self) -> None:
        ops = self.ops
        self.outline: PlanOutline | None = None
        self.navigator = Navigator()
        self.filters = FilterBar(self.today, ops.settings.stale_days)
        self.filters.set_my_leads(ops.settings.my_leads)
        self.model = ActionTableModel(self.today)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName("Actions")
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setTabKeyNavigation(False)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in DEFAULT_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.editor = ActionEditor(ops)
        self.measures = MeasuresPage(ops, self.plan_id)
        self.measure_editor = MeasureEditor(ops)

        actions_page = QWidget()
        middle_layout = QVBoxLayout(actions_page)
        middle_layout.setContentsMargins(0, 4, 0, 0)
        middle_layout.addWidget(self.filters)
        middle_layout.addWidget(self.view)
        self.pages = QTabWidget()
        self.pages.setAccessibleName("Actions or measures")
        self.pages.addTab(actions_page, "Actions")
        self.pages.addTab(self.measures, "Measures")
        self.editors = QStackedWidget()
        self.editors.addWidget(self.editor)
        self.editors.addWidget(self.measure_editor)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.navigator)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(self.editors)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([150, 745, 460])
        self.splitter.setChildrenCollapsible(True)
        self._box.addWidget(self.splitter)

        self.filters.changed.connect(self._filter)
        self.navigator.priority_chosen.connect(self._priority_chosen)
        self.filters.cleared.connect(lambda: self.navigator.select(None, quiet=True))
        self.model.modelReset.connect(self._after_reset)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.measures.measure_chosen.connect(self.measure_editor.show_measure)
        self.measures.counts_changed.connect(self._label_pages)
        self.pages.currentChanged.connect(self._page_changed)
        self.view.doubleClicked.connect(lambda _i: self.action_activated.emit())
        ops.changed.connect(self.on_changed)

    # -- loading ----------------------------------------------------------
    def reload(self) -> None:
        """Read the plan afresh (after structural edits, undo, import)."""
        current = self.current_action_id()
        self.outline, rows = self.ops.read(
            lambda s: (plan_outline(s, self.plan_id), action_rows(s, self.plan_id, self.today))
        )
        self.navigator.set_outline(self.outline)
        self._set_lead_choices(rows)
        self.model.set_rows(rows)
        # The same action chosen again: the editor follows changes itself, so
        # it is not shown afresh (that would read it a second time).
        self._reselecting = current
        try:
            self.select_action(current)
        finally:
            self._reselecting = None
        self.counts_changed.emit()

    def _set_lead_choices(self, rows: list[ActionRow]) -> None:
        leads: dict[str, str] = {}
        for row in rows:
            leads.update(zip(row.lead_ids, row.leads, strict=True))
        self.filters.set_leads(sorted(leads.items(), key=lambda pair: pair[1].casefold()))

    def on_changed(self, changes: Changes) -> None:
        """Re-read the plan when its outline, its leads or the actions it
        holds changed; otherwise repaint just the rows of the actions touched."""
        if self._discarded:
            return
        if changes.outline or changes.leads or changes.actions_added_or_removed:
            self.reload()
            return
        if not changes.actions:
            return
        touched = changes.touched()

        def fresh(session: Session) -> list[ActionRow]:
            ids = affected_actions(session, touched)
            return action_rows(session, self.plan_id, self.today, only=sorted(ids)) if ids else []

        rows = self.ops.read(fresh)
        if rows:
            self.model.replace_rows(rows)
            self.counts_changed.emit()

    # -- filtering and selection ---------------------------------------------
    def _filter(self, action_filter: ActionFilter) -> None:
        current = self.current_action_id()
        self.model.set_filter(action_filter)
        self.select_action(current)
        self.counts_changed.emit()

    def _priority_chosen(self, priority: PriorityOutline | None) -> None:
        self.filters.set_priority((priority.id, priority.label) if priority else None)

    def _after_reset(self) -> None:
        self.view.clearSpans()
        for row in self.model.heading_rows():
            self.view.setSpan(row, 0, 1, len(Column))
        self._label_pages()
        self.filters.show_counts(self.model.shown, self.model.total)

    def _label_pages(self) -> None:
        self.pages.setTabText(0, f"&Actions ({self.model.shown})")
        self.pages.setTabText(1, f"Mea&sures ({self.measures.shown_count()})")

    def _page_changed(self, index: int) -> None:
        if index == 1:
            self.measures.ensure_loaded()
        self.editors.setCurrentIndex(index)
        self.counts_changed.emit()

    def show_actions(self, *, priority_id: str | None = None, status: str | None = None,
                     timeframe: str | None = None, overdue: bool = False,
                     action_id: str | None = None) -> None:
        """Show the actions a click in the Overview asked for."""
        self.pages.setCurrentIndex(0)
        self.filters.clear_all()
        self.filters.apply(status=status, timeframe=timeframe, overdue=overdue)
        if priority_id:
            self.navigator.select(priority_id)
        elif priority_id == "":  # the actions with no priority
            self.filters.set_priority(("", "No priority"))
        if action_id:
            self.select_action(action_id)

    def show_measures(self, *, area: str | None = None, rag: str | None = None) -> None:
        self.pages.setCurrentIndex(1)
        self.measures.show_filtered(area=area, rag=rag)

    def current_action_id(self) -> str | None:
        row = self.model.row_at(self.view.currentIndex())
        return row.id if row else None

    def current_row(self) -> ActionRow | None:
        return self.model.row_at(self.view.currentIndex())

    def select_action(self, action_id: str | None) -> bool:
        index = self.model.index_of(action_id) if action_id else QModelIndex()
        if index.isValid():
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
            return True
        self.view.setCurrentIndex(QModelIndex())
        self.editor.show_action(None)
        return False

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        action_id = row.id if isinstance(row, ActionRow) else None
        if action_id is None or action_id != self._reselecting:
            self.editor.show_action(action_id)

    # -- remembered layout ----------------------------------------------------
    def save_layout(self) -> None:
        header = self.view.horizontalHeader().saveState()
        self.ops.settings.set_window_value("actions_header", header)
        self.ops.settings.set_window_value("plan_splitter", self.splitter.saveState())

    def restore_layout(self) -> None:
        header = self.ops.settings.window_value("actions_header")
        if isinstance(header, QByteArray):
            self.view.horizontalHeader().restoreState(header)
        splitter = self.ops.settings.window_value("plan_splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
