"""Writing a whole plan document into the database, and reading it back."""

from __future__ import annotations

from sqlmodel import Session, col

from perfdesk.domain.as_at import UpdateFact, latest_update
from perfdesk.domain.dates import parse_by_when
from perfdesk.domain.periods import period_end
from perfdesk.domain.plan_document import (
    ActionDoc,
    BenchmarkDoc,
    MeasureDoc,
    OutcomeDoc,
    PlanDocument,
    PlanInfo,
    PriorityDoc,
    StepDoc,
    UpdateDoc,
    ValueDoc,
)
from perfdesk.domain.text import guess_lead_kind, name_key
from perfdesk.store import queries
from perfdesk.store.schema import (
    Action,
    ActionLead,
    Benchmark,
    Lead,
    Measure,
    MeasureAction,
    MeasureValue,
    Outcome,
    Plan,
    Priority,
    ProgressUpdate,
    Step,
    Synced,
    utc_now,
)


def save_document(session: Session, doc: PlanDocument) -> Plan:
    """Add the document as a new plan (in the caller's transaction)."""
    info = doc.plan
    plan = Plan(
        title=info.title, short_name=info.short_name, organisation=info.organisation,
        period_start=info.period_start, period_end=info.period_end, board=info.board,
        marking=info.marking, state=info.state, description=info.description,
    )
    session.add(plan)
    priority_ids: dict[str, str] = {}
    for order, p in enumerate(doc.priorities):
        row = Priority(
            plan_id=plan.id, ref=p.ref, title=p.title, kind=p.kind, statement=p.statement,
            needs_improvement="\n".join(p.needs_improvement), display_order=order,
        )
        session.add(row)
        priority_ids[p.ref] = row.id
    for order, o in enumerate(doc.outcomes):
        session.add(Outcome(
            plan_id=plan.id, statement=o.statement, display_order=order,
            priority_id=priority_ids.get(o.priority_ref) if o.priority_ref else None,
        ))
    leads = _LeadFinder(session)
    action_ids: dict[str, str] = {}
    for order, a in enumerate(doc.actions):
        action_ids[a.ref] = _save_action(session, plan.id, priority_ids, leads, a, order)
    for order, m in enumerate(doc.measures):
        _save_measure(session, plan.id, priority_ids, action_ids, leads, m, order)
    return plan


def _save_action(
    session: Session, plan_id: str, priority_ids: dict[str, str], leads: _LeadFinder,
    a: ActionDoc, order: int,
) -> str:
    due = a.due_date if a.due_date is not None else parse_by_when(a.by_when)
    action = Action(
        plan_id=plan_id, priority_id=priority_ids.get(a.priority_ref) if a.priority_ref else None,
        ref=a.ref, timeframe=a.timeframe,
        success_criteria=a.success_criteria, text=a.text, by_when=a.by_when,
        due_date=due, original_due_date=a.original_due_date or due,
        due_date_reason=a.due_date_reason, measure_of_success=a.measure_of_success,
        impact=a.impact, display_order=order,
    )
    session.add(action)
    for lead_order, name in enumerate(a.leads):
        session.add(ActionLead(
            action_id=action.id, lead_id=leads.get(name).id, display_order=lead_order,
        ))
    for step_order, s in enumerate(a.steps):
        session.add(Step(
            action_id=action.id, text=s.text, timescale=s.timescale, done=s.done,
            display_order=step_order,
        ))
    if a.latest_update is not None:
        u = a.latest_update
        session.add(ProgressUpdate(
            action_id=action.id, reported_on=u.reported_on, status=u.status,
            done_text=u.done_text, next_steps=u.next_steps,
            author=u.author or session.info.get("author", ""),
        ))
    return action.id


def _save_measure(
    session: Session, plan_id: str, priority_ids: dict[str, str], action_ids: dict[str, str],
    leads: _LeadFinder, m: MeasureDoc, order: int,
) -> None:
    measure = Measure(
        plan_id=plan_id, priority_id=priority_ids.get(m.priority_ref) if m.priority_ref else None,
        ref=m.ref, area=m.area, indicator=m.indicator, unit=m.unit,
        polarity=m.polarity, frequency=m.frequency, baseline=m.baseline,
        baseline_text=m.baseline_text, baseline_date=m.baseline_date, target=m.target,
        target_text=m.target_text, target_date=m.target_date, tolerance=m.tolerance,
        definition=m.definition, source=m.source,
        owner_id=leads.get(m.owner).id if m.owner else None, display_order=order,
    )
    session.add(measure)
    for ref in m.actions:
        session.add(MeasureAction(measure_id=measure.id, action_id=action_ids[ref]))
    for v in m.values:
        session.add(MeasureValue(
            measure_id=measure.id, period=v.period, period_end=period_end(v.period),
            value=v.value, numerator=v.numerator, denominator=v.denominator,
            note=v.note, author=v.author,
        ))
    for b in m.benchmarks:
        session.add(Benchmark(
            measure_id=measure.id, period=b.period, period_end=period_end(b.period),
            comparator=b.comparator, value=b.value,
        ))


class _LeadFinder:
    """Leads are shared across plans: reuse one whose name matches (ignoring
    case and apostrophe style), else add it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.known = queries.lead_by_name(session)

    def get(self, name: str) -> Lead:
        key = name_key(name)
        if key not in self.known:
            lead = Lead(name=" ".join(name.split()), kind=guess_lead_kind(name))
            self.session.add(lead)
            self.known[key] = lead
        return self.known[key]


def tombstone_plan(session: Session, plan: Plan) -> None:
    """Mark a plan and everything in it deleted (recorded, can travel, can be undone)."""
    now = utc_now()
    action_ids = [a.id for a in queries.plan_actions(session, plan.id)]
    measure_ids = [m.id for m in queries.plan_measures(session, plan.id)]
    rows: list[Synced] = [plan]
    rows += queries.plan_priorities(session, plan.id)
    rows += queries.plan_outcomes(session, plan.id)
    rows += queries.plan_actions(session, plan.id)
    rows += queries.plan_measures(session, plan.id)
    rows += queries.live(session, ActionLead, col(ActionLead.action_id).in_(action_ids))
    rows += queries.live(session, Step, col(Step.action_id).in_(action_ids))
    rows += queries.live(session, ProgressUpdate, col(ProgressUpdate.action_id).in_(action_ids))
    rows += queries.live(session, MeasureAction, col(MeasureAction.measure_id).in_(measure_ids))
    rows += queries.live(session, MeasureValue, col(MeasureValue.measure_id).in_(measure_ids))
    rows += queries.live(session, Benchmark, col(Benchmark.measure_id).in_(measure_ids))
    for row in rows:
        row.deleted_at = now


def update_facts(updates: list[ProgressUpdate]) -> list[UpdateFact]:
    return [
        UpdateFact(u.reported_on, u.recorded_at, u.status, u.withdrawn_at is not None)
        for u in updates
    ]


def load_document(session: Session, plan: Plan) -> PlanDocument:
    """The plan as a plain document: what the workbook export writes."""
    priorities = queries.plan_priorities(session, plan.id)
    refs = {p.id: p.ref for p in priorities}
    actions = queries.plan_actions(session, plan.id)
    action_ids = [a.id for a in actions]
    leads = queries.leads_by_action(session, action_ids)
    steps = queries.steps_by_action(session, action_ids)
    updates = queries.updates_by_action(session, action_ids)
    measures = queries.plan_measures(session, plan.id)
    measure_ids = [m.id for m in measures]
    values = queries.values_by_measure(session, measure_ids)
    benchmarks = queries.benchmarks_by_measure(session, measure_ids)
    linked = queries.actions_by_measure(session, measure_ids)
    owners = {lead.id: lead.name for lead in queries.live(session, Lead)}
    return PlanDocument(
        plan=PlanInfo(
            title=plan.title, short_name=plan.short_name, organisation=plan.organisation,
            period_start=plan.period_start, period_end=plan.period_end, board=plan.board,
            marking=plan.marking, state=plan.state, description=plan.description,
        ),
        priorities=[
            PriorityDoc(
                ref=p.ref, title=p.title, kind=p.kind, statement=p.statement,
                needs_improvement=[x for x in p.needs_improvement.split("\n") if x],
            )
            for p in priorities
        ],
        outcomes=[
            OutcomeDoc(statement=o.statement, priority_ref=refs.get(o.priority_id or "", ""))
            for o in queries.plan_outcomes(session, plan.id)
        ],
        actions=[
            ActionDoc(
                ref=a.ref, priority_ref=refs.get(a.priority_id or "", ""),
                timeframe=a.timeframe,
                success_criteria=a.success_criteria, text=a.text, by_when=a.by_when,
                due_date=a.due_date, original_due_date=a.original_due_date,
                due_date_reason=a.due_date_reason,
                leads=[lead.name for lead in leads.get(a.id, [])],
                measure_of_success=a.measure_of_success, impact=a.impact,
                steps=[StepDoc(s.text, s.timescale, s.done) for s in steps.get(a.id, [])],
                latest_update=_latest_update_doc(updates.get(a.id, [])),
            )
            for a in actions
        ],
        measures=[
            MeasureDoc(
                ref=m.ref, indicator=m.indicator, priority_ref=refs.get(m.priority_id or "", ""),
                area=m.area, unit=m.unit, polarity=m.polarity, frequency=m.frequency,
                baseline=m.baseline, baseline_text=m.baseline_text,
                baseline_date=m.baseline_date, target=m.target, target_text=m.target_text,
                target_date=m.target_date, tolerance=m.tolerance,
                definition=m.definition, source=m.source, owner=owners.get(m.owner_id or "", ""),
                actions=[a.ref for a in linked.get(m.id, [])],
                values=[
                    ValueDoc(v.period, v.value, v.numerator, v.denominator, v.note, v.author)
                    for v in values.get(m.id, [])
                ],
                benchmarks=[
                    BenchmarkDoc(b.period, b.comparator, b.value) for b in benchmarks.get(m.id, [])
                ],
            )
            for m in measures
        ],
    )


def _latest_update_doc(updates: list[ProgressUpdate]) -> UpdateDoc | None:
    pairs = list(zip(update_facts(updates), updates, strict=True))
    fact = latest_update(f for f, _ in pairs)
    if fact is None:
        return None
    row = next(r for f, r in reversed(pairs) if f == fact)
    return UpdateDoc(row.reported_on, fact.status, row.done_text, row.next_steps, row.author)
