"""Small pieces the editor's pages share: text fields that commit when the
user leaves them, widget helpers, and how dates and times are written."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QWidget,
)


class PlainTextField(QPlainTextEdit):
    """A multi-line text field that says when the user has finished with it
    (focus left), like QLineEdit.editingFinished. Tab moves on, so the tab
    order works; a line break is typed with Enter."""

    editingFinished = Signal()

    def __init__(self, parent: QWidget | None = None, lines: int = 3) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        text = self.fontMetrics().lineSpacing() * lines
        margin = int(2 * self.document().documentMargin() + 2 * self.frameWidth())
        self.setFixedHeight(text + margin + 2)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()


W = TypeVar("W", bound=QWidget)


def name(widget: W, accessible: str, tip: str = "") -> W:
    """Give a control its accessible name and tooltip."""
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(tip)
        if not isinstance(widget, QLabel):
            widget.setAccessibleDescription(tip)
    return widget


def push_button(text: str, accessible: str, tip: str) -> QPushButton:
    made = QPushButton(text)
    name(made, accessible, tip)
    return made


def tab_chain(*widgets: QWidget) -> None:
    """Set the tab order to go through the widgets in this order."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)


def row_table(model: QAbstractItemModel, accessible: str, tip: str = "",
              wrap: bool = False) -> QTableView:
    """A read-only table of whole rows, one selected at a time."""
    table = name(QTableView(), accessible, tip)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(wrap)
    table.verticalHeader().hide()
    if not wrap:
        compact_rows(table)
    return table


WIDE_FROM = 640  # px of page width from which the editor's tables show every column


def columns_for_width(table: QTableView, optional: Sequence[int], width: int) -> None:
    """Show the `optional` columns only when the page is wide enough to read
    them; the selected row is always shown in full below the table."""
    for column in optional:
        table.setColumnHidden(column, width < WIDE_FROM)


def compact_rows(table: QTableView) -> None:
    """One line of text per row, without the style's generous padding."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().lineSpacing() + 8)


def day_text(day: dt.date | None) -> str:
    """"31 Jul 2023"; blank for no date."""
    return f"{day.day} {day:%b %Y}" if day else ""


def local_time_text(moment: dt.datetime) -> str:
    """A stored time (UTC, with or without its zone) in local time:
    "23 Nov 2026 14:05"."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y %H:%M}"
