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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import String, type_coerce
from sqlmodel import Session, col, select

from perfdesk.domain.action_view import GROUP_ORDER, NO_TIMEFRAME
from perfdesk.domain.dates import nice_date
from perfdesk.domain.measures import Rag
from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.services.measure_view import measure_rows
from perfdesk.services.summaries import PlanSummary
from perfdesk.store import queries
from perfdesk.store.schema import Action, ActionLead, Lead, Plan, ProgressUpdate

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
    `today` decides what is overdue and which quarter ends have passed.

    Each plan is read in a few set-based queries: its actions, and its
    counting updates in order, walked once per action to give its status now
    and at every passed quarter end. Only the actions that need attention
    have their leads and latest update text read."""
    plans = _plans(session, plan_id)
    whole = plan_id is None
    summaries: list[PlanCounts] = []
    totals = _zero(STATUS_LABELS)
    by_priority: list[PriorityCounts] = []
    by_timeframe = {group: _zero(STATUS_LABELS) for group in GROUP_ORDER}
    exceptions: list[ExceptionRow] = []
    areas: list[AreaCounts] = []
    by_date: dict[dt.date, dict[str, int]] = {}
    for plan in plans:
        days = _passed_quarter_ends(plan, today)
        counted = _count_plan(session, plan, today, days)
        summaries.append(PlanCounts(plan.id, PlanSummary(
            short_name=plan.short_name, title=plan.title,
            priorities=len(queries.plan_priorities(session, plan.id)),
            actions=sum(counted.by_status.values()),
            measures=len(queries.plan_measures(session, plan.id)),
            by_status=counted.by_status,
        )))
        for label, count in counted.by_status.items():
            totals[label] += count
        by_priority += _priority_counts(session, plan, counted.priority_status, whole)
        for group, counts in counted.by_timeframe.items():
            for label, count in counts.items():
                by_timeframe.setdefault(group, _zero(STATUS_LABELS))[label] += count
        exceptions += counted.exceptions
        areas += _area_counts(session, plan, whole)
        for day, counts in counted.at_days.items():
            into = by_date.setdefault(day, _zero(STATUS_LABELS))
            for label, count in counts.items():
                into[label] += count
    exceptions.sort(key=_exception_order)
    return Overview(
        plan_id=plan_id, today=today, plans=tuple(summaries), totals=totals,
        by_priority=tuple(by_priority),
        by_timeframe=tuple(TimeframeCounts(g, c) for g, c in by_timeframe.items()),
        exceptions=tuple(exceptions), measures_by_area=tuple(areas),
        quarter_ends=tuple(QuarterCounts(day, by_date[day]) for day in sorted(by_date)),
    )


def _passed_quarter_ends(plan: Plan, today: dt.date) -> list[dt.date]:
    if plan.period_start is None or plan.period_end is None:
        return []
    return quarter_ends(plan.period_start, min(plan.period_end, today))


@dataclass
class _Counted:
    by_status: dict[str, int]
    priority_status: list[tuple[str | None, Status]]  # (priority id, status now) per action
    by_timeframe: dict[str, dict[str, int]]
    at_days: dict[dt.date, dict[str, int]]
    exceptions: list[ExceptionRow]


def _count_plan(session: Session, plan: Plan, today: dt.date, days: Sequence[dt.date]) -> _Counted:
    connection = session.connection()
    actions = connection.execute(
        select(Action.id, Action.ref, Action.text, Action.priority_id, Action.timeframe,
               Action.due_date)
        .where(Action.plan_id == plan.id, col(Action.deleted_at).is_(None))
    ).all()
    # Counting updates in the order the latest-update rule ranks them; dates
    # compared as ISO text, so no row is converted.
    updates = connection.execute(
        select(ProgressUpdate.action_id, type_coerce(ProgressUpdate.reported_on, String),
               ProgressUpdate.status, ProgressUpdate.id)
        .join(Action, col(Action.id) == ProgressUpdate.action_id)
        .where(Action.plan_id == plan.id, col(ProgressUpdate.withdrawn_at).is_(None))
        .order_by(ProgressUpdate.action_id, ProgressUpdate.reported_on,
                  ProgressUpdate.recorded_at)
    ).all()
    history: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for action_id, on, status, update_id in updates:
        history[action_id].append((on, status, update_id))
    day_texts = [(day, day.isoformat()) for day in days]
    by_status = _zero(STATUS_LABELS)
    at_days = {day: _zero(STATUS_LABELS) for day in days}
    by_timeframe: dict[str, dict[str, int]] = {}
    priority_status: list[tuple[str | None, Status]] = []
    attention: list[tuple[tuple[object, ...], Status, bool, str | None]] = []
    statuses: dict[str, Status] = {}  # each stored text parsed once

    def parse(text: str) -> Status:
        found = statuses.get(text)
        if found is None:
            found = statuses[text] = Status.parse(text)
        return found

    not_started = Status.NOT_STARTED
    for action in actions:
        action_id, _ref, _text, priority_id, timeframe, due = action
        steps = history.get(action_id, ())
        latest = steps[-1] if steps else None
        status = parse(latest[1]) if latest else not_started
        by_status[status.label] += 1
        group = timeframe or NO_TIMEFRAME
        if group not in by_timeframe:
            by_timeframe[group] = _zero(STATUS_LABELS)
        by_timeframe[group][status.label] += 1
        priority_status.append((priority_id, status))
        for day, iso in day_texts:
            if not steps or steps[0][0] > iso:
                at_days[day][not_started.label] += 1
                continue
            label = not_started.label
            for on, step_status, _ in steps:
                if on > iso:
                    break
                label = step_status
            at_days[day][parse(label).label] += 1
        overdue = due is not None and due < today and not status.is_finished
        if overdue or status in EXCEPTION_STATUSES:
            attention.append((tuple(action), status, overdue, latest[2] if latest else None))
    return _Counted(by_status, priority_status, by_timeframe, at_days,
                    _exceptions(session, plan, attention))


def _exceptions(
    session: Session, plan: Plan,
    attention: Sequence[tuple[tuple[object, ...], Status, bool, str | None]],
) -> list[ExceptionRow]:
    """Rows for the actions that need attention, with their leads and the
    first line of their latest update."""
    if not attention:
        return []
    connection = session.connection()
    leads: dict[str, list[str]] = defaultdict(list)
    for action_id, name in connection.execute(
        select(ActionLead.action_id, Lead.name)
        .join(Lead, col(Lead.id) == ActionLead.lead_id)
        .join(Action, col(Action.id) == ActionLead.action_id)
        .where(Action.plan_id == plan.id, col(ActionLead.deleted_at).is_(None),
               col(Lead.deleted_at).is_(None))
        .order_by(col(ActionLead.display_order))
    ).all():
        leads[action_id].append(name)
    # The latest updates' texts, read with the plan's updates in one query
    # (a list of thousands of ids to look up costs more to send than this).
    wanted = {update_id for *_, update_id in attention if update_id is not None}
    latest: dict[str, tuple[str, str]] = {}
    if wanted:
        for update_id, on, done in connection.execute(
            select(ProgressUpdate.id, type_coerce(ProgressUpdate.reported_on, String),
                   ProgressUpdate.done_text)
            .join(Action, col(Action.id) == ProgressUpdate.action_id)
            .where(Action.plan_id == plan.id, col(ProgressUpdate.withdrawn_at).is_(None))
        ).all():
            if update_id in wanted:
                latest[update_id] = (on, done)
    rows = []
    for action, status, overdue, update_id in attention:
        action_id, ref, text, _priority, _timeframe, due = action
        on_text, done = latest.get(update_id, ("", "")) if update_id else ("", "")
        first = next((line.strip() for line in done.splitlines() if line.strip()), "")
        rows.append(ExceptionRow(
            plan_id=plan.id, plan_short_name=plan.short_name, action_id=str(action_id),
            ref=str(ref), text=str(text), leads=tuple(leads.get(str(action_id), ())),
            due_date=due, status=status, overdue=overdue,  # type: ignore[arg-type]
            latest_on=dt.date.fromisoformat(on_text[:10]) if on_text else None,
            latest_line=first,
        ))
    return rows


def _plans(session: Session, plan_id: str | None) -> Sequence[Plan]:
    if plan_id is None:
        return queries.plans(session)
    plan = session.get(Plan, plan_id)
    if plan is None or plan.deleted_at is not None:
        raise ValueError(f"no plan {plan_id}")
    return [plan]


def _priority_counts(
    session: Session, plan: Plan, statuses: Sequence[tuple[str | None, Status]], whole: bool
) -> list[PriorityCounts]:
    prefix = f"{plan.short_name}: " if whole else ""
    counts: dict[str | None, dict[str, int]] = {}
    labels: dict[str | None, str] = {}
    for p in queries.plan_priorities(session, plan.id):
        counts[p.id] = _zero(STATUS_LABELS)
        labels[p.id] = prefix + f"{p.ref} {p.title}".strip()
    for priority_id, status in statuses:
        key = priority_id if priority_id in counts else None
        if key not in counts:
            counts[key] = _zero(STATUS_LABELS)
            labels[key] = prefix + NO_PRIORITY
        counts[key][status.label] += 1
    return [PriorityCounts(plan.id, key, labels[key], by) for key, by in counts.items()]


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
