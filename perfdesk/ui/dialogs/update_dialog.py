"""The "Add update" dialog: a status, a date and what was done. It only
collects the values; `ask_update` runs it (tests replace `ask_update`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
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

from perfdesk import presentation
from perfdesk.domain.status import Status
from perfdesk.ui.dialogs.form import day_of
from perfdesk.ui.status_icons import status_dot

DATE_FORMAT = "d MMM yyyy"


@dataclass(frozen=True)
class UpdateValues:
    status: Status
    reported_on: dt.date
    done: str
    next_steps: str


def status_icon(status: Status) -> QIcon:
    return QIcon(status_dot(status))


class UpdateDialog(QDialog):
    def __init__(self, parent: QWidget | None, current_status: Status, user: str,
                 action_ref: str = "", *, today: dt.date) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Add update to action {action_ref}" if action_ref else "Add update")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(440)

        self.status = QComboBox()
        for status in Status:
            self.status.addItem(status_icon(status), presentation.badge(status), status)
        self.status.setCurrentIndex(list(Status).index(current_status))
        self.status.setAccessibleName("Status")
        self.status.setToolTip("The action's status as of this update")

        self.reported_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.reported_on.setCalendarPopup(True)
        self.reported_on.setDisplayFormat(DATE_FORMAT)
        self.reported_on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.reported_on.setAccessibleName("Date of the update")
        self.reported_on.setToolTip("The date the progress is reported as at (today or earlier)")

        who = user or "(no name set: set your name in Settings)"
        self.author = QLabel(who)
        self.author.setAccessibleName("Recorded as")
        self.author.setToolTip("Updates are recorded under your name from Settings")
        self.author.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.done_text = QPlainTextEdit()
        self.next_steps = QPlainTextEdit()
        self.done_text.setPlaceholderText("What has happened since the last update")
        self.next_steps.setPlaceholderText("What happens next, and by when")
        for box, accessible in ((self.done_text, "What was done"), (self.next_steps, "Next steps")):
            box.setTabChangesFocus(True)
            box.setAccessibleName(accessible)
            box.setMinimumHeight(box.fontMetrics().lineSpacing() * 4 + 14)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add update")
        ok.setToolTip("Save this update (Ctrl+Return)")
        ok.setAccessibleName("Add update")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.accept)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, field in (("&Status:", self.status), ("&Date:", self.reported_on),
                            ("Recorded as:", self.author), ("&What was done:", self.done_text),
                            ("&Next steps:", self.next_steps)):
            label = QLabel(text)
            if "&" in text:
                label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        QWidget.setTabOrder(self.status, self.reported_on)
        QWidget.setTabOrder(self.reported_on, self.done_text)
        QWidget.setTabOrder(self.done_text, self.next_steps)
        QWidget.setTabOrder(self.next_steps, buttons)
        self.done_text.setFocus()

    def values(self) -> UpdateValues:
        return UpdateValues(
            status=self.status.currentData(),
            reported_on=day_of(self.reported_on),
            done=self.done_text.toPlainText().strip(),
            next_steps=self.next_steps.toPlainText().strip(),
        )


def ask_update(parent: QWidget | None, current_status: Status, user: str,
               action_ref: str = "", *, today: dt.date) -> UpdateValues | None:
    """Ask for a progress update; None when cancelled."""
    dialog = UpdateDialog(parent, current_status, user, action_ref, today=today)
    try:
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
