"""Rolling a plan forward into the next period.

The new plan starts as a Draft copy of the old plan's priorities, outcomes
and measures, and carries every action still open on the "as at" date. Each
carried action points back to the one it came from and opens with one
progress update saying where it came from and how it stood, so the new plan
reads on its own while the old plan stays exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlmodel import Session

from perfdesk.domain.as_at import ValueFact, latest_update, values_as_at
from perfdesk.domain.status import Status
from perfdesk.services.edit_guards import live_row
from perfdesk.services.plans.care import create_blank_plan
from perfdesk.services.plans.documents import update_facts
from perfdesk.store import queries
from perfdesk.store.schema import (
    Action,
    ActionLead,
    Measure,
    MeasureAction,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    Step,
)

log = logging.getLogger(__name__)


def roll_forward(
    session: Session, plan_id: str, title: str, short_name: str,
    period_start: dt.date | None, period_end: dt.date | None, as_at: dt.date, author: str,
) -> Plan:
    """A new Draft plan following `plan_id`, carrying the actions that are
    neither Complete nor Closed as at `as_at`; `author` signs their first update."""
    old = live_row(session, Plan, plan_id, "plan")
    new = create_blank_plan(
        session, title, short_name, period_start, period_end,
        organisation=old.organisation, board=old.board,
    )
    new.marking, new.rolled_from_id = old.marking, old.id
    priority_ids = _copy_priorities(session, old, new)
    _copy_outcomes(session, old, new, priority_ids)
    action_ids = _carry_actions(session, old, new, priority_ids, as_at, author)
    measures = _copy_measures(session, old, new, priority_ids, action_ids, as_at)
    log.info(
        "Rolled %s forward into %s: %d actions carried, %d measures copied",
        old.short_name, new.short_name, len(action_ids), measures,
    )
    return new


def _copy_priorities(session: Session, old: Plan, new: Plan) -> dict[str, str]:
    """Copies the live priorities; returns new priority id by old id."""
    ids: dict[str, str] = {}
    for p in queries.plan_priorities(session, old.id):
        copy = Priority(
            plan_id=new.id, ref=p.ref, title=p.title, kind=p.kind, statement=p.statement,
            needs_improvement=p.needs_improvement, display_order=p.display_order,
        )
        session.add(copy)
        ids[p.id] = copy.id
    return ids


def _copy_outcomes(session: Session, old: Plan, new: Plan, priority_ids: dict[str, str]) -> None:
    for o in queries.plan_outcomes(session, old.id):
        if o.priority_id is not None and o.priority_id not in priority_ids:
            continue  # its priority was deleted
        session.add(Outcome(
            plan_id=new.id, priority_id=priority_ids.get(o.priority_id or ""),
            statement=o.statement, display_order=o.display_order,
        ))


def _carry_actions(
    session: Session, old: Plan, new: Plan, priority_ids: dict[str, str], as_at: dt.date,
    author: str,
) -> dict[str, str]:
    """Carries the open actions; returns new action id by old id."""
    actions = queries.plan_actions(session, old.id)
    old_ids = [a.id for a in actions]
    updates = queries.updates_by_action(session, old_ids)
    leads = queries.leads_by_action(session, old_ids)
    steps = queries.steps_by_action(session, old_ids)
    carried: dict[str, str] = {}
    for a in actions:
        rows = updates.get(a.id, [])
        facts = update_facts(rows)
        fact = latest_update(facts, as_at)
        status = fact.status if fact else Status.NOT_STARTED
        if status.is_finished:
            continue
        latest = next((r for f, r in zip(facts, rows, strict=True) if f is fact), None)
        copy = Action(
            plan_id=new.id, priority_id=priority_ids.get(a.priority_id or ""), ref=a.ref,
            timeframe=a.timeframe, success_criteria=a.success_criteria, text=a.text,
            by_when=a.by_when, original_due_date=a.original_due_date, due_date=a.due_date,
            due_date_reason=a.due_date_reason, measure_of_success=a.measure_of_success,
            impact=a.impact, display_order=a.display_order, carried_from_id=a.id,
        )
        session.add(copy)
        carried[a.id] = copy.id
        for order, lead in enumerate(leads.get(a.id, [])):
            session.add(ActionLead(action_id=copy.id, lead_id=lead.id, display_order=order))
        for s in steps.get(a.id, []):
            if not s.done:
                session.add(Step(
                    action_id=copy.id, text=s.text, timescale=s.timescale,
                    display_order=s.display_order,
                ))
        session.add(ProgressUpdate(
            action_id=copy.id, reported_on=as_at, author=author, status=status,
            done_text=carried_text(old.short_name, a.ref, latest),
            next_steps=latest.next_steps if latest else "",
        ))
    return carried


def carried_text(short_name: str, ref: str, latest: ProgressUpdate | None) -> str:
    """What the first update of a carried action says about where it came from."""
    text = f"Carried forward from {short_name} action {ref}"
    if latest is None:
        return text
    text += f"; latest update {latest.reported_on.isoformat()}"
    lines = latest.done_text.strip().splitlines()
    return f"{text}: {lines[0].strip()}" if lines else text


def _copy_measures(
    session: Session, old: Plan, new: Plan, priority_ids: dict[str, str],
    action_ids: dict[str, str], as_at: dt.date,
) -> int:
    """Copies the live measures, each starting from its latest value as at
    `as_at` as the new baseline, with their links to carried actions."""
    measures = queries.plan_measures(session, old.id)
    old_ids = [m.id for m in measures]
    values = queries.values_by_measure(session, old_ids)
    linked = queries.actions_by_measure(session, old_ids)
    for m in measures:
        facts = [ValueFact(v.period, v.period_end, v.value) for v in values.get(m.id, [])]
        known = values_as_at(facts, as_at)
        baseline, baseline_date, baseline_text = m.baseline, m.baseline_date, m.baseline_text
        if known:
            baseline, baseline_date, baseline_text = known[-1].value, known[-1].period_end, ""
        copy = Measure(
            plan_id=new.id, priority_id=priority_ids.get(m.priority_id or ""), ref=m.ref,
            area=m.area, indicator=m.indicator, unit=m.unit, polarity=m.polarity,
            frequency=m.frequency, baseline=baseline, baseline_text=baseline_text,
            baseline_date=baseline_date, target=m.target, target_text=m.target_text,
            target_date=m.target_date, tolerance=m.tolerance, definition=m.definition,
            source=m.source, owner_id=m.owner_id, display_order=m.display_order,
        )
        session.add(copy)
        for action in linked.get(m.id, []):
            if action.id in action_ids:
                session.add(MeasureAction(measure_id=copy.id, action_id=action_ids[action.id]))
    return len(measures)
