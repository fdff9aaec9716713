"""Where one plan, or every plan, stands: the counts the Overview tab draws.

Status totals and the quarter-end counts come from `summaries.plan_summary`,
the same function `perfdesk plans [--as-at DATE]` prints, so the Overview
and the command line always agree. The breakdowns (by priority, by
timeframe, the exceptions) come from `action_rows`, which reads each
action's latest counting update by the same rule.

`ActionRequest` and `MeasureRequest` are what a click on the Overview asks
the main window to show; they live here so the window can import them
without loading any charting library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from perfdesk.domain.action_view import GROUP_ORDER, ActionRow
from perfdesk.domain.dates import nice_date
from perfdesk.domain.measures import Rag
from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.services.action_rows import action_rows
from perfdesk.services.measure_view import measure_rows
from perfdesk.services.summaries import PlanSummary, plan_summary, status_counts_at
from perfdesk.store import queries
from perfdesk.store.schema import Plan

NO_PRIORITY = "No priority"
RAG_LABELS: tuple[str, ...] = tuple(r.label for r in Rag)
EXCEPTION_STATUSES = frozenset({Status.OFF_TRACK, Status.AT_RISK})
QUARTER_END_DAYS = ((3, 31), (6, 30), (9, 30), (12, 31))


# -- what a click asks for ----------------------------------------------------

@dataclass(frozen=True)
class ActionRequest:
    """Show these actions. None means "any"; `priority_id == ""` means the
    actions with no priority (as `ActionFilter.priority_ids` has it);
    `action_id` names one action to open."""

    plan_id: str | None = None
    priority_id: str | None = None
    status: str | None = None  # a Status label
    timeframe: str | None = None  # a group from GROUP_ORDER
    overdue: bool = False
    action_id: str | None = None


@dataclass(frozen=True)
class MeasureRequest:
    """Show these measures. None means "any"."""

    plan_id: str | None = None
    area: str | None = None
    rag: str | None = None  # a Rag label


# -- what the overview counts ---------------------------------------------------

def _zero(labels: Iterable[str]) -> dict[str, int]:
    return dict.fromkeys(labels, 0)


@dataclass(frozen=True)
class PlanCounts:
    """One line of the per-plan counts table: `perfdesk plans` for one plan."""

    plan_id: str
    summary: PlanSummary


@dataclass(frozen=True)
class PriorityCounts:
    plan_id: str
    priority_id: str | None  # None: the plan's actions with no priority
    label: str  # "1 Change"; over every plan "Children's Services: 1 Change"
    by_status: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class TimeframeCounts:
    group: str  # "0–3 months" … "No timeframe"
    by_status: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class AreaCounts:
    plan_id: str
    area: str  # as the measures list has it
    label: str  # the area; over every plan "<plan>: <area>"
    by_rag: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_rag.values())


@dataclass(frozen=True)
class QuarterCounts:
    as_at: dt.date
    by_status: Mapping[str, int]

    @property
    def label(self) -> str:
        return nice_date(self.as_at)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True)
class ExceptionRow:
    """An action that needs attention: overdue, off track or at risk."""

    plan_id: str
    plan_short_name: str
    action_id: str
    ref: str
    text: str
    leads: tuple[str, ...]
    due_date: dt.date | None
    status: Status
    overdue: bool
    latest_on: dt.date | None
    latest_line: str  # the first line of the latest update's "done" text


@dataclass(frozen=True)
class Overview:
    plan_id: str | None  # None: every plan in the database
    today: dt.date
    plans: tuple[PlanCounts, ...]
    totals: Mapping[str, int]
    by_priority: tuple[PriorityCounts, ...]
    by_timeframe: tuple[TimeframeCounts, ...]
    exceptions: tuple[ExceptionRow, ...]
    measures_by_area: tuple[AreaCounts, ...]
    quarter_ends: tuple[QuarterCounts, ...]

    @property
    def actions(self) -> int:
        return sum(self.totals.values())

    @property
    def overdue(self) -> int:
        return sum(1 for e in self.exceptions if e.overdue)


def overview(session: Session, plan_id: str | None, today: dt.date) -> Overview:
    """The overview of one plan, or of every plan when `plan_id` is None.
    Statuses are as now (every update counts), as `perfdesk plans` has them;
    `today` decides what is overdue and which quarter ends have passed."""
    plans = _plans(session, plan_id)
    whole = plan_id is None
    summaries = tuple(PlanCounts(p.id, plan_summary(session, p)) for p in plans)
    totals = _zero(STATUS_LABELS)
    for line in summaries:
        for label, count in line.summary.by_status.items():
            totals[label] += count
    by_priority: list[PriorityCounts] = []
    by_timeframe = {group: _zero(STATUS_LABELS) for group in GROUP_ORDER}
    exceptions: list[ExceptionRow] = []
    areas: list[AreaCounts] = []
    for plan in plans:
        rows = action_rows(session, plan.id, today)
        by_priority += _priority_counts(session, plan, rows, whole)
        for row in rows:
            by_timeframe[row.group][row.status.label] += 1
        exceptions += (_exception(plan, r) for r in rows if needs_attention(r))
        areas += _area_counts(session, plan, whole)
    exceptions.sort(key=_exception_order)
    return Overview(
        plan_id=plan_id, today=today, plans=summaries, totals=totals,
        by_priority=tuple(by_priority),
        by_timeframe=tuple(TimeframeCounts(g, c) for g, c in by_timeframe.items()),
        exceptions=tuple(exceptions), measures_by_area=tuple(areas),
        quarter_ends=quarter_counts(session, plans, today),
    )


def _plans(session: Session, plan_id: str | None) -> Sequence[Plan]:
    if plan_id is None:
        return queries.plans(session)
    plan = session.get(Plan, plan_id)
    if plan is None or plan.deleted_at is not None:
        raise ValueError(f"no plan {plan_id}")
    return [plan]


def needs_attention(row: ActionRow) -> bool:
    return row.overdue or row.status in EXCEPTION_STATUSES


def _priority_counts(
    session: Session, plan: Plan, rows: Sequence[ActionRow], whole: bool
) -> list[PriorityCounts]:
    prefix = f"{plan.short_name}: " if whole else ""
    counts: dict[str | None, dict[str, int]] = {}
    labels: dict[str | None, str] = {}
    for p in queries.plan_priorities(session, plan.id):
        counts[p.id] = _zero(STATUS_LABELS)
        labels[p.id] = prefix + f"{p.ref} {p.title}".strip()
    for row in rows:
        key = row.priority_id if row.priority_id in counts else None
        if key not in counts:
            counts[key] = _zero(STATUS_LABELS)
            labels[key] = prefix + NO_PRIORITY
        counts[key][row.status.label] += 1
    return [PriorityCounts(plan.id, key, labels[key], by) for key, by in counts.items()]


def _exception(plan: Plan, row: ActionRow) -> ExceptionRow:
    first = next((line.strip() for line in row.latest_text.splitlines() if line.strip()), "")
    return ExceptionRow(
        plan_id=plan.id, plan_short_name=plan.short_name, action_id=row.id, ref=row.ref,
        text=row.text, leads=row.leads, due_date=row.due_date, status=row.status,
        overdue=row.overdue, latest_on=row.latest_on, latest_line=first,
    )


def _exception_order(e: ExceptionRow) -> tuple[object, ...]:
    """Overdue first, then by due date (undated last), then plan and ref."""
    return (not e.overdue, e.due_date is None, e.due_date or dt.date.max,
            e.plan_short_name.casefold(), _ref_key(e.ref))


def _ref_key(ref: str) -> tuple[tuple[int, object], ...]:
    """"1.10" after "1.9": numeric parts compare as numbers."""
    parts = ref.replace("-", ".").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in parts)


def _area_counts(session: Session, plan: Plan, whole: bool) -> list[AreaCounts]:
    counts: dict[str, dict[str, int]] = {}
    for m in measure_rows(session, plan.id):
        counts.setdefault(m.area, _zero(RAG_LABELS))[m.rag.label] += 1
    prefix = f"{plan.short_name}: " if whole else ""
    return [AreaCounts(plan.id, area, prefix + area, by) for area, by in counts.items()]


def quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The quarter ends (30 Jun, 30 Sep, 31 Dec, 31 Mar) from start to end."""
    return [
        day
        for year in range(start.year, end.year + 1)
        for month, d in QUARTER_END_DAYS
        if start <= (day := dt.date(year, month, d)) <= end
    ]


def quarter_counts(
    session: Session, plans: Sequence[Plan], today: dt.date
) -> tuple[QuarterCounts, ...]:
    """Status counts at each quarter end that has passed (up to today), within
    the plans' periods: each plan counts at the quarter ends of its own period,
    as `perfdesk plans --as-at DATE` counts it."""
    by_date: dict[dt.date, dict[str, int]] = {}
    for plan in plans:
        if plan.period_start is None or plan.period_end is None:
            continue
        days = quarter_ends(plan.period_start, min(plan.period_end, today))
        for day, at_day in status_counts_at(session, plan, days).items():
            counts = by_date.setdefault(day, _zero(STATUS_LABELS))
            for label, n in at_day.items():
                counts[label] += n
    return tuple(QuarterCounts(day, by_date[day]) for day in sorted(by_date))
