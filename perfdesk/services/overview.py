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
from functools import cache
from typing import Any

from sqlalchemy import Row, TextualSelect, bindparam, text
from sqlmodel import Session, col, select

from perfdesk.domain.action_view import GROUP_ORDER, NO_TIMEFRAME
from perfdesk.domain.dates import nice_date
from perfdesk.domain.measures import Rag
from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.services.measures.view import MeasureRow, measure_rows
from perfdesk.services.summaries import PlanSummary
from perfdesk.store import queries
from perfdesk.store.enum_text import EnumText
from perfdesk.store.schema import Action, ActionLead, Lead, Plan, Priority, ProgressUpdate

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
    exceptions: tuple[ExceptionRow, ...]  # in order; the first of them when limited
    measures_by_area: tuple[AreaCounts, ...]
    quarter_ends: tuple[QuarterCounts, ...]
    needs_attention: int = 0  # how many actions need attention; `exceptions` may list fewer
    overdue: int = 0  # how many actions are overdue

    @property
    def actions(self) -> int:
        return sum(self.totals.values())


def overview(session: Session, plan_id: str | None, today: dt.date, *,
             attention_limit: int | None = None) -> Overview:
    """The overview of one plan, or of every plan when `plan_id` is None.
    Statuses are as now (every update counts), as `perfdesk plans` has them;
    `today` decides what is overdue and which quarter ends have passed.

    Everything is counted in SQL (see `_RANKED`): one grouped query per plan
    gives its status counts now, per priority, per timeframe, overdue, and at
    every passed quarter end. The actions that need attention are listed in
    order, the first `attention_limit` of them (all when None): only those
    have their leads and latest update text read."""
    plans = _plans(session, plan_id)
    whole = plan_id is None
    summaries: list[PlanCounts] = []
    totals = _zero(STATUS_LABELS)
    by_priority: list[PriorityCounts] = []
    by_timeframe = {group: _zero(STATUS_LABELS) for group in GROUP_ORDER}
    areas: list[AreaCounts] = []
    by_date: dict[dt.date, dict[str, int]] = {}
    overdue = attention = 0
    held: set[Status] = set()  # the statuses the latest updates hold
    for plan in plans:
        days = _passed_quarter_ends(plan, today)
        counted = _count_plan(session, plan, today, days)
        priorities = queries.plan_priorities(session, plan.id)
        measures = measure_rows(session, plan.id)
        summaries.append(PlanCounts(plan.id, PlanSummary(
            short_name=plan.short_name, title=plan.title, priorities=len(priorities),
            actions=sum(counted.by_status.values()), measures=len(measures),
            by_status=counted.by_status,
        )))
        for label, count in counted.by_status.items():
            totals[label] += count
        by_priority += _priority_counts(plan, priorities, counted.by_priority, whole)
        for group, counts in counted.by_timeframe.items():
            for label, count in counts.items():
                by_timeframe.setdefault(group, _zero(STATUS_LABELS))[label] += count
        overdue += counted.overdue
        attention += counted.attention
        held |= counted.statuses
        areas += _area_counts(plan, measures, whole)
        for day, counts in counted.at_days.items():
            into = by_date.setdefault(day, _zero(STATUS_LABELS))
            for label, count in counts.items():
                into[label] += count
    return Overview(
        plan_id=plan_id, today=today, plans=tuple(summaries), totals=totals,
        by_priority=tuple(by_priority),
        by_timeframe=tuple(TimeframeCounts(g, c) for g, c in by_timeframe.items()),
        exceptions=tuple(attention_rows(session, plans, today, attention_limit, held)),
        measures_by_area=tuple(areas),
        quarter_ends=tuple(QuarterCounts(day, by_date[day]) for day in sorted(by_date)),
        needs_attention=attention, overdue=overdue,
    )


def _passed_quarter_ends(plan: Plan, today: dt.date) -> list[dt.date]:
    if plan.period_start is None or plan.period_end is None:
        return []
    return quarter_ends(plan.period_start, min(plan.period_end, today))


# -- counting in SQL -------------------------------------------------------------
#
# An action's status as at a day is that of its latest counting update (not
# withdrawn) reported on or before the day, ranked by reported_on, then
# recorded_at (then rowid, so that exact ties rank alike in every query);
# Not started when it has none (`domain.as_at.status_as_at`).
#
# In SQL: each live action's counting updates in that order, each with the
# reported_on of the one after it (LEAD). An update is the latest as at a
# day when it was reported by then and the next one, if any, was not; so
# each action has exactly one such row, or none when its first update came
# later. An action with no update is one row with a NULL status, latest on
# every day. (Partitioned by rowid: integers sort faster than the ids.)
# The actions that need attention are read with each one's
# latest update found by a correlated subquery on the same ranking, in due
# date order, so reading can stop early. Dates are stored as ISO text, and
# compared as text.

NO_STATUS = "\x00"  # in an empty list of statuses: matches no stored status, nor ''
STATUS = EnumText(Status)  # the type of progress_update.status, for these raw queries

_RANKED = """
    SELECT a.priority_id, a.timeframe, a.due_date, pu.status, pu.reported_on,
           LEAD(pu.reported_on) OVER (
               PARTITION BY a.rowid ORDER BY pu.reported_on, pu.recorded_at, pu.rowid
           ) AS next_on
    FROM action AS a
    LEFT JOIN progress_update AS pu ON pu.action_id = a.id AND pu.withdrawn_at IS NULL
    WHERE a.plan_id IN :plans AND a.deleted_at IS NULL
"""


def _attention_query(overdue: bool, where: str, order: str,
                     names: Sequence[str]) -> TextualSelect:
    """Live actions in `order` (their ids and due dates sorted first, the
    rest read by id), each with its latest counting update (ranked as in
    `_RANKED`), kept by `where`: evaluated as read, so reading can stop."""
    return text(f"""
        SELECT a.id AS action_id, a.plan_id, a.ref, a.text, o.due_date,
               pu.id AS update_id, pu.status, pu.reported_on, {int(overdue)} AS overdue
        FROM (
            SELECT id, due_date FROM action
            WHERE plan_id IN :plans AND deleted_at IS NULL {order} LIMIT -1
        ) AS o
        JOIN action AS a ON a.id = o.id
        LEFT JOIN progress_update AS pu ON pu.id = (
            SELECT latest.id FROM progress_update AS latest
            WHERE latest.action_id = o.id AND latest.withdrawn_at IS NULL
            ORDER BY latest.reported_on DESC, latest.recorded_at DESC, latest.rowid DESC
            LIMIT 1)
        WHERE {where}
    """).bindparams(*(bindparam(n, expanding=True) for n in ("plans", *names))).columns(
        status=STATUS)


_OVERDUE = _attention_query(
    True, "coalesce(pu.status, '') NOT IN :finished",
    "AND due_date IS NOT NULL AND due_date < :today ORDER BY due_date", ["finished"])
_FLAGGED = _attention_query(
    False, "pu.status IN :flagged",
    "AND (due_date IS NULL OR due_date >= :today) ORDER BY due_date IS NULL, due_date",
    ["flagged"])


@cache
def _counts_query(days: int) -> TextualSelect:
    """Counts per (priority, timeframe, due before today, status text): as
    now, then as at each of `days` days (:day1 …), in one pass."""
    at_days = "".join(
        f", sum(r.reported_on IS NULL OR (r.reported_on <= :day{i}"
        f" AND (r.next_on IS NULL OR r.next_on > :day{i})))"
        for i in range(1, days + 1))
    return text(f"""
        SELECT r.priority_id, r.timeframe,
               r.due_date IS NOT NULL AND r.due_date < :today AS late, r.status,
               sum(r.next_on IS NULL){at_days}
        FROM ({_RANKED}) AS r
        GROUP BY 1, 2, 3, 4
    """).bindparams(bindparam("plans", expanding=True)).columns(status=STATUS)


@dataclass
class _Counted:
    by_status: dict[str, int]
    by_priority: dict[str | None, dict[str, int]]
    by_timeframe: dict[str, dict[str, int]]
    at_days: dict[dt.date, dict[str, int]]
    overdue: int
    attention: int
    statuses: set[Status]  # every status its actions' counting updates hold


def _count_plan(session: Session, plan: Plan, today: dt.date, days: Sequence[dt.date]) -> _Counted:
    params: dict[str, object] = {"plans": [plan.id], "today": today.isoformat()}
    params.update({f"day{i}": day.isoformat() for i, day in enumerate(days, start=1)})
    by_status = _zero(STATUS_LABELS)
    by_priority: dict[str | None, dict[str, int]] = {}
    by_timeframe: dict[str, dict[str, int]] = {}
    at_days = {day: _zero(STATUS_LABELS) for day in days}
    overdue = attention = 0
    held: set[Status] = set()
    for priority_id, timeframe, late, latest, count, *then in session.connection().execute(
            _counts_query(len(days)), params):
        status: Status = latest or Status.NOT_STARTED
        if latest is not None:
            held.add(latest)
        for day, counted in zip(days, then, strict=True):
            at_days[day][status.label] += counted
        if not count:
            continue
        by_status[status.label] += count
        by_priority.setdefault(priority_id, _zero(STATUS_LABELS))[status.label] += count
        group = timeframe or NO_TIMEFRAME
        by_timeframe.setdefault(group, _zero(STATUS_LABELS))[status.label] += count
        is_overdue = bool(late) and not status.is_finished
        overdue += count if is_overdue else 0
        attention += count if is_overdue or status in EXCEPTION_STATUSES else 0
    actions = sum(by_status.values())
    for counts in at_days.values():  # first updated after that day: not started then
        counts[Status.NOT_STARTED.label] += actions - sum(counts.values())
    return _Counted(by_status, by_priority, by_timeframe, at_days, overdue, attention, held)


# -- the actions that need attention -------------------------------------------------

def attention_rows(session: Session, plans: Sequence[Plan], today: dt.date,
                   limit: int | None = None,
                   statuses: Iterable[Status] | None = None) -> list[ExceptionRow]:
    """The actions of `plans` that need attention (overdue, off track or at
    risk now), in `_exception_order`: the first `limit` of them, or all.

    The overdue, then the others, are read in due date order, each action's
    latest update found as it is read, and reading stops after `limit` and
    every action due the same day as the last, so that plan and ref (which
    SQL cannot order as `_ref_key` does) are ordered here."""
    if not plans:
        return []
    connection = session.connection()
    if statuses is None:  # every status the plans' counting updates hold, or more
        statuses = [s for (s,) in connection.execute(
            select(col(ProgressUpdate.status)).distinct()
            .where(col(ProgressUpdate.withdrawn_at).is_(None)))]
    held = set(statuses)  # bound as their stored words, as the raw queries compare them
    finished = [s.value for s in held if s.is_finished]
    flagged = [s.value for s in held if s in EXCEPTION_STATUSES]
    params: dict[str, object] = {
        "plans": [p.id for p in plans], "today": today.isoformat(),
        "finished": finished or [NO_STATUS], "flagged": flagged or [NO_STATUS],
    }
    found: list[Row[Any]] = []
    for query in (_OVERDUE, _FLAGGED):  # the overdue first, then the rest
        wanted = {k: params[k] for k in ("plans", "today", "finished" if query is _OVERDUE
                                         else "flagged")}
        previous: tuple[bool, str] | None = None
        in_order = True  # as asked; if SQLite ever did not keep to it, read every row
        for row in connection.execute(query, wanted):
            key = (row.due_date is None, row.due_date or "")
            in_order = in_order and (previous is None or previous <= key)
            if (in_order and limit is not None and len(found) >= limit
                    and row.due_date != found[-1].due_date):
                break  # past the last one listed and every action tied with it
            previous = key
            found.append(row)
        if limit is not None and len(found) >= limit:
            break
    return sorted(_exception_rows(session, plans, found), key=_exception_order)[:limit]


def _exception_rows(session: Session, plans: Sequence[Plan],
                    found: Sequence[Row[Any]]) -> list[ExceptionRow]:
    """ExceptionRows for the rows found, with their leads and the first line
    of their latest update."""
    if not found:
        return []
    connection = session.connection()
    ids = [r.action_id for r in found]
    few = len(ids) <= 500  # else read the plans' whole lists: cheaper than sending ids
    leads: dict[str, list[str]] = defaultdict(list)
    lead_query = (
        select(ActionLead.action_id, Lead.name)
        .join(Lead, col(Lead.id) == ActionLead.lead_id)
        .join(Action, col(Action.id) == ActionLead.action_id)
        .where(col(ActionLead.deleted_at).is_(None), col(Lead.deleted_at).is_(None))
        .order_by(col(ActionLead.display_order))
    )
    lead_query = (lead_query.where(col(ActionLead.action_id).in_(ids)) if few else
                  lead_query.where(col(Action.plan_id).in_([p.id for p in plans])))
    for action_id, name in connection.execute(lead_query).all():
        leads[action_id].append(name)
    wanted = {r.update_id for r in found if r.update_id is not None}
    done_texts: dict[str, str] = {}
    if wanted:
        text_query = select(ProgressUpdate.id, ProgressUpdate.done_text)
        text_query = (
            text_query.where(col(ProgressUpdate.id).in_(wanted)) if few else
            text_query.join(Action, col(Action.id) == ProgressUpdate.action_id)
            .where(col(Action.plan_id).in_([p.id for p in plans]),
                   col(ProgressUpdate.withdrawn_at).is_(None)))
        for update_id, done in connection.execute(text_query).all():
            if update_id in wanted:
                done_texts[update_id] = done
    short_names = {p.id: p.short_name for p in plans}
    rows = []
    for r in found:
        done = done_texts.get(r.update_id, "") if r.update_id else ""
        first = next((line.strip() for line in done.splitlines() if line.strip()), "")
        rows.append(ExceptionRow(
            plan_id=r.plan_id, plan_short_name=short_names[r.plan_id],
            action_id=str(r.action_id), ref=str(r.ref), text=str(r.text),
            leads=tuple(leads.get(str(r.action_id), ())),
            due_date=dt.date.fromisoformat(r.due_date[:10]) if r.due_date else None,
            status=r.status or Status.NOT_STARTED, overdue=bool(r.overdue),
            latest_on=dt.date.fromisoformat(r.reported_on[:10]) if r.reported_on else None,
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
    plan: Plan, priorities: Iterable[Priority],
    counted: Mapping[str | None, Mapping[str, int]], whole: bool,
) -> list[PriorityCounts]:
    prefix = f"{plan.short_name}: " if whole else ""
    counts: dict[str | None, dict[str, int]] = {}
    labels: dict[str | None, str] = {}
    for p in priorities:
        counts[p.id] = _zero(STATUS_LABELS)
        labels[p.id] = prefix + f"{p.ref} {p.title}".strip()
    for priority_id, by_status in counted.items():
        key = priority_id if priority_id in counts else None
        if key not in counts:
            counts[key] = _zero(STATUS_LABELS)
            labels[key] = prefix + NO_PRIORITY
        for label, count in by_status.items():
            counts[key][label] += count
    return [PriorityCounts(plan.id, key, labels[key], by) for key, by in counts.items()]


def _exception_order(e: ExceptionRow) -> tuple[object, ...]:
    """Overdue first, then by due date (undated last), then plan and ref."""
    return (not e.overdue, e.due_date is None, e.due_date or dt.date.max,
            e.plan_short_name.casefold(), _ref_key(e.ref))


def _ref_key(ref: str) -> tuple[tuple[int, object], ...]:
    """"1.10" after "1.9": numeric parts compare as numbers."""
    parts = ref.replace("-", ".").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in parts)


def _area_counts(plan: Plan, measures: Iterable[MeasureRow], whole: bool) -> list[AreaCounts]:
    counts: dict[str, dict[str, int]] = {}
    for m in measures:
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
