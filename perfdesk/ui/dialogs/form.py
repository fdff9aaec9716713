"""The shared form behind every PerfDesk dialog, and the small helpers for
dates, names and choices that the forms use."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import QDate, QSize, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

W = TypeVar("W", bound=QWidget)
DATE_FORMAT = "d MMM yyyy"
WHOLE_PLAN = "The whole plan"
_YEARS = re.compile(r"\b((?:19|20)\d\d)(?:([/–-])(\d\d(?:\d\d)?))?\b")



class FormDialog(QDialog):
    """Fields in a form over OK and Cancel. OK is enabled only while
    `missing()` is empty, and the line above the buttons says what is."""

    def __init__(self, parent: QWidget | None, title: str, width_chars: int = 72) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.message = QLabel()
        self.message.setAccessibleName("What is missing")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setAccessibleName("OK")
        self.ok.setToolTip("Save (Ctrl+Return)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * width_chars)

    def row(self, text: str, field: W, name: str, tip: str = "") -> W:
        """A labelled field; the label's mnemonic focuses it."""
        label = QLabel(text)
        label.setBuddy(field)
        field.setAccessibleName(name)
        if tip:
            field.setToolTip(tip)
            field.setAccessibleDescription(tip)
        self.form.addRow(label, field)
        return field

    def intro(self, text: str) -> QLabel:
        """A paragraph above the fields."""
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setAccessibleName("About this")
        self.layout_.insertWidget(0, label)
        return label

    def missing(self) -> str:
        """What must still be filled in, in a short sentence; "" when complete."""
        return ""

    def check(self) -> None:
        missing = self.missing()
        self.message.setText(missing)
        self.ok.setEnabled(not missing)

    def accept(self) -> None:
        if self.missing():
            self.check()
            return
        super().accept()


def run_form(dialog: FormDialog) -> bool:
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


class TextBox(QPlainTextEdit):
    """Several lines of text: Tab moves on; `lines` high to start with, it
    grows with the dialog."""

    def __init__(self, text: str, lines: int, hint: str = "") -> None:
        super().__init__(text)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(hint)
        margins = self.contentsMargins()
        self._height = (self.fontMetrics().lineSpacing() * lines
                        + margins.top() + margins.bottom() + 8)
        self.setMinimumHeight(self._height)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height)


def text_box(text: str, lines: int, hint: str = "") -> QPlainTextEdit:
    return TextBox(text, lines, hint)


def combo(items: Sequence[tuple[str, str]], current: str | None) -> QComboBox:
    """Items as (text, data); `current` is selected, added if unknown."""
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    if current is not None and combo.findData(current) < 0:
        combo.addItem(current, current)
    combo.setCurrentIndex(max(combo.findData(current if current is not None else ""), 0))
    return combo


def date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def day_of(edit: QDateEdit) -> dt.date:
    qdate = edit.date()
    return dt.date(qdate.year(), qdate.month(), qdate.day())


def year_after(start: dt.date) -> dt.date:
    """The last day of the year that begins on `start`."""
    try:
        return start.replace(year=start.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def financial_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The council year (1 April to 31 March) that `today` falls in."""
    start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return start, year_after(start)


def suggest_short_name(title: str) -> str:
    """A short name from a title: "DCC Corporate Services Action Plan" →
    "DCC Corporate Services"."""
    title = " ".join(title.split())
    short = re.sub(r"\s*\b(?:improvement|action)?\s*plan$", "", title, flags=re.IGNORECASE)
    return short.strip() or title


def next_years(name: str) -> str | None:
    """The name with every year moved on one ("2023/24" → "2024/25"), or
    None when it names no year."""

    def bump(match: re.Match[str]) -> str:
        first, sep, second = match.group(1), match.group(2), match.group(3)
        if not sep:
            return str(int(first) + 1)
        following = int(second) + 1
        tail = f"{following % 100:02d}" if len(second) == 2 else str(following)
        return f"{int(first) + 1}{sep}{tail}"

    bumped, count = _YEARS.subn(bump, name)
    return bumped if count else None


def period_end_of(period: str) -> dt.date | None:
    """The last day of the period text of a PlanOutline ("April 2023 – March 2024")."""
    match = re.search(r"(\w+) (\d{4})\s*$", period)
    if not match:
        return None
    try:
        month = dt.datetime.strptime(f"1 {match.group(1)} {match.group(2)}", "%d %B %Y")
    except ValueError:
        return None
    last = calendar.monthrange(month.year, month.month)[1]
    return dt.date(month.year, month.month, last)


def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
