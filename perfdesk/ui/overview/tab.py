"""The Overview tab: where every plan, or one plan, stands.

A scope chooser at the top ("All plans" or one plan), then in a scroll area:
the counts per plan, charts of actions by status per priority and by
timeframe, measures by RAG per area, the status counts at each past quarter
end (a chart and a table), and the actions that need attention.

Everything is counted by `services.overview`, on the same rules as
`perfdesk plans`, and only when the tab is looked at. The charts load
pyqtgraph, so they are never built at start-up: the window builds them
(`load_charts`, `prepare_charts`) once idle after its first frame, or the
tab does when first shown, whichever comes first. Of the actions that need
attention only the first `EXCEPTIONS_LISTED` are listed until "Show all N…".

A click asks the main window to show what was clicked: `open_actions`
carries an `ActionRequest`, `open_measures` a `MeasureRequest`. The
`click_*` and `activate_exception` methods do exactly what those clicks do.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer, Signal
from PySide6.QtGui import QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk import presentation
from perfdesk.domain.dates import nice_date
from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.services.overview import (
    ActionRequest,
    AreaCounts,
    MeasureRequest,
    Overview,
    PriorityCounts,
    overview,
)
from perfdesk.store import queries
from perfdesk.store.changes import Changes
from perfdesk.ui.models.plan_list_model import STATUS_COLUMNS, Column, PlanListModel
from perfdesk.ui.ops import Operations
from perfdesk.ui.overview import chart_data
from perfdesk.ui.overview.exception_model import Column as ExceptionColumn
from perfdesk.ui.overview.exception_model import ExceptionModel
from perfdesk.ui.overview.quarter_model import QuarterModel

if TYPE_CHECKING:
    from perfdesk.ui.overview.charts import BarChart

ALL_PLANS = "All plans"
COUNTING = "Counting…"
COUNT_AT_THE_LATEST_MS = 100  # after being shown, if the tab is not drawn first
EXCEPTION_ROWS_SHOWN = 12  # the list scrolls beyond this many
EXCEPTIONS_LISTED = 100  # listed at first; "Show all N…" lists the rest
SHOW_ALL_EXCEPTIONS = "all-exceptions"
EXCEPTION_WIDTHS = {
    ExceptionColumn.PLAN: 150, ExceptionColumn.REF: 55, ExceptionColumn.LEADS: 170,
    ExceptionColumn.DUE: 150, ExceptionColumn.STATUS: 110, ExceptionColumn.LATEST: 300,
}


def load_charts() -> None:
    """Import the charts (and pyqtgraph, ~0.3 s) now. The window does this
    once the event loop is idle after its first frame, so that the Overview,
    when opened, draws its counts without waiting for the import."""
    import perfdesk.ui.overview.charts  # noqa: F401


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    label.setAccessibleName(text)
    return label


def _fit_height(view: QTableView, rows: int) -> None:
    """Tall enough for `rows` rows, so the page scrolls rather than the table."""
    height = view.horizontalHeader().sizeHint().height()
    height += view.verticalHeader().defaultSectionSize() * max(rows, 1)
    view.setFixedHeight(height + 2 * view.frameWidth() + 2)


def _fit_width(view: QTableView) -> None:
    """As wide as its columns, so a short table does not stretch across the page."""
    view.resizeColumnsToContents()
    width = view.verticalHeader().sizeHint().width() + view.horizontalHeader().length()
    view.setFixedWidth(width + 2 * view.frameWidth() + 2)


def _table(model: QAbstractItemModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return view


class OverviewTab(QWidget):
    open_actions = Signal(object)  # ActionRequest
    open_measures = Signal(object)  # MeasureRequest

    def __init__(self, ops: Operations, parent: QWidget | None = None, *,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._today = today  # None: the window's clock, read at each count
        self.view: Overview | None = None
        self.charts: dict[str, BarChart] = {}
        self._priorities: list[PriorityCounts] = []  # the priority chart's bars
        self._groups: list[str] = []  # the timeframe chart's bars
        self._areas: list[AreaCounts] = []  # the measures chart's bars
        self._stale = True
        self._count_pending = False
        self._asked = self._counted_for = 0  # counts asked of the worker, and the last shown
        self._all_exceptions = False  # every action that needs attention listed, not the first

        self.scope = QComboBox()
        self.scope.setAccessibleName("Show the overview of")
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope.addItem(ALL_PLANS, None)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.summary = QLabel()
        self.summary.setAccessibleName("Overview summary")
        self.summary.linkActivated.connect(self._link)
        self.empty = QLabel(
            "There are no plans in this database yet. Import a plan workbook "
            "(File ▸ Import plan workbook, Ctrl+I) or start one (Plan ▸ New blank plan)."
        )
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.waiting = QLabel(COUNTING)  # in place of the page until it is first counted
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.hide()

        self.model = PlanListModel()
        self.table = _table(self.model, "Plans and their action counts by status")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setToolTip("Click a count to list those actions.")
        self.table.clicked.connect(lambda index: self.click_count(index.row(), index.column()))

        self.quarter_model = QuarterModel()
        self.quarter_table = _table(self.quarter_model, "Action statuses at each quarter end")
        self.quarter_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.quarter_heading = _heading("Actions by status at each quarter end")

        self.exception_model = ExceptionModel()
        self.exceptions = _table(self.exception_model, "Actions that need attention")
        self.exceptions.verticalHeader().hide()
        self.exceptions.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.exceptions.horizontalHeader()
        for column, width in EXCEPTION_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(ExceptionColumn.ACTION, QHeaderView.ResizeMode.Stretch)
        self.exceptions.activated.connect(lambda index: self.activate_exception(index.row()))
        self.exceptions_heading = QLabel()
        self.exceptions_heading.linkActivated.connect(self._link)
        self.no_exceptions = QLabel("Nothing is overdue, off track or at risk.")
        self.no_exceptions.hide()

        self._lay_out()
        ops.changed.connect(self.on_changed)

    # -- layout ----------------------------------------------------------------
    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Overview of"))
        top.addWidget(self.scope)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)

        page = QWidget()
        grid = QGridLayout(page)
        self._page_layout = grid
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.addWidget(_heading("Where each plan stands — actions by their latest status"),
                       0, 0, 1, 2)
        grid.addWidget(self.table, 1, 0, 1, 2)
        self._slots = {name: QVBoxLayout() for name in
                       ("priority", "timeframe", "measures", "quarters")}
        for (row, column), name in zip(((2, 0), (2, 1), (3, 0), (3, 1)), self._slots,
                                       strict=True):
            self._slots[name].setContentsMargins(0, 8, 0, 0)
            grid.addLayout(self._slots[name], row, column, Qt.AlignmentFlag.AlignTop)
        quarters = QVBoxLayout()
        quarters.setContentsMargins(0, 10, 0, 0)
        quarters.addWidget(self.quarter_heading)
        quarters.addWidget(self.quarter_table)
        grid.addLayout(quarters, 4, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.exceptions_heading, 5, 0, 1, 2)
        grid.addWidget(self.no_exceptions, 6, 0, 1, 2)
        grid.addWidget(self.exceptions, 7, 0, 1, 2)
        grid.setRowStretch(8, 1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(page)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(self.waiting, 1)
        layout.addWidget(self.scroll_area, 1)
        self.scroll_area.hide()  # until first counted

    def prepare_charts(self) -> None:
        """Build the charts now, before the tab is first shown (the window
        does this at idle after its first frame)."""
        if not self.charts:
            self._build_charts()

    def _build_charts(self) -> None:
        """The charts, made the first time there is something to draw."""
        from perfdesk.ui.overview.charts import BarChart

        self.charts = {
            "priority": BarChart("Actions by status, per priority", horizontal=True),
            "timeframe": BarChart("Actions by timeframe", horizontal=False),
            "measures": BarChart("Measures by RAG rating, per area", horizontal=True),
            "quarters": BarChart("Actions by status at each quarter end", horizontal=False,
                                 clickable=False),
        }
        for name, chart in self.charts.items():
            self._slots[name].insertWidget(0, chart)
            chart.show()  # now, so the page is laid out with it (not at the next event)
        self.charts["priority"].segment_clicked.connect(
            lambda c, s: self.click_priority_status(c, STATUS_LABELS[s] if s >= 0 else None))
        self.charts["timeframe"].segment_clicked.connect(
            lambda c, s: self.click_timeframe(self._groups[c],
                                              STATUS_LABELS[s] if s >= 0 else None))
        self.charts["measures"].segment_clicked.connect(self._click_area)

    # -- reading -----------------------------------------------------------------
    @property
    def today(self) -> dt.date:
        return self._today or self.ops.today()

    @property
    def plan_id(self) -> str | None:
        """The plan in view, or None for all plans."""
        return self.scope.currentData()

    def refresh(self) -> None:
        """Count again, in a worker (at 20,000 actions that takes a while):
        the window goes on, the summary says "Counting…", and the counts
        are shown when they come (only the last asked for)."""
        self._fill_scope()
        plan_id, today = self.plan_id, self.today
        limit = None if self._all_exceptions else EXCEPTIONS_LISTED
        self._asked += 1
        asked = self._asked
        if self.view is not None:
            self.summary.setText(COUNTING)
        self.ops.read_in_worker(
            lambda s: overview(s, plan_id, today, attention_limit=limit),
            lambda view: self._show_counts(view, asked), self)

    @property
    def counting(self) -> bool:
        """Counts have been asked for and are not shown yet."""
        return self._counted_for != self._asked

    def _show_counts(self, view: Overview, asked: int) -> None:
        if asked != self._asked:
            return  # newer counts are on their way
        self._counted_for = asked
        self.view = view
        self._stale = False
        self.waiting.hide()
        self.empty.setVisible(self.scope.count() == 1)
        self.scroll_area.setVisible(self.scope.count() > 1)
        self.model.set_rows([line.summary for line in view.plans])
        _fit_height(self.table, len(view.plans))
        self.quarter_model.set_rows(view.quarter_ends)
        _fit_height(self.quarter_table, len(view.quarter_ends))
        _fit_width(self.quarter_table)
        self.quarter_table.setVisible(bool(view.quarter_ends))
        self.quarter_heading.setVisible(bool(view.quarter_ends))
        self._show_exceptions(view)
        self.summary.setText(self._summary_text(view))
        if not self.charts:
            self._build_charts()
        self._draw_charts(view)
        self._lay_out_now()

    def _lay_out_now(self) -> None:
        """Lay the page out at its new height at once, not at the next pass
        of the event loop, so nothing is drawn squeezed or stretched."""
        for chart in self.charts.values():
            if (chart_layout := chart.layout()) is not None:
                chart_layout.activate()
        self._page_layout.activate()
        self.scroll_area.setWidgetResizable(True)  # has the scroll area size the page afresh

    def _fill_scope(self) -> None:
        plans = self.ops.read(queries.plans)
        wanted = self.plan_id
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem(ALL_PLANS, None)
        for plan in plans:
            self.scope.addItem(plan.short_name, plan.id)
            self.scope.setItemData(self.scope.count() - 1, plan.title,
                                   Qt.ItemDataRole.ToolTipRole)
        self.scope.setCurrentIndex(max(0, self.scope.findData(wanted)))
        self.scope.blockSignals(False)

    def _draw_charts(self, view: Overview) -> None:
        bars, self._priorities, note = chart_data.priority_bars(view)
        self.charts["priority"].set_bars(bars, note, "There are no actions yet.")
        bars, self._groups = chart_data.timeframe_bars(view)
        self.charts["timeframe"].set_bars(bars)
        bars, self._areas = chart_data.area_bars(view)
        none = "This plan has no measures." if view.plan_id else "There are no measures yet."
        self.charts["measures"].set_bars(bars, empty=none)
        self.charts["quarters"].set_bars(
            chart_data.quarter_bars(view),
            empty="No quarter end of the plan period has passed yet.")

    def _show_exceptions(self, view: Overview) -> None:
        self.exception_model.set_rows(view.exceptions)
        shown = bool(view.exceptions)
        self.exceptions.setVisible(shown)
        self.no_exceptions.setVisible(not shown)
        self.exceptions.setColumnHidden(ExceptionColumn.PLAN, view.plan_id is not None)
        _fit_height(self.exceptions, min(len(view.exceptions), EXCEPTION_ROWS_SHOWN))
        off = view.totals.get(Status.OFF_TRACK.label, 0)
        risk = view.totals.get(Status.AT_RISK.label, 0)
        more = ""
        if len(view.exceptions) < view.needs_attention:
            more = (f" — the first {len(view.exceptions)} listed: "
                    f"<a href='{SHOW_ALL_EXCEPTIONS}'>Show all {view.needs_attention}…</a>")
        self.exceptions_heading.setText(
            f"<b>Needs attention</b> — {view.needs_attention} actions: "
            f"<a href='overdue'>{view.overdue} overdue</a>, "
            f"<a href='status:{Status.OFF_TRACK.label}'>{presentation.symbol(Status.OFF_TRACK)} "
            f"{off} off track</a>, "
            f"<a href='status:{Status.AT_RISK.label}'>{presentation.symbol(Status.AT_RISK)} "
            f"{risk} at risk</a>"
            f" (double-click or press Enter on one to open it){more}")

    @staticmethod
    def _summary_text(view: Overview) -> str:
        return (f"<a href='all'>{view.actions} actions</a> · "
                f"<a href='overdue'>{view.overdue} overdue</a> on {nice_date(view.today)}")

    # -- clicks ------------------------------------------------------------------
    def click_priority_status(self, row: int, status: str | None = None) -> None:
        """A click on the priority chart: bar `row` (as drawn, top first),
        one status's segment, or the whole bar when `status` is None."""
        p = self._priorities[row]
        self.open_actions.emit(
            ActionRequest(plan_id=p.plan_id, priority_id=p.priority_id or "", status=status))

    def click_timeframe(self, group: str, status: str | None = None) -> None:
        self.open_actions.emit(ActionRequest(plan_id=self.plan_id, timeframe=group,
                                             status=status))

    def _click_area(self, row: int, series: int) -> None:
        counts = self._areas[row]
        rag = chart_data.RAG_SERIES[series].label if series >= 0 else None
        self.open_measures.emit(MeasureRequest(counts.plan_id, counts.area, rag))

    def click_count(self, row: int, column: int) -> None:
        """A click on a cell of the counts table."""
        assert self.view is not None
        plan_id = self.view.plans[row].plan_id
        if column == Column.MEASURES:
            self.open_measures.emit(MeasureRequest(plan_id))
        elif column >= len(Column):
            status = STATUS_COLUMNS[column - len(Column)].label
            self.open_actions.emit(ActionRequest(plan_id=plan_id, status=status))
        else:
            self.open_actions.emit(ActionRequest(plan_id=plan_id))

    def click_overdue(self) -> None:
        self.open_actions.emit(ActionRequest(plan_id=self.plan_id, overdue=True))

    def click_status(self, status: str) -> None:
        self.open_actions.emit(ActionRequest(plan_id=self.plan_id, status=status))

    def activate_exception(self, row: int) -> None:
        """Double-click or Enter on an action that needs attention: open it."""
        e = self.exception_model.row(row)
        self.open_actions.emit(ActionRequest(plan_id=e.plan_id, action_id=e.action_id))

    def show_all_exceptions(self) -> None:
        """List every action that needs attention, not just the first."""
        self._all_exceptions = True
        self.refresh()

    def _link(self, href: str) -> None:
        if href == SHOW_ALL_EXCEPTIONS:
            self.show_all_exceptions()
        elif href == "overdue":
            self.click_overdue()
        elif href.startswith("status:"):
            self.click_status(href.removeprefix("status:"))
        else:
            self.open_actions.emit(ActionRequest(plan_id=self.plan_id))

    # -- staying current -----------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        """Counted when looked at, not at start-up or after every edit: the
        tab is drawn first, saying it is counting, and the counts fill in
        straight after."""
        super().showEvent(event)
        if self._stale and not self._count_pending:
            self._count_pending = True
            first = self.view is None
            self.summary.setText("" if first else COUNTING)
            self.waiting.setVisible(first)
            # Counted once the tab has been drawn (or soon, if it never is).
            QTimer.singleShot(COUNT_AT_THE_LATEST_MS, self._count_now)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._count_pending:
            QTimer.singleShot(0, self._count_now)

    def _count_now(self) -> None:
        if not self._count_pending:
            return
        self._count_pending = False
        if self._stale and self.isVisible():
            self.refresh()

    def on_changed(self, changes: Changes) -> None:
        """Count again (now if shown, else when next shown) when plans,
        priorities, actions, their leads or updates, or measures changed."""
        if changes.outline or changes.actions or changes.leads or changes.measures:
            self._stale = True
            if self.isVisible():
                self.refresh()

