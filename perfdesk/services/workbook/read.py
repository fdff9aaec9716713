"""Read a plan from an .xlsx workbook in the exchange format, forgiving where
people are, and refusing the whole file - with every problem located - when
anything is wrong. Never returns a partial plan."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from perfdesk.clock import system_clock
from perfdesk.domain import plan_document as pd
from perfdesk.domain.dates import parse_by_when
from perfdesk.domain.measures import Frequency, Polarity, Unit
from perfdesk.domain.periods import period_end
from perfdesk.domain.status import Status
from perfdesk.domain.text import name_key, split_names
from perfdesk.domain.timeframe import Timeframe
from perfdesk.errors import Problem, ValidationFailed
from perfdesk.services.workbook import layout as f
from perfdesk.services.workbook.layout import ActionCol, Column, MeasureCol, Sheet
from perfdesk.services.workbook.xlsx_safety import Row, find_sheet, open_xlsx, read_rows

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

log = logging.getLogger(__name__)

Refs = dict[str, str] | None  # name_key(ref) -> ref as defined; None: sheet unusable


def read_workbook(path: Path, today: dt.date | None = None) -> pd.PlanDocument:
    """The plan in the workbook. Raises ValidationFailed listing every problem,
    or PerfDeskError when the file is not a workbook or is unsafe to open.

    An update with no date is dated `today` (the caller's; by default the
    system clock's, read once through `perfdesk.clock`)."""
    reader = _Reader(open_xlsx(path), today or system_clock().date())
    doc = reader.read()
    if reader.problems:
        log.info("refused %s: %d problems", path, len(reader.problems))
        raise ValidationFailed(path.name, reader.problems)
    return doc


class _Reader:
    def __init__(self, workbook: Workbook, today: dt.date) -> None:
        self.wb = workbook
        self.today = today
        self.problems: list[Problem] = []
        self.priorities: Refs = {}
        self.actions: Refs = {}
        self.measures: Refs = {}

    def read(self) -> pd.PlanDocument:
        plan = self._plan()
        priorities = self._priorities()
        outcomes = self._outcomes()
        actions = self._actions()
        self._steps(actions)
        measures = self._measures()
        self._values(measures)
        self._benchmarks(measures)
        return pd.PlanDocument(
            plan=plan or pd.PlanInfo("", ""),  # no plan: there is a problem, so never returned
            priorities=priorities,
            outcomes=outcomes,
            actions=list(actions.values()),
            measures=list(measures.values()),
        )

    def _rows(self, sheet: Sheet) -> list[Row] | None:
        """The sheet's rows; [] for an absent optional sheet; None when unusable."""
        ws = find_sheet(self.wb, sheet.name)
        if ws is None:
            if sheet.required:
                self.problems.append(Problem(sheet.name, f"the workbook has no {sheet.name} sheet"))
                return None
            return []
        return read_rows(ws, sheet, self.problems)

    def _ref(
        self, row: Row, column: Column, refs: Refs, sheet: Sheet, text: str | None = None
    ) -> str:
        """A reference to a row of another sheet, spelt as that sheet spells it."""
        text = row.text(column) if text is None else text
        if not text or refs is None:
            return text
        if name_key(text) not in refs:
            row.problem(column, f"{text!r} is not a Ref on the {sheet.name} sheet")
        return refs.get(name_key(text), text)

    def _priority(self, row: Row, column: Column) -> str:
        return self._ref(row, column, self.priorities, f.PRIORITIES)

    @staticmethod
    def _once(row: Row, column: Column, key: tuple[str, ...], seen: dict, what: str) -> None:
        """A problem when key was already seen on an earlier row of the sheet."""
        if all(key) and key in seen:
            row.problem(column, f"{what} (already on row {seen[key]})")
        seen.setdefault(key, row.row_number)

    def _new_ref(self, row: Row, column: Column, refs: dict[str, str], seen: dict) -> str:
        ref = row.required_text(column)
        self._once(row, column, (name_key(ref),), seen, f"duplicate ref {ref!r}")
        refs.setdefault(name_key(ref), ref)
        return ref

    def _plan(self) -> pd.PlanInfo | None:
        rows = self._rows(f.PLAN)
        if rows is None:
            return None
        fields: dict[str, Row] = {}
        seen: dict = {}
        for row in rows:
            name = row.text(f.PlanCol.FIELD)
            if name:
                self._once(
                    row, f.PlanCol.FIELD, (f.header_key(name),), seen, f"{name!r} is given twice"
                )
                fields.setdefault(f.header_key(name), row)

        def text(name: str, required: bool = False) -> str:
            row = fields.get(f.header_key(name))
            if row is None:
                if required:
                    self.problems.append(Problem(f.PLAN.name, f"no {name!r} row: it is required"))
                return ""
            value = row.text(f.PlanCol.VALUE)
            if required and not value:
                row.problem(f.PlanCol.VALUE, f"{name} is required")
            return value

        def date(name: str) -> dt.date | None:
            row = fields.get(f.header_key(name))
            return row.date(f.PlanCol.VALUE) if row else None

        state = fields.get(f.header_key(f.PlanField.STATE))
        return pd.PlanInfo(
            title=text(f.PlanField.TITLE, required=True),
            short_name=text(f.PlanField.SHORT_NAME, required=True),
            organisation=text(f.PlanField.ORGANISATION),
            period_start=date(f.PlanField.PERIOD_START),
            period_end=date(f.PlanField.PERIOD_END),
            board=text(f.PlanField.BOARD),
            marking=text(f.PlanField.MARKING),
            state=state.choice(f.PlanCol.VALUE, f.PLAN_STATES, "state") if state else "Draft",
            description=text(f.PlanField.DESCRIPTION),
        )

    def _priorities(self) -> list[pd.PriorityDoc]:
        rows = self._rows(f.PRIORITIES)
        if rows is None:
            self.priorities = None
            return []
        refs: dict[str, str] = {}
        seen: dict = {}
        col = f.PriorityCol
        result = [
            pd.PriorityDoc(
                ref=self._new_ref(row, col.REF, refs, seen),
                title=row.required_text(col.TITLE),
                kind=row.choice(col.KIND, f.PRIORITY_KINDS, "kind"),
                statement=row.text(col.STATEMENT),
                needs_improvement=f.split_lines(row.text(col.NEEDS_IMPROVEMENT)),
            )
            for row in rows
        ]
        self.priorities = refs
        return result

    def _outcomes(self) -> list[pd.OutcomeDoc]:
        return [
            pd.OutcomeDoc(
                priority_ref=self._priority(row, f.OutcomeCol.PRIORITY),
                statement=row.required_text(f.OutcomeCol.STATEMENT),
            )
            for row in self._rows(f.OUTCOMES) or []
        ]

    def _actions(self) -> dict[str, pd.ActionDoc]:
        rows = self._rows(f.ACTIONS)
        if rows is None:
            self.actions = None
            return {}
        refs: dict[str, str] = {}
        seen: dict = {}
        result: dict[str, pd.ActionDoc] = {}
        for row in rows:
            ref = self._new_ref(row, ActionCol.REF, refs, seen)
            by_when = row.text(ActionCol.BY_WHEN)
            due = row.date(ActionCol.DUE_DATE) or parse_by_when(by_when)
            action = pd.ActionDoc(
                ref=ref,
                priority_ref=self._priority(row, ActionCol.PRIORITY),
                timeframe=row.parse(ActionCol.TIMEFRAME, Timeframe.parse, None),
                success_criteria=row.text(ActionCol.SUCCESS_CRITERIA),
                text=row.text(ActionCol.ACTION),
                by_when=by_when,
                due_date=due,
                original_due_date=row.date(ActionCol.ORIGINAL_DUE_DATE) or due,
                due_date_reason=row.text(ActionCol.DUE_DATE_REASON),
                leads=split_names(row.text(ActionCol.LEADS)),
                measure_of_success=row.text(ActionCol.MEASURE_OF_SUCCESS),
                impact=row.text(ActionCol.IMPACT),
                latest_update=self._update(row),
            )
            result.setdefault(name_key(ref), action)
        self.actions = refs
        return result

    def _update(self, row: Row) -> pd.UpdateDoc | None:
        """The latest progress update: any status but Not started, or any text
        or date, makes one; a plain Not started is no update."""
        status = row.parse(ActionCol.STATUS, Status.parse, Status.NOT_STARTED)
        done = row.text(ActionCol.LATEST_UPDATE)
        next_steps = row.text(ActionCol.NEXT_STEPS)
        author = row.text(ActionCol.UPDATE_BY)
        reported = row.date(ActionCol.UPDATE_DATE)
        if status is None:
            return None
        if status is Status.NOT_STARTED and not (done or next_steps or author or reported):
            return None
        return pd.UpdateDoc(reported or self.today, status, done, next_steps, author)

    def _steps(self, actions: dict[str, pd.ActionDoc]) -> None:
        for row in self._rows(f.STEPS) or []:
            row.required_text(f.StepCol.ACTION_REF)
            ref = self._ref(row, f.StepCol.ACTION_REF, self.actions, f.ACTIONS)
            step = pd.StepDoc(
                text=row.required_text(f.StepCol.STEP),
                timescale=row.text(f.StepCol.TIMESCALE),
                done=row.flag(f.StepCol.DONE),
            )
            if name_key(ref) in actions:
                actions[name_key(ref)].steps.append(step)

    @staticmethod
    def _published(
        row: Row, column: Column, as_published: Column, unit: Unit
    ) -> tuple[float | None, str]:
        """Baseline or Target: the number if there is one, and the text as published."""
        published = row.text(as_published)
        raw = row.raw(column)
        number: float | None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            number = row.number(column, percent=True) or 0.0
            return number, published or f.format_number(number, unit)
        text = row.text(column)
        number = f.number_from_text(text) if text else None
        if number is not None:
            number = row.finite(column, number)
        return number, published or text

    def _measures(self) -> dict[str, pd.MeasureDoc]:
        rows = self._rows(f.MEASURES)
        if rows is None:
            self.measures = None
            return {}
        refs: dict[str, str] = {}
        seen: dict = {}
        result: dict[str, pd.MeasureDoc] = {}
        col = MeasureCol
        for row in rows:
            ref = self._new_ref(row, col.REF, refs, seen)
            unit = row.enum(col.UNIT, Unit.NUMBER)
            baseline, baseline_text = self._published(
                row, col.BASELINE, col.BASELINE_AS_PUBLISHED, unit
            )
            target, target_text = self._published(row, col.TARGET, col.TARGET_AS_PUBLISHED, unit)
            measure = pd.MeasureDoc(
                ref=ref,
                indicator=row.required_text(col.INDICATOR),
                priority_ref=self._priority(row, col.PRIORITY),
                area=row.text(col.AREA),
                unit=unit,
                polarity=row.enum(col.POLARITY, Polarity.HIGHER),
                frequency=row.enum(col.FREQUENCY, Frequency.MONTHLY),
                baseline=baseline,
                baseline_text=baseline_text,
                baseline_date=row.date(col.BASELINE_DATE),
                target=target,
                target_text=target_text,
                target_date=row.date(col.TARGET_DATE),
                tolerance=row.number(col.TOLERANCE, percent=True),
                definition=row.text(col.DEFINITION),
                source=row.text(col.SOURCE),
                owner=row.text(col.OWNER),
                actions=[
                    self._ref(row, col.ACTIONS, self.actions, f.ACTIONS, name)
                    for name in split_names(row.text(col.ACTIONS))
                ],
            )
            result.setdefault(name_key(ref), measure)
        self.measures = refs
        return result

    def _measure_ref(self, row: Row, column: Column) -> str:
        row.required_text(column)
        return self._ref(row, column, self.measures, f.MEASURES)

    @staticmethod
    def _period(row: Row, column: Column) -> str:
        period = row.required_text(column) and row.period(column)
        if period:
            try:
                period_end(period)
            except ValueError as exc:
                row.problem(column, str(exc))
        return period

    def _values(self, measures: dict[str, pd.MeasureDoc]) -> None:
        seen: dict = {}
        col = f.ValueCol
        for row in self._rows(f.VALUES) or []:
            ref = self._measure_ref(row, col.MEASURE_REF)
            value = pd.ValueDoc(
                period=self._period(row, col.PERIOD),
                value=row.number(col.VALUE, percent=True),
                numerator=row.count(col.NUMERATOR),
                denominator=row.count(col.DENOMINATOR),
                note=row.text(col.NOTE),
                author=row.text(col.ENTERED_BY),
            )
            key = (name_key(ref), name_key(value.period))
            self._once(row, col.PERIOD, key, seen, f"{ref} has two values for {value.period}")
            if name_key(ref) in measures:
                measures[name_key(ref)].values.append(value)

    def _benchmarks(self, measures: dict[str, pd.MeasureDoc]) -> None:
        seen: dict = {}
        col = f.BenchmarkCol
        for row in self._rows(f.BENCHMARKS) or []:
            ref = self._measure_ref(row, col.MEASURE_REF)
            bench = pd.BenchmarkDoc(
                period=self._period(row, col.PERIOD),
                comparator=row.required_text(col.COMPARATOR),
                value=row.number(col.VALUE, percent=True),
            )
            key = (name_key(ref), name_key(bench.period), name_key(bench.comparator))
            what = f"{ref} has two {bench.comparator} benchmarks for {bench.period}"
            self._once(row, col.COMPARATOR, key, seen, what)
            if name_key(ref) in measures:
                measures[name_key(ref)].benchmarks.append(bench)
