"""The search box and filters above a plan's actions.

It only collects what the user asked for into an `ActionFilter`; the model
does the filtering. What is applied is spelt out beside the counts, and one
click clears it all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from perfdesk import presentation
from perfdesk.domain.action_view import GROUP_ORDER, ActionFilter
from perfdesk.domain.status import Status

ANY = ""


class FilterBar(QWidget):
    changed = Signal(object)  # ActionFilter
    cleared = Signal()

    def __init__(self, today: dt.date, stale_days: int = 30,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stale_days = stale_days
        self.my_leads: frozenset[str] = frozenset()
        self.priority: tuple[str, str] | None = None  # (id, label) chosen in the navigator
        self._today = today

        self.search = QLineEdit()
        self.search.setPlaceholderText("Find (Ctrl+F): ref, words, lead, update")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find actions")
        self.lead = self._combo("Lead filter", "Any lead")
        self.status = self._combo("Status filter", "Any status")
        for status in Status:
            self.status.addItem(presentation.badge(status), status.label)
        self.timeframe = self._combo("Timeframe filter", "Any timeframe")
        for name in GROUP_ORDER:
            self.timeframe.addItem(name, name)
        self.overdue = self._check("&Overdue", "Only actions past their due date, not finished")
        self.slipped = self._check("S&lipped", "Only actions whose due date has been revised")
        self.stale = self._check("Sta&le", "")
        self.mine = self._check("&My actions", "Only actions led by the roles you hold "
                                "(set them in Preferences)")
        self.clear = QPushButton("Clear filters")
        self.clear.setAccessibleName("Clear all filters")
        self.clear.setToolTip("Show every action again (Esc in the search box)")
        self.summary = QLabel()
        self.summary.setAccessibleName("What is shown")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.set_stale_days(stale_days)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.lead, 2)
        top.addWidget(self.status, 1)
        top.addWidget(self.timeframe, 1)
        bottom = QHBoxLayout()
        for box in (self.overdue, self.slipped, self.stale, self.mine):
            bottom.addWidget(box)
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(bottom)

        self.search.textChanged.connect(self._emit)
        self.search.returnPressed.connect(self._emit)
        for combo in (self.lead, self.status, self.timeframe):
            combo.currentIndexChanged.connect(self._emit)
        for box in (self.overdue, self.slipped, self.stale, self.mine):
            box.toggled.connect(self._emit)
        self.clear.clicked.connect(self.clear_all)

    def _combo(self, name: str, any_text: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.addItem(any_text, ANY)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        return combo

    def _check(self, text: str, tip: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setAccessibleName(text.replace("&", "") + " filter")
        box.setToolTip(tip)
        return box

    # -- configuration from outside ------------------------------------------
    def set_leads(self, leads: Sequence[tuple[str, str]]) -> None:
        """The leads of this plan's actions, as (id, name)."""
        current = self.lead.currentData()
        with QSignalBlocker(self.lead):
            self.lead.clear()
            self.lead.addItem("Any lead", ANY)
            for lead_id, name in leads:
                self.lead.addItem(name, lead_id)
            found = self.lead.findData(current)
            self.lead.setCurrentIndex(max(found, 0))

    def set_stale_days(self, days: int) -> None:
        self.stale_days = days
        self.stale.setToolTip(f"Only open actions with no update in the last {days} days "
                              "(change the number in Preferences)")
        self._emit()

    def set_my_leads(self, lead_ids: Sequence[str]) -> None:
        self.my_leads = frozenset(lead_ids)
        self._emit()

    def set_priority(self, priority: tuple[str, str] | None) -> None:
        self.priority = priority
        self._emit()

    def apply(self, *, status: str | None = None, timeframe: str | None = None,
              overdue: bool = False) -> None:
        """Set filters from outside (a click in the Overview), in one go."""
        blockers = [QSignalBlocker(w) for w in (self.status, self.timeframe, self.overdue)]
        self.status.setCurrentIndex(max(self.status.findData(status), 0) if status else 0)
        self.timeframe.setCurrentIndex(
            max(self.timeframe.findData(timeframe), 0) if timeframe else 0)
        self.overdue.setChecked(overdue)
        del blockers
        self._emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_all(self) -> None:
        blockers = [QSignalBlocker(w) for w in (
            self.search, self.lead, self.status, self.timeframe,
            self.overdue, self.slipped, self.stale, self.mine,
        )]
        self.search.clear()
        for combo in (self.lead, self.status, self.timeframe):
            combo.setCurrentIndex(0)
        for box in (self.overdue, self.slipped, self.stale, self.mine):
            box.setChecked(False)
        del blockers
        self.priority = None
        self.cleared.emit()
        self._emit()

    # -- the filter --------------------------------------------------------
    def current(self) -> ActionFilter:
        lead = self.lead.currentData()
        status = self.status.currentData()
        timeframe = self.timeframe.currentData()
        return ActionFilter(
            text=self.search.text().strip(),
            lead_ids=frozenset({lead}) if lead else frozenset(),
            statuses=frozenset({Status.parse(status)}) if status else frozenset(),
            timeframes=frozenset({timeframe}) if timeframe else frozenset(),
            priority_ids=frozenset({self.priority[0]}) if self.priority else frozenset(),
            overdue=self.overdue.isChecked(),
            slipped=self.slipped.isChecked(),
            stale_days=self.stale_days if self.stale.isChecked() else None,
            mine=self.my_leads if self.mine.isChecked() else None,
            today=self._today,
        )

    def applied(self) -> list[str]:
        """The filters in force, in words."""
        parts = []
        if self.search.text().strip():
            parts.append(f"“{self.search.text().strip()}”")
        for combo in (self.lead, self.status, self.timeframe):
            if combo.currentData():
                parts.append(combo.currentText())
        if self.priority:
            parts.append(self.priority[1])
        for box in (self.overdue, self.slipped, self.mine):
            if box.isChecked():
                parts.append(box.text().replace("&", "").lower())
        if self.stale.isChecked():
            parts.append(f"no update in {self.stale_days} days")
        return parts

    def show_counts(self, shown: int, total: int) -> None:
        applied = self.applied()
        noun = "action" if total == 1 else "actions"
        if applied:
            self.summary.setText(f"Showing {shown} of {total} {noun} · " + " · ".join(applied))
        else:
            self.summary.setText(f"All {total} {noun}")
        self.clear.setEnabled(bool(applied))

    def _emit(self) -> None:
        self.changed.emit(self.current())
