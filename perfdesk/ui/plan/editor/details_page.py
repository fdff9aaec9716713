"""The "Details" tab: the action's words, due date, timeframe, priority and leads.

Text fields are committed when the user leaves them (one edit per field),
never while typing. Reloading from the database blocks the widgets' signals
and keeps a field the user is still changing as they typed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid
from sqlmodel import Session

from perfdesk.domain.timeframe import Timeframe
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.actions.detail import ActionDetail
from perfdesk.ui import ask
from perfdesk.ui.dialogs.form import day_of
from perfdesk.ui.ops import Done, Operations, Refused
from perfdesk.ui.plan.editor.fields import PlainTextField, day_text, name, tab_chain
from perfdesk.ui.plan.editor.leads_box import LeadsBox

DATE_FORMAT = "d MMM yyyy"
NO_DATE = QDate(2000, 1, 1)  # the due-date box's "no date" value
_WORDS = {  # field -> how an edit of it is named
    "ref": "ref", "text": "text", "success_criteria": "outcome",
    "measure_of_success": "measure of success", "impact": "impact", "by_when": "by when",
}
TextWidget = QLineEdit | PlainTextField


class DetailsPage(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self._detail: ActionDetail | None = None
        self._loading = False
        self._busy = False  # an edit (or its question) is under way: ignore re-entry
        self._read_only = False

        self.ref = name(QLineEdit(), "Ref", "The action's reference in the plan, e.g. 1.2")
        self.text = name(PlainTextField(lines=4), "Action", "What will be done")
        self.outcome = name(PlainTextField(lines=3), "Outcome",
                            "The outcome: how we will know it has worked (success criteria)")
        self.measure = name(PlainTextField(lines=3), "Measure of success",
                            "What will be measured to show success")
        self.impact = name(PlainTextField(lines=3), "Impact",
                           "The impact as an “I” statement, in the words of the person it helps")
        self.by_when = name(QLineEdit(), "By when",
                            "The deadline as the plan writes it, e.g. “July 2023”")
        self.due = name(QDateEdit(), "Due date",
                        "The date the action is due; changing it asks why")
        self.no_date = name(QCheckBox("&No date"), "No due date", "The action has no due date")
        self.due_note = name(QLabel(), "Due date revision")
        self.timeframe = name(QComboBox(), "Timeframe", "The time band the action falls in")
        self.priority = name(QComboBox(), "Priority", "The plan priority this action serves")
        self.leads = LeadsBox(ops)
        self._texts: dict[str, TextWidget] = {
            "ref": self.ref, "text": self.text, "success_criteria": self.outcome,
            "measure_of_success": self.measure, "impact": self.impact, "by_when": self.by_when,
        }
        self._baseline = dict.fromkeys(self._texts, "")
        self._configure()
        self._lay_out()

    def _configure(self) -> None:
        for field, widget in self._texts.items():
            widget.editingFinished.connect(lambda f=field: self._commit_text(f))
        self.ref.setMaximumWidth(140)
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat(DATE_FORMAT)
        self.due.setMinimumDate(NO_DATE)
        self.due.setSpecialValueText("No date")
        self.due.editingFinished.connect(self._commit_due)
        calendar = self.due.calendarWidget()
        calendar.clicked.connect(lambda _day: QTimer.singleShot(0, self, self._commit_due))
        calendar.activated.connect(lambda _day: QTimer.singleShot(0, self, self._commit_due))
        self.no_date.toggled.connect(self._on_no_date)
        self.due_note.setWordWrap(True)
        self.due_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timeframe.addItem("—", None)
        for tf in Timeframe:
            self.timeframe.addItem(tf.label, tf.value)
        self.timeframe.setItemData(0, "No timeframe", Qt.ItemDataRole.AccessibleTextRole)
        self.timeframe.activated.connect(self._commit_timeframe)
        self.priority.activated.connect(self._commit_priority)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due, 1)
        due_row.addWidget(self.no_date)
        rows = (("&Ref:", self.ref), ("&Action:", self.text), ("&Outcome:", self.outcome),
                ("&Measure of success:", self.measure), ("&Impact (“I” statement):", self.impact),
                ("&By when:", self.by_when), ("Due da&te:", due_row),
                ("", self.due_note), ("Time&frame:", self.timeframe),
                ("&Priority:", self.priority), ("&Leads:", self.leads))
        for text, field in rows:
            label = QLabel(text)
            buddy = self.due if field is due_row else field
            if "&" in text and isinstance(buddy, QWidget):
                label.setBuddy(buddy.focus_target() if buddy is self.leads else buddy)
            form.addRow(label, field)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(form)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        tab_chain(self.ref, self.text, self.outcome, self.measure, self.impact, self.by_when,
                  self.due, self.no_date, self.timeframe, self.priority, self.leads.focus_target())

    # Loading from the database

    def load(self, detail: ActionDetail) -> None:
        same_action = self._detail is not None and self._detail.id == detail.id
        self._detail = detail
        self._loading = True
        try:
            for field, widget in self._texts.items():
                if same_action and _value(widget) != self._baseline[field]:
                    continue  # still being changed: keep what the user typed
                self._show_text(field, getattr(detail, field))
            self._show_due(detail.due_date)
            self._show_due_note(detail)
            with QSignalBlocker(self.timeframe):
                found = self.timeframe.findData(detail.timeframe)
                self.timeframe.setCurrentIndex(max(found, 0))
            with QSignalBlocker(self.priority):
                self.priority.clear()
                self.priority.addItem("—", None)
                for priority_id, title in detail.priorities:
                    self.priority.addItem(title, priority_id)
                self.priority.setCurrentIndex(max(self.priority.findData(detail.priority_id), 0))
            self.leads.load(detail)
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for widget in self._texts.values():
            widget.setReadOnly(read_only)
        for control in (self.no_date, self.timeframe, self.priority):
            control.setEnabled(not read_only)
        self.due.setEnabled(not read_only and not self.no_date.isChecked())
        self.leads.set_read_only(read_only)

    def commit_pending(self) -> None:
        """Save any field the user changed but has not left yet."""
        for field in self._texts:
            self._commit_text(field)

    def _show_text(self, field: str, value: str) -> None:
        widget = self._texts[field]
        with QSignalBlocker(widget):
            if isinstance(widget, QLineEdit):
                widget.setText(value)
                widget.setCursorPosition(0)
            else:
                widget.setPlainText(value)
        self._baseline[field] = _value(widget)

    def _show_due(self, due: dt.date | None) -> None:
        with QSignalBlocker(self.due), QSignalBlocker(self.no_date):
            self.no_date.setChecked(due is None)
            self.due.setDate(QDate(due.year, due.month, due.day) if due else NO_DATE)
            self.due.setEnabled(due is not None and not self._read_only)

    def _show_due_note(self, detail: ActionDetail) -> None:
        revised = detail.original_due_date and detail.original_due_date != detail.due_date
        note = ""
        if revised:
            note = f"Originally due {day_text(detail.original_due_date)}"
            if detail.due_date_reason:
                note += f"; changed because: {detail.due_date_reason}"
        elif detail.due_date_reason:
            note = f"Reason for the date: {detail.due_date_reason}"
        self.due_note.setText(note)
        self.due_note.setVisible(bool(note))

    # Edits

    def _can_commit(self, *widgets: QWidget) -> bool:
        """Not while loading, re-entered, read-only, or being torn down."""
        return (not (self._loading or self._busy or self._read_only)
                and self._detail is not None and all(isValid(w) for w in widgets))

    def _commit_text(self, field: str) -> None:
        if self._detail is None or not self._can_commit(self._texts[field]):
            return
        value = _value(self._texts[field])
        old = self._baseline[field]
        if value == old:
            return
        action_id, ref = self._detail.id, self._detail.ref
        self._baseline[field] = value  # so the refresh this edit causes shows it
        if field == "by_when":
            outcome = self._run(f"Edit action {ref} by when",
                                lambda s: action_edits.set_by_when(s, action_id, value))
        else:
            outcome = self._run(f"Edit action {ref} {_WORDS[field]}",
                                lambda s: action_edits.set_text(s, action_id, field, value))
        if isinstance(outcome, Refused):
            self._baseline[field] = old
            if not outcome.for_now:  # a rule said no: show what is stored
                self._show_text(field, old)
            # else keep the typed text; leaving the field again tries again

    def _widget_due(self) -> dt.date | None:
        if self.no_date.isChecked() or self.due.date() == NO_DATE:
            return None
        return day_of(self.due)

    def _on_no_date(self, checked: bool) -> None:
        if self._loading or self._detail is None:
            return
        if checked:
            self.due.setEnabled(False)
            self._commit_due()
            return
        # A date is wanted: suggest today; it is saved when the user leaves the box.
        today = self.ops.today()
        with QSignalBlocker(self.due):
            self.due.setDate(QDate(today.year, today.month, today.day))
        self.due.setEnabled(not self._read_only)
        self.due.setFocus()

    def _commit_due(self) -> None:
        if not self._can_commit(self.due, self.no_date) or self._detail is None:
            return
        new, old = self._widget_due(), self._detail.due_date
        if new == old:
            return
        action_id, ref = self._detail.id, self._detail.ref
        self._busy = True
        try:
            reason = ""
            if old is not None:
                answer = ask.text(
                    self, f"Due date of action {ref}",
                    f"Action {ref} was due {day_text(old)}; it is now "
                    f"{day_text(new) or 'without a date'}.\nWhy did it change? "
                    "(The board will see this.)",
                )
                if answer is None:
                    self._show_due(old)
                    return
                reason = answer
            outcome = self._run(f"Change action {ref} due date",
                                lambda s: action_edits.set_due_date(s, action_id, new, reason))
        finally:
            self._busy = False
        if isinstance(outcome, Refused):
            self._show_due(old)

    def _commit_timeframe(self) -> None:
        if self._detail is None or self._loading:
            return
        action_id, value = self._detail.id, self.timeframe.currentData()
        if value == self._detail.timeframe:
            return
        if isinstance(self._run(f"Set action {self._detail.ref} timeframe",
                                lambda s: action_edits.set_timeframe(s, action_id, value)),
                      Refused):
            self.load(self._detail)

    def _commit_priority(self) -> None:
        if self._detail is None or self._loading:
            return
        action_id, value = self._detail.id, self.priority.currentData()
        if value == self._detail.priority_id:
            return
        if isinstance(self._run(f"Set action {self._detail.ref} priority",
                                lambda s: action_edits.set_priority(s, action_id, value)),
                      Refused):
            self.load(self._detail)

    def _run(self, label: str, change: Callable[[Session], object]) -> Done[object] | Refused:
        was_busy, self._busy = self._busy, True
        try:
            return self.ops.run(label, change)
        finally:
            self._busy = was_busy


def _value(widget: TextWidget) -> str:
    return widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
