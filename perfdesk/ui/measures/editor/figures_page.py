"""A measure's figures: one row per period, newest first, edited in place.

The first row is always the next period, blank, so this month's figure is
typed straight in. Each cell edit is one undoable edit. A column of figures
copied from Excel is pasted with Ctrl+V into consecutive periods, starting
at the chosen row.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk.domain.measures import Unit, format_value
from perfdesk.errors import PerfDeskError
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.measures.detail import MeasureDetail, ValueView
from perfdesk.ui import ask
from perfdesk.ui.models.rows_model import Index
from perfdesk.ui.ops import Done, Operations
from perfdesk.ui.plan.editor.fields import compact_rows


class FigureColumn(IntEnum):
    PERIOD = 0
    VALUE = 1
    NUMERATOR = 2
    DENOMINATOR = 3
    NOTE = 4
    AUTHOR = 5


HEADERS = {
    FigureColumn.PERIOD: "Period", FigureColumn.VALUE: "Value",
    FigureColumn.NUMERATOR: "Num.", FigureColumn.DENOMINATOR: "Den.",
    FigureColumn.NOTE: "Commentary", FigureColumn.AUTHOR: "Entered by",
}
HEADER_TIPS = {FigureColumn.NUMERATOR: "Numerator", FigureColumn.DENOMINATOR: "Denominator"}
WIDTHS = {FigureColumn.PERIOD: 76, FigureColumn.VALUE: 64, FigureColumn.NUMERATOR: 56,
          FigureColumn.DENOMINATOR: 56, FigureColumn.AUTHOR: 100}
_FIELDS = {FigureColumn.VALUE: "value", FigureColumn.NUMERATOR: "numerator",
           FigureColumn.DENOMINATOR: "denominator", FigureColumn.NOTE: "note"}


def next_period(detail: MeasureDetail, today: dt.date) -> str:
    """The period a new figure is most likely for: after the latest one, or
    the period containing today when there are none."""
    if detail.values:
        return measure_edits.next_period(detail.values[0].period, detail.frequency)
    return measure_edits.period_for(detail.frequency, today)


class FiguresModel(QAbstractTableModel):
    def __init__(self, page: FiguresPage) -> None:
        super().__init__()
        self.page = page
        self.rows: list[ValueView] = []
        self.blank_period = ""
        self.unit = Unit.NUMBER
        self.pending: dict[tuple[str, FigureColumn], float] = {}  # half of a fraction

    def set_rows(self, rows: tuple[ValueView, ...], blank_period: str, unit: Unit) -> None:
        self.beginResetModel()
        self.rows, self.blank_period, self.unit = list(rows), blank_period, unit
        self.endResetModel()

    def period_at(self, row: int) -> str:
        return self.blank_period if row == 0 else self.rows[row - 1].period

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FigureColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[FigureColumn(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(FigureColumn(section))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = FigureColumn(index.column())
        editable = column in _FIELDS or (index.row() == 0 and column == FigureColumn.PERIOD)
        if editable and not self.page.ops.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column = FigureColumn(index.column())
        half = self.pending.get((self.period_at(index.row()), column))
        if half is not None and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return f"{half:g}"
        if index.row() == 0:
            if role == Qt.ItemDataRole.DisplayRole and column == FigureColumn.NOTE:
                return "← type the next figure"
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return self.blank_period if column == FigureColumn.PERIOD else ""
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#5f6b7a"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Type the next figure here; change the period first if need be"
            return None
        row = self.rows[index.row() - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            values = {
                FigureColumn.PERIOD: row.period,
                FigureColumn.VALUE: format_value(row.value, self.unit, short=True),
                FigureColumn.NUMERATOR: format_value(row.numerator, Unit.NUMBER),
                FigureColumn.DENOMINATOR: format_value(row.denominator, Unit.NUMBER),
                FigureColumn.NOTE: row.note.splitlines()[0] if row.note else "",
                FigureColumn.AUTHOR: row.author,
            }
            return values[column]
        if role == Qt.ItemDataRole.EditRole:
            raw = {FigureColumn.VALUE: row.value, FigureColumn.NUMERATOR: row.numerator,
                   FigureColumn.DENOMINATOR: row.denominator, FigureColumn.NOTE: row.note}
            value = raw.get(column)
            return "" if value is None else (f"{value:g}" if isinstance(value, float) else value)
        if role == Qt.ItemDataRole.ToolTipRole and column == FigureColumn.NOTE and row.note:
            return row.note
        return None

    def setData(self, index: Index, value: object,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = FigureColumn(index.column())
        text = str(value).strip()
        if column == FigureColumn.PERIOD:  # only the blank row's period is typed
            self.blank_period = text
            self.dataChanged.emit(index, index)
            return True
        return self.page.save_cell(self.period_at(index.row()), column, text)


class FiguresPage(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.detail: MeasureDetail | None = None
        self.today = ops.today()
        self.model = FiguresModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Figures, newest first")
        self.table.setToolTip("Type a figure in the top row; paste a column from Excel "
                              "with Ctrl+V")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        compact_rows(self.table)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        for column in FigureColumn:
            if column == FigureColumn.NOTE:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.resizeSection(column, WIDTHS[column])
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.paste_button = QPushButton("&Paste figures")
        self.paste_button.setAccessibleName("Paste a column of figures from Excel")
        self.paste_button.setToolTip("Paste figures copied from Excel into consecutive "
                                     "periods from the chosen row (Ctrl+V)")
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.paste_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.table)
        paste.setContext(Qt.ShortcutContext.WidgetShortcut)
        paste.activated.connect(self.paste)
        self.paste_button.clicked.connect(self.paste)

    def load(self, detail: MeasureDetail) -> None:
        self.detail = detail
        current = self.table.currentIndex()
        self.model.set_rows(detail.values, next_period(detail, self.today), detail.unit)
        if current.isValid() and current.row() < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        computed = detail.unit in (Unit.PERCENT, Unit.PER_10000)
        self.hint.setText(
            f"{detail.frequency.value.capitalize()} figures"
            + (" — give a numerator and denominator and the "
               f"{'%' if detail.unit is Unit.PERCENT else 'rate per 10,000'} is worked out"
               if computed else "")
        )
        self.paste_button.setEnabled(not self.ops.read_only)

    def save_cell(self, period: str, column: FigureColumn, text: str) -> bool:
        detail = self.detail
        if detail is None:
            return False
        existing = next((v for v in detail.values if v.period == period), None)
        fields: dict[str, Any] = {  # set_value's keywords: three figures and a note
            "value": existing.value if existing else None,
            "numerator": existing.numerator if existing else None,
            "denominator": existing.denominator if existing else None,
            "note": existing.note if existing else "",
        }
        if column == FigureColumn.NOTE:
            fields["note"] = text
        else:
            try:
                fields[_FIELDS[column]] = measure_edits.parse_figure(text)
            except PerfDeskError as exc:
                ask.refuse(self, "Figure not saved", str(exc))
                return False
            if column == FigureColumn.VALUE:  # a typed value stands on its own
                fields["numerator"] = fields["denominator"] = None
            else:
                other = (FigureColumn.DENOMINATOR if column == FigureColumn.NUMERATOR
                         else FigureColumn.NUMERATOR)
                other_value = self.model.pending.get((period, other))
                if other_value is not None:
                    fields[_FIELDS[other]] = other_value
                if None in (fields["numerator"], fields["denominator"]):
                    # Half a fraction: held here until the other half is typed.
                    typed = fields[_FIELDS[column]]
                    if typed is not None:
                        self.model.pending[(period, column)] = typed
                        self.hint.setText(f"Now the {_FIELDS[other]} for {period}; the "
                                          "figure is worked out from both.")
                    return True
        if column != FigureColumn.NOTE and all(
                fields[k] is None for k in ("value", "numerator", "denominator")):
            if existing is None:
                return False
            deleted = self.ops.run(f"Delete {detail.row.ref} figure for {period}",
                                   lambda s: measure_edits.delete_value(s, existing.id))
            return isinstance(deleted, Done)
        if fields["numerator"] is not None and fields["denominator"] is not None:
            fields["value"] = None  # worked out from them
        author = self.ops.author
        done = isinstance(self.ops.run(
            f"Enter {detail.row.ref} figure for {period}",
            lambda s: measure_edits.set_value(s, detail.id, period, author=author,
                                              **fields),
        ), Done)
        if done:
            self.model.pending = {k: v for k, v in self.model.pending.items() if k[0] != period}
        return done

    def paste(self) -> None:
        detail = self.detail
        if detail is None or self.ops.read_only:
            return
        text = QApplication.clipboard().text()
        cells = [line.split("\t")[0] for line in text.replace("\r\n", "\n").split("\n")]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            ask.refuse(self, "Nothing to paste", "The clipboard holds no figures. Copy a "
                       "column of figures in Excel, then paste here.")
            return
        row = max(self.table.currentIndex().row(), 0)
        start = self.model.period_at(row)
        author = self.ops.author
        done = self.ops.run(f"Paste {len(cells)} figures into {detail.row.ref}",
                            lambda s: measure_edits.paste_values(s, detail.id, start, cells,
                                                                 author))
        if isinstance(done, Done):
            self.hint.setText(f"Pasted {len(cells)} figures from {start} onwards.")
