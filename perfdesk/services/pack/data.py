"""What a printed pack holds, read from the database: `pack_data` turns the
choices of File > Print pack… or `perfdesk pack` into the plain `PackData`
the reportlab code draws (`pack_model.py`). No Qt, no reportlab.

Everything is as at one date (`options.as_at`, else today), by the rules
`perfdesk plans --as-at` and `perfdesk measures --as-at` use: an action's
status is its latest counting update reported on or before the date (a
withdrawn update never counts, whenever it was withdrawn); overdue is due
before the date and not Complete or Closed; measures use only periods ending
by the date. We do not record when an action was created, so an action
added after the date still appears (Not started unless updated by then).

Filters: a priority (by ref) keeps that priority of each plan that has one;
a lead keeps the actions the lead leads and the measures the lead owns, and
leaves out plans with neither; exceptions only keeps overdue, off-track and
at-risk actions and Red measures, but keeps every chosen plan so that
"nothing needs attention" shows. An unfiltered pack shows every priority,
even an empty one; lead and exception packs leave empty priorities out.
Actions and measures with no (live) priority come last, in one group with
ref "" ("Actions without a priority", or "Measures without a priority" when
it holds only measures), so every measure appears exactly once.

Each plan's counts describe what the pack shows: for a whole plan they equal
`perfdesk plans --as-at DATE`; in a filtered pack they count only what was
kept (the quarter-end counts: where those same actions stood then).
Each table is read once per plan, so 2,000 actions take a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from perfdesk.domain.action_view import GROUP_ORDER, NO_TIMEFRAME
from perfdesk.domain.as_at import UpdateFact, ValueFact, status_as_at, values_as_at
from perfdesk.domain.measures import Point, Rag
from perfdesk.domain.status import STATUS_LABELS, Status, is_overdue
from perfdesk.domain.text import name_key
from perfdesk.errors import Conflict, NotFound
from perfdesk.services.measures.view import measure_rows
from perfdesk.services.overview import EXCEPTION_STATUSES, NO_PRIORITY, RAG_LABELS, quarter_ends
from perfdesk.services.pack.model import (
    MARKINGS,
    PackAction,
    PackData,
    PackMeasure,
    PackOptions,
    PackPlan,
    PackPriority,
    QuarterCount,
    UpdateLine,
)
from perfdesk.store import queries
from perfdesk.store.schema import (
    Action,
    ActionLead,
    Lead,
    Measure,
    MeasureValue,
    Plan,
    Priority,
    ProgressUpdate,
)

BOARD_PACK = "Improvement Board pack"
EXCEPTIONS = "Exceptions"
NO_PRIORITY_ACTIONS = "Actions without a priority"
NO_PRIORITY_MEASURES = "Measures without a priority"
DEFAULT_MARKING = MARKINGS[0]


@dataclass(frozen=True)
class _Action:
    action: PackAction
    priority_id: str | None  # None: no live priority
    lead_ids: frozenset[str]
    facts: tuple[UpdateFact, ...]  # its updates reported up to the pack date


@dataclass(frozen=True)
class _Measure:
    measure: PackMeasure
    priority_id: str | None
    owner_id: str | None


def pack_data(session: Session, options: PackOptions, today: dt.date) -> PackData:
    """The pack `options` ask for, as at `options.as_at` or `today`. Raises
    NotFound naming what there is when a plan, priority or lead is unknown."""
    as_at = options.as_at or today
    marking = _given_marking(options.marking)
    chosen = _chosen_plans(session, options.plans)
    chosen_priority = _chosen_priority(session, chosen, options.priority)
    lead = _find_lead(session, options.lead) if options.lead else None
    plans = []
    for plan in chosen:
        if options.priority and plan.id not in chosen_priority:
            continue
        built = _plan(session, plan, options, as_at, marking, chosen_priority.get(plan.id), lead)
        if built is not None:
            plans.append(built)
    if lead is not None and not plans:
        where = _join([p.short_name for p in chosen])
        under = f" under priority {options.priority}" if options.priority else ""
        raise NotFound(f"{lead.name} leads no actions and owns no measures in {where}{under}.")
    title, subtitle = _titles(options, lead, chosen, chosen_priority, plans, as_at)
    return PackData(
        title=title, subtitle=subtitle, organisation=_join([p.organisation for p in plans]),
        board=options.board or _join([p.board for p in plans]), meeting=options.meeting,
        as_at=as_at, marking=max((p.marking for p in plans), key=_strictness, default=""),
        draft=any(p.draft for p in plans), plans=tuple(plans), options=options,
    )


def _titles(
    options: PackOptions, lead: Lead | None, chosen: Sequence[Plan],
    priority: dict[str, Priority], plans: Sequence[PackPlan], as_at: dt.date,
) -> tuple[str, str]:
    """("Improvement Board pack", "Children's Services: priority 2
    Leadership, as at 30 September 2023") and the like."""
    title = (f"Actions led by {lead.name}" if lead
             else EXCEPTIONS if options.exceptions_only else BOARD_PACK)
    if options.priority:
        covered = "; ".join(f"{p.short_name}: {_priority_label(priority[p.id])}"
                            for p in chosen if p.id in priority)
    elif options.plans or lead:
        covered = _join([p.short_name for p in plans])
    else:
        covered = "All plans"
    extra = ["exceptions only"] if options.exceptions_only and lead else []
    return title, ", ".join([covered, *extra, f"as at {long_date(as_at)}"])


def long_date(day: dt.date) -> str:
    """"30 September 2023", as a cover says it."""
    return f"{day.day} {day:%B %Y}"


# -- choosing -----------------------------------------------------------------

def _chosen_plans(session: Session, names: Sequence[str]) -> list[Plan]:
    if not names:
        found = list(queries.plans(session))
        if not found:
            raise NotFound("There are no plans in this database to print.")
        return found
    plans: dict[str, Plan] = {}
    problems = []
    for name in names:
        try:
            plan = queries.find_plan(session, name)
        except NotFound as exc:
            problems.append(str(exc))
            continue
        plans.setdefault(plan.id, plan)
    if problems:
        raise NotFound("\n".join(problems))
    return list(plans.values())


def _chosen_priority(
    session: Session, plans: Sequence[Plan], ref: str | None
) -> dict[str, Priority]:
    """Plan id -> the priority with that ref, for the plans that have one."""
    if not ref:
        return {}
    found, known = {}, []
    for plan in plans:
        priorities = queries.plan_priorities(session, plan.id)
        match = next((p for p in priorities if name_key(p.ref) == name_key(ref)), None)
        if match is not None:
            found[plan.id] = match
        known.append(f"{plan.short_name} {', '.join(p.ref for p in priorities) or 'none'}")
    if not found:
        where = _join([p.short_name for p in plans])
        raise NotFound(f"No priority {ref!r} in {where}. Priorities: {'; '.join(known)}.")
    return found


def _find_lead(session: Session, name: str) -> Lead:
    leads = queries.lead_by_name(session)
    key = name_key(name)
    if key in leads:
        return leads[key]
    close = [k for k in leads if key in k]
    close += [k for k in difflib.get_close_matches(key, list(leads), n=5, cutoff=0.6)
              if k not in close]
    if close:
        names = ", ".join(repr(leads[k].name) for k in close[:5])
        raise NotFound(f"No lead named {name!r}. Close names: {names}.")
    every = ", ".join(repr(lead.name) for lead in sorted(leads.values(), key=lambda x: x.name))
    raise NotFound(f"No lead named {name!r}. Leads in this database: {every or 'none'}.")


def _given_marking(text: str | None) -> str | None:
    if text is None:
        return None
    marking = _known_marking(text)
    if marking is None:
        raise Conflict(f"Unknown marking {text!r}: use {' or '.join(MARKINGS)}.")
    return marking


def _known_marking(text: str) -> str | None:
    """OFFICIAL or OFFICIAL-SENSITIVE in any case and spacing, else None."""
    key = "-".join(text.replace("-", " ").replace("_", " ").split()).upper()
    return key if key in MARKINGS else None


def _plan_marking(plan: Plan, given: str | None) -> str:
    """The marking given, else the plan's own (an unfamiliar one kept as
    written), else OFFICIAL."""
    own = plan.marking.strip()
    return given or ((_known_marking(own) or own) if own else DEFAULT_MARKING)


def _strictness(marking: str) -> int:
    """Higher is stricter; a marking we do not know counts as the strictest."""
    return MARKINGS.index(marking) if marking in MARKINGS else len(MARKINGS)


# -- one plan -------------------------------------------------------------------

def _plan(
    session: Session, plan: Plan, options: PackOptions, as_at: dt.date, marking: str | None,
    priority: Priority | None, lead: Lead | None,
) -> PackPlan | None:
    priorities = list(queries.plan_priorities(session, plan.id))
    live = {p.id: p.ref for p in priorities}
    if priority is not None:
        priorities = [priority]
    actions = _actions(session, plan, as_at, options.history, live)
    measures = _measures(session, plan.id, as_at, live)
    if priority is not None:
        actions = [a for a in actions if a.priority_id == priority.id]
        measures = [m for m in measures if m.priority_id == priority.id]
    if lead is not None:
        actions = [a for a in actions if lead.id in a.lead_ids]
        measures = [m for m in measures if m.owner_id == lead.id]
        if not actions and not measures:
            return None
    if options.exceptions_only:
        actions = [a for a in actions if _needs_attention(a.action)]
        measures = [m for m in measures if m.measure.rag is Rag.RED]
    filtered = lead is not None or options.exceptions_only
    groups = _groups(priorities, actions, measures, keep_empty=not filtered)
    shown = [a.action for a in actions]
    return PackPlan(
        short_name=plan.short_name, title=plan.title, organisation=plan.organisation,
        board=options.board or plan.board, marking=_plan_marking(plan, marking),
        draft=plan.state == "Draft", period=_period(plan), priorities=groups,
        by_status=_statuses(shown),
        by_timeframe=_timeframes(shown),
        by_priority_status=tuple(
            (f"{g.ref} {g.title}".strip() if g.ref else NO_PRIORITY, _statuses(g.actions))
            for g in groups if g.ref or g.actions
        ),
        measures_by_rag=_rags(m.measure for m in measures),
        exceptions=tuple(sorted((a for a in shown if _needs_attention(a)), key=_exception_order)),
        quarter_ends=_quarter_counts(plan, [a.facts for a in actions], as_at),
    )


def _actions(
    session: Session, plan: Plan, as_at: dt.date, history: bool, live: dict[str, str]
) -> list[_Action]:
    """The plan's live actions in plan order, as at the date: one query each
    for the actions, their leads and their updates."""
    conn = session.connection()
    rows = conn.execute(
        sa.select(col(Action.id), col(Action.ref), col(Action.text), col(Action.priority_id),
                  col(Action.timeframe), col(Action.by_when), col(Action.due_date))
        .where(col(Action.plan_id) == plan.id, col(Action.deleted_at).is_(None))
        .order_by(col(Action.display_order))
    ).all()
    leads: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for action_id, lead_id, name in conn.execute(
        select(ActionLead.action_id, Lead.id, Lead.name)
        .join(Lead, col(Lead.id) == ActionLead.lead_id)
        .join(Action, col(Action.id) == ActionLead.action_id)
        .where(Action.plan_id == plan.id, col(ActionLead.deleted_at).is_(None),
               col(Lead.deleted_at).is_(None))
        .order_by(col(ActionLead.display_order))
    ).all():
        leads[action_id].append((lead_id, name))
    updates: dict[str, list[Any]] = defaultdict(list)
    for row in conn.execute(
        sa.select(col(ProgressUpdate.action_id), col(ProgressUpdate.reported_on),
                  col(ProgressUpdate.recorded_at), col(ProgressUpdate.status),
                  col(ProgressUpdate.author), col(ProgressUpdate.done_text),
                  col(ProgressUpdate.next_steps), col(ProgressUpdate.withdrawn_at),
                  col(ProgressUpdate.withdrawn_by), col(ProgressUpdate.withdrawn_reason))
        .join(Action, col(Action.id) == ProgressUpdate.action_id)
        .where(col(Action.plan_id) == plan.id, col(ProgressUpdate.reported_on) <= as_at)
    ).all():
        updates[row.action_id].append(row)
    result = []
    for aid, ref, text, priority_id, timeframe, by_when, due in rows:
        ups = sorted(updates.get(aid, []), key=lambda u: (u.reported_on, u.recorded_at))
        facts = tuple(UpdateFact(u.reported_on, u.recorded_at, u.status,
                                 u.withdrawn_at is not None) for u in ups)
        latest = next((u for u in reversed(ups) if u.withdrawn_at is None), None)
        status = latest.status if latest else Status.NOT_STARTED
        pid = priority_id if priority_id in live else None
        action = PackAction(
            ref=ref, text=text, leads=tuple(name for _, name in leads.get(aid, [])),
            by_when=by_when, due_date=due, status=status,
            overdue=is_overdue(due, status, as_at),
            latest_on=latest.reported_on if latest else None,
            latest_text=latest.done_text if latest else "",
            timeframe=timeframe.label if timeframe else NO_TIMEFRAME, plan=plan.short_name,
            priority_ref=live.get(pid or "", ""),
            history=tuple(_line(u) for u in ups) if history else (),
        )
        result.append(_Action(action, pid, frozenset(i for i, _ in leads.get(aid, [])), facts))
    return result


def _line(u: Any) -> UpdateLine:
    note = ""
    if u.withdrawn_at is not None:
        note = "Withdrawn" + (f" by {u.withdrawn_by}" if u.withdrawn_by else "")
        note += f": {u.withdrawn_reason}" if u.withdrawn_reason else ""
    return UpdateLine(
        reported_on=u.reported_on, status=u.status, author=u.author,
        done=u.done_text, next_steps=u.next_steps, withdrawn=u.withdrawn_at is not None,
        withdrawn_note=note,
    )


def _measures(
    session: Session, plan_id: str, as_at: dt.date, live: dict[str, str]
) -> list[_Measure]:
    """The plan's measures as `perfdesk measures --as-at` has them, with
    their priority, owner and the values up to the date."""
    conn = session.connection()
    links = {mid: (pid, owner) for mid, pid, owner in conn.execute(
        select(Measure.id, Measure.priority_id, Measure.owner_id)
        .where(Measure.plan_id == plan_id, col(Measure.deleted_at).is_(None))
    ).all()}
    values: dict[str, list[ValueFact]] = defaultdict(list)
    for mid, period, end, value in conn.execute(
        select(MeasureValue.measure_id, MeasureValue.period, col(MeasureValue.period_end),
               col(MeasureValue.value))
        .join(Measure, col(Measure.id) == MeasureValue.measure_id)
        .where(Measure.plan_id == plan_id, col(MeasureValue.deleted_at).is_(None))
    ).all():
        values[mid].append(ValueFact(period, end, value))
    result = []
    for m in measure_rows(session, plan_id, as_at):
        priority_id, owner_id = links.get(m.id, (None, None))
        trend = tuple(Point(v.period, v.period_end, v.value)
                      for v in values_as_at(values.get(m.id, []), as_at) if v.value is not None)
        measure = PackMeasure(
            ref=m.ref, indicator=m.indicator, area=m.area, unit=m.unit, baseline=m.baseline,
            baseline_text=m.baseline_text, baseline_date=m.baseline_date, latest=m.latest,
            latest_period=m.latest_period, target=m.target, target_text=m.target_text,
            target_date=m.target_date, rag=m.rag, direction=m.direction,
            benchmarks=m.benchmarks, trend=trend,
        )
        result.append(_Measure(measure, priority_id if priority_id in live else None, owner_id))
    return result


def _groups(
    priorities: Sequence[Priority], actions: Sequence[_Action], measures: Sequence[_Measure],
    keep_empty: bool,
) -> tuple[PackPriority, ...]:
    """The priorities in order, then one group for what has no priority."""
    groups = []
    for p in [*priorities, None]:
        pid = p.id if p else None
        mine = tuple(a.action for a in actions if a.priority_id == pid)
        kept = tuple(m.measure for m in measures if m.priority_id == pid)
        if p is not None and (mine or kept or keep_empty):
            groups.append(PackPriority(
                ref=p.ref, title=p.title, kind=p.kind, statement=p.statement,
                needs_improvement=tuple(
                    x.strip() for x in p.needs_improvement.splitlines() if x.strip()),
                actions=mine, measures=kept,
            ))
        elif p is None and (mine or kept):
            title = NO_PRIORITY_ACTIONS if mine else NO_PRIORITY_MEASURES
            groups.append(PackPriority(ref="", title=title, kind="", statement="",
                                       needs_improvement=(), actions=mine, measures=kept))
    return tuple(groups)


# -- counting -------------------------------------------------------------------

def _needs_attention(action: PackAction) -> bool:
    return action.overdue or action.status in EXCEPTION_STATUSES


def _statuses(actions: Iterable[PackAction]) -> dict[str, int]:
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for a in actions:
        counts[a.status.label] += 1
    return counts


def _timeframes(actions: Iterable[PackAction]) -> dict[str, int]:
    counts = dict.fromkeys(GROUP_ORDER, 0)
    for a in actions:
        counts[a.timeframe] = counts.get(a.timeframe, 0) + 1
    return counts


def _rags(measures: Iterable[PackMeasure]) -> dict[str, int]:
    counts = dict.fromkeys(RAG_LABELS, 0)
    for m in measures:
        counts[m.rag.label] += 1
    return counts


def _quarter_counts(
    plan: Plan, facts: Sequence[Sequence[UpdateFact]], as_at: dt.date
) -> tuple[QuarterCount, ...]:
    """The actions by status at each quarter end of the plan's period up to
    the date, as `perfdesk plans --as-at QUARTER-END` counts them."""
    if plan.period_start is None or plan.period_end is None:
        return ()
    result = []
    for day in quarter_ends(plan.period_start, min(plan.period_end, as_at)):
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for one in facts:
            counts[status_as_at(one, day).label] += 1
        result.append(QuarterCount(day, counts))
    return tuple(result)


def _exception_order(a: PackAction) -> tuple[object, ...]:
    """Overdue first, then by due date (undated last), then ref."""
    return (not a.overdue, a.due_date is None, a.due_date or dt.date.max, _ref_key(a.ref))


def _ref_key(ref: str) -> tuple[tuple[int, object], ...]:
    """"1.10" after "1.9": numeric parts compare as numbers."""
    parts = ref.replace("-", ".").split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in parts)


# -- wording --------------------------------------------------------------------

def _period(plan: Plan) -> str:
    if plan.period_start and plan.period_end:
        return f"{plan.period_start:%B %Y} – {plan.period_end:%B %Y}"
    return ""


def _priority_label(p: Priority) -> str:
    """"priority 2 Leadership", "theme T1 People First"."""
    return f"{(p.kind or 'Priority').lower()} {p.ref} {p.title}".strip()


def _join(names: Sequence[str]) -> str:
    """Distinct non-blank names: "A", "A and B", "A, B and C"."""
    kept = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if len(kept) < 2:
        return "".join(kept)
    return ", ".join(kept[:-1]) + " and " + kept[-1]
