"""Comparator figures for a measure (England, South West, statistical
neighbours...): a table, newest first, and a line to add or correct one."""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

from PySide6.QtCore import Qt
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

from perfdesk.domain.measures import Unit, format_value
from perfdesk.errors import PerfDeskError
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.measures.detail import BenchmarkView, MeasureDetail
from perfdesk.ui import ask
from perfdesk.ui.models.rows_model import RowsModel
from perfdesk.ui.ops import Done, Operations

COMMON_COMPARATORS = ("England", "South West", "Statistical neighbours")


class BenchColumn(IntEnum):
    PERIOD = 0
    COMPARATOR = 1
    VALUE = 2


class BenchmarksModel(RowsModel[BenchmarkView]):
    Column = BenchColumn
    headers: ClassVar[dict[int, str]] = {
        BenchColumn.PERIOD: "Period", BenchColumn.COMPARATOR: "Comparator",
        BenchColumn.VALUE: "Value",
    }
    unit = Unit.NUMBER

    def set_benchmarks(self, rows: tuple[BenchmarkView, ...], unit: Unit) -> None:
        self.unit = unit
        self.set_rows(rows)

    def cell(self, row: BenchmarkView, column: BenchColumn, role: int) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return {BenchColumn.PERIOD: row.period, BenchColumn.COMPARATOR: row.comparator,
                BenchColumn.VALUE: format_value(row.value, self.unit)}[column]


class BenchmarksPage(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.detail: MeasureDetail | None = None
        self.model = BenchmarksModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Benchmark figures, newest first")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.period = QLineEdit()
        self.period.setAccessibleName("Benchmark period")
        self.period.setPlaceholderText("Period, e.g. 2022/23")
        self.comparator = QComboBox()
        self.comparator.setEditable(True)
        self.comparator.setAccessibleName("Comparator")
        self.value = QLineEdit()
        self.value.setAccessibleName("Benchmark value")
        self.value.setPlaceholderText("Value")
        self.add = QPushButton("&Set")
        self.add.setAccessibleName("Set this benchmark figure")
        self.remove = QPushButton("&Remove")
        self.remove.setAccessibleName("Remove the selected benchmark figure")
        self.note = QLabel()
        self.note.setWordWrap(True)
        row = QHBoxLayout()
        for widget in (self.period, self.comparator, self.value, self.add, self.remove):
            row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.add.clicked.connect(self._set)
        self.value.returnPressed.connect(self._set)
        self.remove.clicked.connect(self._remove)

    def load(self, detail: MeasureDetail) -> None:
        self.detail = detail
        self.model.set_benchmarks(detail.benchmarks, detail.unit)
        self.note.setText(
            "Comparator figures, newest first." if detail.benchmarks else
            "No benchmarks yet: type a period, choose or type a comparator and give the "
            "figure, then Set.")
        names = list(dict.fromkeys([*(b.comparator for b in detail.benchmarks),
                                    *COMMON_COMPARATORS]))
        current = self.comparator.currentText()
        self.comparator.clear()
        self.comparator.addItems(names)
        if current:
            self.comparator.setCurrentText(current)
        for widget in (self.period, self.comparator, self.value, self.add):
            widget.setEnabled(not self.ops.read_only)
        self.remove.setEnabled(not self.ops.read_only and bool(detail.benchmarks))

    def _set(self) -> None:
        detail = self.detail
        if detail is None:
            return
        period, comparator = self.period.text().strip(), self.comparator.currentText().strip()
        try:
            value = measure_edits.parse_figure(self.value.text())
        except PerfDeskError as exc:
            ask.refuse(self, "Benchmark not saved", str(exc))
            return
        if not period or not comparator or value is None:
            ask.refuse(self, "Benchmark not saved",
                       "Give the period, the comparator and the figure.")
            return
        if isinstance(self.ops.run(f"Set {comparator} benchmark for {detail.row.ref}",
                                   lambda s: measure_edits.set_benchmark(
                                       s, detail.id, period, comparator, value)), Done):
            self.value.clear()

    def _remove(self) -> None:
        detail = self.detail
        rows = self.table.selectionModel().selectedRows()
        if detail is None or not rows:
            return
        chosen = self.model.row(rows[0].row())
        self.ops.run(f"Remove {chosen.comparator} benchmark for {detail.row.ref}",
                     lambda s: measure_edits.set_benchmark(
                         s, detail.id, chosen.period, chosen.comparator, None))
