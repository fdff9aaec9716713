"""How many backups of this database to keep: days, weeks and months."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox, QWidget

from perfdesk.domain.backup_policy import KeepPolicy
from perfdesk.ui.dialogs.form import FormDialog

EVERY_MONTH = "every month"


def _spin(value: int, most: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, most)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


class KeepDialog(FormDialog):
    def __init__(self, policy: KeepPolicy, where: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Backups to keep", width_chars=60)
        self.intro(f"Backups are kept in {where}. Every backup taken today is kept; older "
                   "ones are thinned, keeping the newest of each day, then of each week, then "
                   "of each month.")
        self.days = self.row("One a &day for", _spin(policy.days, 366, " days"), "Days",
                             "How many days back to keep one backup a day")
        self.weeks = self.row("Then one a &week for", _spin(policy.weeks, 260, " weeks"),
                              "Weeks", "How many weeks further back to keep one a week")
        self.months = self.row("Then one a &month for",
                               _spin(policy.months or 0, 600, " months"), "Months",
                               "How many months further back to keep one a month")
        self.months.setSpecialValueText(EVERY_MONTH)  # shown at 0: no limit

    def policy(self) -> KeepPolicy:
        months = self.months.value()
        return KeepPolicy(self.days.value(), self.weeks.value(), months or None)
