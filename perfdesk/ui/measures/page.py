"""A plan's measures, grouped by area, with a search box and RAG and area
filters. Choosing a measure opens it in the measure editor.

The measures are read the first time the page is shown or its list is asked
for (`model`); until then only their number is read, for the page's label."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk import presentation
from perfdesk.domain.measures import Rag
from perfdesk.services.measures.view import MeasureRow, measure_count, measure_rows
from perfdesk.store.changes import Changes
from perfdesk.ui.models.measure_table_model import (
    ROW_ROLE,
    Column,
    MeasureFilter,
    MeasureTableModel,
)
from perfdesk.ui.ops import Operations

WIDTHS = {
    Column.REF: 56, Column.INDICATOR: 260, Column.BASELINE: 120, Column.LATEST: 110,
    Column.TARGET: 120, Column.RAG: 80, Column.DIRECTION: 110, Column.BENCHMARKS: 200,
}


class MeasuresPage(QWidget):
    measure_chosen = Signal(object)  # measure id or None
    counts_changed = Signal()

    def __init__(self, ops: Operations, plan_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.plan_id = plan_id
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find measures: ref, words, area, owner")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find measures")
        self.area = QComboBox()
        self.area.setAccessibleName("Area filter")
        self.rag = QComboBox()
        self.rag.setAccessibleName("RAG filter")
        self.rag.addItem("Any RAG", None)
        for rag in Rag:
            self.rag.addItem(presentation.badge(rag), rag.label)
        self.clear = QPushButton("Clear filters")
        self.clear.setAccessibleName("Clear measure filters")
        self.summary = QLabel()
        self.summary.setAccessibleName("Measures shown")
        self._model = MeasureTableModel()
        self.loaded = False
        self._reselecting: str | None = None  # the measure chosen again after a reload
        self._count: int | None = None  # the number of measures, before they are read
        self.view = QTableView()
        self.view.setModel(self._model)
        self.view.setAccessibleName("Measures")
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        for column, width in WIDTHS.items():
            header.resizeSection(column, width)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.area, 2)
        top.addWidget(self.rag, 1)
        top.addWidget(self.clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)

        self.search.textChanged.connect(self._filter)
        self.area.currentIndexChanged.connect(self._filter)
        self.rag.currentIndexChanged.connect(self._filter)
        self.clear.clicked.connect(self.clear_filters)
        self._model.modelReset.connect(self._after_reset)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        ops.changed.connect(self.on_changed)

    @property
    def model(self) -> MeasureTableModel:
        """The measures as listed (read now, if they have not been yet)."""
        self.ensure_loaded()
        return self._model

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_loaded()
        super().showEvent(event)

    def shown_count(self) -> int:
        """How many measures the list shows; before they are read, how many
        the plan has (every one is shown until a filter is applied)."""
        if self.loaded:
            return self._model.shown
        if self._count is None:
            self._count = self.ops.read(lambda s: measure_count(s, self.plan_id))
        return self._count

    def reload(self) -> None:
        self.loaded = True
        current = self.current_id()
        rows = self.ops.read(lambda s: measure_rows(s, self.plan_id))
        self._model.set_rows(rows)
        with QSignalBlocker(self.area):
            chosen = self.area.currentData()
            self.area.clear()
            self.area.addItem("Any area", "")
            for area in self._model.areas():
                self.area.addItem(area, area)
            self.area.setCurrentIndex(max(self.area.findData(chosen), 0))
        # The same measure chosen again: the measure editor follows changes
        # itself, so it is not shown afresh (that would read it a second time).
        self._reselecting = current
        try:
            self.select(current)
        finally:
            self._reselecting = None

    def on_changed(self, changes: Changes) -> None:
        """Re-read the measures when they, their figures or benchmarks, their
        owners (leads) or the plan changed."""
        if not (changes.measures or changes.leads or changes.outline):
            return
        if self.loaded:
            self.reload()
        else:
            self._count = None
            self.counts_changed.emit()

    def show_filtered(self, area: str | None = None, rag: str | None = None) -> None:
        """What a click in the Overview asks for."""
        self.ensure_loaded()
        blockers = [QSignalBlocker(w) for w in (self.search, self.area, self.rag)]
        self.search.clear()
        self.area.setCurrentIndex(max(self.area.findData(area or ""), 0))
        self.rag.setCurrentIndex(max(self.rag.findData(rag), 0) if rag else 0)
        del blockers
        self._filter()

    def clear_filters(self) -> None:
        self.show_filtered()

    def current_filter(self) -> MeasureFilter:
        rag = self.rag.currentData()
        return MeasureFilter(
            text=self.search.text().strip(), area=self.area.currentData() or "",
            rag=next((r for r in Rag if r.label == rag), None),
        )

    def _filter(self) -> None:
        if not self.loaded:
            return  # the filter applies when the measures are read
        current = self.current_id()
        self._model.set_filter(self.current_filter())
        self.select(current)

    def _after_reset(self) -> None:
        self.view.clearSpans()
        for row in self._model.heading_rows():
            self.view.setSpan(row, 0, 1, len(Column))
        applied = self.current_filter() != MeasureFilter()
        total = self._model.total
        noun = "measure" if total == 1 else "measures"
        if applied:
            self.summary.setText(f"Showing {self._model.shown} of {total} {noun}")
        elif total:
            self.summary.setText(f"All {total} {noun}")
        else:
            self.summary.setText("This plan has no measures yet.")
        self.clear.setEnabled(applied)
        self.counts_changed.emit()

    def current_id(self) -> str | None:
        row = self._model.row_at(self.view.currentIndex())
        return row.id if row else None

    def current_row(self) -> MeasureRow | None:
        return self.model.row_at(self.view.currentIndex())

    def select(self, measure_id: str | None) -> bool:
        index = self.model.index_of(measure_id) if measure_id else QModelIndex()
        self.view.setCurrentIndex(index)
        if index.isValid():
            self.view.scrollTo(index)
        else:
            self.measure_chosen.emit(None)
        return index.isValid()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        measure_id = row.id if isinstance(row, MeasureRow) else None
        if measure_id is None or measure_id != self._reselecting:
            self.measure_chosen.emit(measure_id)
