"""File ▸ Print pack…: what the pack covers, as at when, for which meeting,
and how it is marked. Returns `PackOptions`; the caller builds the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QWidget

from perfdesk.services.pack.model import MARKINGS, PackOptions
from perfdesk.ui.dialogs.form import FormDialog, date_edit, day_of, run_form

PLAN_MARKING = "Each plan's own marking"
SCOPES = ("All plans", "One plan", "One priority", "One lead's actions")


@dataclass(frozen=True)
class PackChoices:
    """What the dialog offers: plan short names, each plan's priorities as
    (ref, label), and every lead's name."""

    plans: Sequence[str]
    priorities: Mapping[str, Sequence[tuple[str, str]]]
    leads: Sequence[str]
    current_plan: str | None = None


class PackDialog(FormDialog):
    def __init__(self, parent: QWidget | None, choices: PackChoices,
                 default_marking: str | None = None, *, today: dt.date) -> None:
        super().__init__(parent, "Print pack", width_chars=60)
        self.choices = choices
        self.intro("A PDF pack for the board or for a head of service, ready to print. "
                   "It opens in your PDF viewer when it is made.")
        self.scope = self.row("&Covers:", QComboBox(), "What the pack covers")
        self.scope.addItems(SCOPES)
        self.plan = self.row("P&lan:", QComboBox(), "Plan")
        self.plan.addItems(list(choices.plans))
        if choices.current_plan is not None and choices.current_plan in choices.plans:
            self.plan.setCurrentText(choices.current_plan)
        self.priority = self.row("P&riority:", QComboBox(), "Priority")
        self.lead = self.row("L&ead:", QComboBox(), "Lead")
        self.lead.addItems(list(choices.leads))
        self.lead.setEditable(True)
        self.exceptions = self.row("", QCheckBox("E&xceptions only (overdue, off track, "
                                                 "at risk)"), "Exceptions only")
        self.past = self.row("", QCheckBox("As at a &past date"), "As at a past date",
                             "Statuses, figures and counts as they were on that date")
        self.as_at: QDateEdit = self.row("&As at:", date_edit(today), "As at date")
        self.meeting: QDateEdit = self.row("&Meeting date:", date_edit(today), "Meeting date")
        self.marking = self.row("Mar&king:", QComboBox(), "Protective marking",
                                "Defaults to each plan's own marking (OFFICIAL where none)")
        self.marking.addItems([PLAN_MARKING, *MARKINGS])
        if default_marking in MARKINGS:
            self.marking.setCurrentText(default_marking)
        self.landscape = self.row("", QCheckBox("Lan&dscape pages"), "Landscape")
        self.history = self.row("", QCheckBox("Append every action's update &history"),
                                "Update history appendix")
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.plan.currentIndexChanged.connect(self._fill_priorities)
        self.past.toggled.connect(self.as_at.setEnabled)
        self.lead.currentTextChanged.connect(self.check)
        self.as_at.setEnabled(False)
        self._fill_priorities()
        self._scope_changed()
        self.ok.setText("&Make PDF")

    def _fill_priorities(self) -> None:
        self.priority.clear()
        for ref, label in self.choices.priorities.get(self.plan.currentText(), ()):
            self.priority.addItem(label, ref)
        self.check()

    def _scope_changed(self) -> None:
        """Only the choices the scope uses are shown: a greyed plan beside
        "Every plan" would read as if it still counted."""
        scope = self.scope.currentIndex()
        self.form.setRowVisible(self.plan, scope in (1, 2))
        self.form.setRowVisible(self.priority, scope == 2)
        self.form.setRowVisible(self.lead, scope == 3)
        self.check()
        self.adjustSize()

    def missing(self) -> str:
        scope = self.scope.currentIndex()
        if scope in (1, 2) and not self.plan.currentText():
            return "Choose a plan."
        if scope == 2 and self.priority.currentData() is None:
            return "This plan has no priorities; choose another scope."
        if scope == 3 and self.lead.currentText().strip() not in self.choices.leads:
            return "Choose a lead from the list."
        return ""

    def values(self) -> PackOptions:
        scope = self.scope.currentIndex()
        marking = self.marking.currentText()
        return PackOptions(
            plans=(self.plan.currentText(),) if scope in (1, 2) else (),
            priority=self.priority.currentData() if scope == 2 else None,
            lead=self.lead.currentText().strip() if scope == 3 else None,
            exceptions_only=self.exceptions.isChecked(),
            as_at=day_of(self.as_at) if self.past.isChecked() else None,
            meeting=day_of(self.meeting),
            marking=None if marking == PLAN_MARKING else marking,
            landscape=self.landscape.isChecked(),
            history=self.history.isChecked(),
        )


def ask_pack(parent: QWidget | None, choices: PackChoices,
             default_marking: str | None = None, *, today: dt.date) -> PackOptions | None:
    dialog = PackDialog(parent, choices, default_marking, today=today)
    return dialog.values() if run_form(dialog) else None
