"""The forms for a plan's shape: a priority, an outcome, where an action
sits, a new plan, rolling a plan forward and the plan's own details.

Each `ask_*` function runs its dialog and returns a frozen record of what was
typed, or None when cancelled; the caller then makes the edit through
`Operations.run`. Tests replace the `ask_*` functions, or drive the dialog
objects directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QLineEdit,
    QWidget,
)

from perfdesk.domain.timeframe import Timeframe
from perfdesk.services.plans.outline import PlanOutline
from perfdesk.services.workbook.layout import PLAN_STATES, PRIORITY_KINDS
from perfdesk.ui.dialogs.form import (
    WHOLE_PLAN,
    FormDialog,
    combo,
    date_edit,
    day_of,
    day_text,
    financial_year,
    next_years,
    period_end_of,
    plural,
    run_form,
    suggest_short_name,
    text_box,
    year_after,
)
from perfdesk.ui.settings import MARKINGS

# --- Priority ---------------------------------------------------------------

@dataclass(frozen=True)
class PriorityValues:
    title: str
    kind: str = "Priority"  # one of PRIORITY_KINDS
    statement: str = ""
    needs_improvement: str = ""  # one point per line


class PriorityDialog(FormDialog):
    def __init__(self, parent: QWidget | None, initial: PriorityValues | None = None) -> None:
        super().__init__(parent, "Edit priority" if initial else "New priority")
        start = initial or PriorityValues("")
        self.title = self.row("&Title:", QLineEdit(start.title), "Title")
        self.kind = self.row(
            "&Kind:", combo([(k, k) for k in PRIORITY_KINDS], start.kind), "Kind",
            "A priority for improvement, or a theme that runs across the plan",
        )
        self.statement = self.row(
            "&Statement:", text_box(start.statement, 3, "What the priority sets out to do"),
            "Statement",
        )
        self.needs = self.row(
            "&Needs improvement:",
            text_box(start.needs_improvement, 4, "One point per line"),
            "Needs improvement", "What needs to improve: one point per line",
        )
        self.title.textChanged.connect(self.check)
        self.check()

    def missing(self) -> str:
        return "" if self.title.text().strip() else "Enter a title for the priority."

    def values(self) -> PriorityValues:
        lines = (x.strip() for x in self.needs.toPlainText().splitlines())
        return PriorityValues(
            title=" ".join(self.title.text().split()), kind=self.kind.currentData(),
            statement=self.statement.toPlainText().strip(),
            needs_improvement="\n".join(x for x in lines if x),
        )


def ask_priority(
    parent: QWidget | None, initial: PriorityValues | None = None
) -> PriorityValues | None:
    dialog = PriorityDialog(parent, initial)
    return dialog.values() if run_form(dialog) else None


# --- Outcome ----------------------------------------------------------------

@dataclass(frozen=True)
class OutcomeValues:
    statement: str
    priority_id: str | None  # None: an outcome of the whole plan


class OutcomeDialog(FormDialog):
    def __init__(self, parent: QWidget | None, priorities: Sequence[tuple[str, str]],
                 initial_priority: str | None, statement: str = "") -> None:
        super().__init__(parent, "Edit outcome" if statement else "New outcome")
        self.statement = self.row(
            "&Outcome:", text_box(statement, 3, "What will be different when this is done"),
            "Outcome statement",
        )
        self.priority = self.row(
            "&For:", combo([(WHOLE_PLAN, ""), *((label, pid) for pid, label in priorities)],
                            initial_priority or ""),
            "Outcome of", "The priority this outcome belongs to, or the whole plan",
        )
        self.statement.textChanged.connect(self.check)
        self.check()

    def missing(self) -> str:
        return "" if self.statement.toPlainText().strip() else "Enter the outcome statement."

    def values(self) -> OutcomeValues:
        return OutcomeValues(self.statement.toPlainText().strip(),
                             self.priority.currentData() or None)


def ask_outcome(
    parent: QWidget | None, priorities: Sequence[tuple[str, str]], initial_priority: str | None
) -> OutcomeValues | None:
    """`priorities` are (id, label) pairs."""
    dialog = OutcomeDialog(parent, priorities, initial_priority)
    return dialog.values() if run_form(dialog) else None


# --- Moving an action -------------------------------------------------------

class MoveDialog(FormDialog):
    def __init__(self, parent: QWidget | None, priorities: Sequence[tuple[str, str]],
                 priority_id: str | None, timeframe: str | None, ref: str) -> None:
        super().__init__(parent, f"Move action {ref}", width_chars=60)
        try:
            band = Timeframe.parse(timeframe)
        except ValueError:
            band = None
        self.start = (priority_id or "", band.value if band else "")
        self.priority = self.row(
            "&Priority:", combo([("No priority", ""), *((t, i) for i, t in priorities)],
                                 self.start[0]), "Priority",
        )
        self.timeframe = self.row(
            "&Timeframe:", combo([("No timeframe", ""), *((t.label, t.value) for t in Timeframe)],
                                  self.start[1]), "Timeframe",
        )
        self.intro(f"Action {ref} goes last in the priority and timeframe you choose; "
                   "its ref stays the same.")
        self.priority.currentIndexChanged.connect(self.check)
        self.timeframe.currentIndexChanged.connect(self.check)
        self.check()

    def missing(self) -> str:
        chosen = (self.priority.currentData(), self.timeframe.currentData())
        return "Choose another priority or timeframe." if chosen == self.start else ""

    def values(self) -> tuple[str | None, str | None]:
        return self.priority.currentData() or None, self.timeframe.currentData() or None


def ask_move(
    parent: QWidget | None, priorities: Sequence[tuple[str, str]], priority_id: str | None,
    timeframe: str | None, ref: str,
) -> tuple[str | None, str | None] | None:
    """The (priority id, timeframe) to move action `ref` to; either may be None."""
    dialog = MoveDialog(parent, priorities, priority_id, timeframe, ref)
    return dialog.values() if run_form(dialog) else None


# --- Plans ------------------------------------------------------------------

class _PlanForm(FormDialog):
    """The rows plans share: title, short name and period."""

    def title_rows(self, title: str, short_name: str, new: bool = False) -> None:
        self.title = self.row("New &title:" if new else "&Title:", QLineEdit(title),
                              "New title" if new else "Title")
        self.short_name = self.row(
            "New &short name:" if new else "&Short name:", QLineEdit(short_name),
            "New short name" if new else "Short name",
            "The plan's name in lists, tabs and file names; no two plans share one",
        )
        self.title.textChanged.connect(self.check)
        self.short_name.textChanged.connect(self.check)

    def period_rows(self, start: dt.date, end: dt.date) -> None:
        self.start = self.row("Period sta&rts:", date_edit(start), "Period starts")
        self.end = self.row("Period &ends:", date_edit(end), "Period ends")
        self.start.dateChanged.connect(self.check)
        self.end.dateChanged.connect(self.check)

    def period_set(self) -> bool:
        return True

    def missing(self) -> str:
        if not self.title.text().strip():
            return "Enter a title for the plan."
        if not self.short_name.text().strip():
            return "Enter a short name for the plan."
        if self.period_set() and day_of(self.end) <= day_of(self.start):
            return "The period must end after it starts."
        return ""


@dataclass(frozen=True)
class NewPlanValues:
    title: str
    short_name: str
    organisation: str
    board: str
    period_start: dt.date
    period_end: dt.date


class NewPlanDialog(_PlanForm):
    def __init__(self, parent: QWidget | None, organisation: str = "", *,
                 today: dt.date) -> None:
        super().__init__(parent, "New plan")
        self.title_rows("", "")
        self.organisation = self.row("&Organisation:", QLineEdit(organisation), "Organisation")
        self.board = self.row("&Board:", QLineEdit(), "Board",
                              "The board the plan reports to")
        self.period_rows(*financial_year(today))
        self._suggesting = True  # the short name follows the title until edited
        self.title.textEdited.connect(self._suggest)
        self.short_name.textEdited.connect(self._stop_suggesting)
        self.check()

    def _suggest(self, title: str) -> None:
        if self._suggesting:
            self.short_name.setText(suggest_short_name(title))

    def _stop_suggesting(self) -> None:
        self._suggesting = False

    def values(self) -> NewPlanValues:
        return NewPlanValues(
            " ".join(self.title.text().split()), " ".join(self.short_name.text().split()),
            self.organisation.text().strip(), self.board.text().strip(),
            day_of(self.start), day_of(self.end),
        )


def ask_new_plan(parent: QWidget | None, organisation: str = "", *,
                 today: dt.date) -> NewPlanValues | None:
    dialog = NewPlanDialog(parent, organisation, today=today)
    return dialog.values() if run_form(dialog) else None


@dataclass(frozen=True)
class RollValues:
    title: str
    short_name: str
    period_start: dt.date
    period_end: dt.date
    as_at: dt.date


class RollForwardDialog(_PlanForm):
    def __init__(self, parent: QWidget | None, outline: PlanOutline, open_count: int, *,
                 today: dt.date) -> None:
        super().__init__(parent, f"Roll {outline.short_name} forward", width_chars=76)
        self.outline, self.open_count = outline, open_count
        self.today = today
        old_end = period_end_of(outline.period)
        start = old_end + dt.timedelta(days=1) if old_end else self.today
        self.explain = self.intro("")
        self.title_rows(next_years(outline.title) or outline.title,
                        next_years(outline.short_name) or f"{outline.short_name} (next)", True)
        self.period_rows(start, year_after(start))
        self.as_at = self.row(
            "&As at:", date_edit(self.today), "As at",
            "Actions still open on this date are carried into the new plan",
        )
        self.as_at.dateChanged.connect(self._explain)
        self._explain()
        self.check()

    def _explain(self) -> None:
        as_at = day_of(self.as_at)
        count = plural(self.open_count, "action")
        if as_at != self.today:
            count += " today"
        self.explain.setText(
            f"Every action that is not Complete or Closed as at {day_text(as_at)} ({count}) "
            f"is carried into a new plan, with a link back. The priorities, outcomes and "
            f"measures are copied; {self.outline.short_name} itself is not changed."
        )

    def values(self) -> RollValues:
        return RollValues(
            " ".join(self.title.text().split()), " ".join(self.short_name.text().split()),
            day_of(self.start), day_of(self.end), day_of(self.as_at),
        )


def ask_roll_forward(
    parent: QWidget | None, outline: PlanOutline, open_count: int, *, today: dt.date
) -> RollValues | None:
    """`open_count`: how many actions are open today."""
    dialog = RollForwardDialog(parent, outline, open_count, today=today)
    return dialog.values() if run_form(dialog) else None


@dataclass(frozen=True)
class PlanValues:
    title: str
    short_name: str
    organisation: str = ""
    board: str = ""
    marking: str = ""  # "" or one of MARKINGS
    state: str = "Draft"  # one of PLAN_STATES
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    description: str = ""


class PlanDetailsDialog(_PlanForm):
    def __init__(self, parent: QWidget | None, values: PlanValues, *,
                 today: dt.date) -> None:
        super().__init__(parent, f"Plan details: {values.short_name}", width_chars=76)
        self.title_rows(values.title, values.short_name)
        self.organisation = self.row("&Organisation:", QLineEdit(values.organisation),
                                     "Organisation")
        self.board = self.row("&Board:", QLineEdit(values.board), "Board",
                              "The board the plan reports to")
        self.marking = self.row(
            "Protective &marking:", combo([("None", ""), *((m, m) for m in MARKINGS)],
                                           values.marking), "Protective marking",
            "Printed at the top and bottom of every page",
        )
        self.state = self.row("St&ate:", combo([(s, s) for s in PLAN_STATES], values.state),
                              "State")
        has_period = values.period_start is not None or values.period_end is not None
        self.has_period = self.row("&Period:", QCheckBox("The plan covers a set period"),
                                   "The plan covers a set period")
        self.has_period.setChecked(has_period)
        start = values.period_start or financial_year(today)[0]
        self.period_rows(start, values.period_end or year_after(start))
        self.description = self.row(
            "&Description:", text_box(values.description, 4), "Description",
        )
        self.has_period.toggled.connect(self._period_toggled)
        self._period_toggled(has_period)

    def _period_toggled(self, on: bool) -> None:
        self.start.setEnabled(on)
        self.end.setEnabled(on)
        self.check()

    def period_set(self) -> bool:
        return self.has_period.isChecked()

    def values(self) -> PlanValues:
        on = self.period_set()
        return PlanValues(
            title=" ".join(self.title.text().split()),
            short_name=" ".join(self.short_name.text().split()),
            organisation=self.organisation.text().strip(), board=self.board.text().strip(),
            marking=self.marking.currentData(), state=self.state.currentData(),
            period_start=day_of(self.start) if on else None,
            period_end=day_of(self.end) if on else None,
            description=self.description.toPlainText().strip(),
        )


def ask_plan_details(parent: QWidget | None, values: PlanValues, *,
                     today: dt.date) -> PlanValues | None:
    dialog = PlanDetailsDialog(parent, values, today=today)
    return dialog.values() if run_form(dialog) else None
