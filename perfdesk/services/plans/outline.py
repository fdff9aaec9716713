"""A plan's shape for the navigator: its priorities with their statements,
what needs improvement, and the outcome statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from perfdesk.store import queries
from perfdesk.store.schema import Plan


@dataclass(frozen=True)
class PriorityOutline:
    id: str
    ref: str
    title: str
    kind: str
    statement: str
    needs_improvement: tuple[str, ...]
    outcomes: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.ref} {self.title}".strip()


@dataclass(frozen=True)
class PlanOutline:
    id: str
    short_name: str
    title: str
    state: str
    marking: str
    period: str
    outcomes: tuple[str, ...]  # the plan's own outcome statements
    priorities: tuple[PriorityOutline, ...]
    rolled_from: str


def plan_outline(session: Session, plan_id: str) -> PlanOutline:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise ValueError(f"no plan {plan_id}")
    outcomes = queries.plan_outcomes(session, plan_id)
    priorities = tuple(
        PriorityOutline(
            id=p.id, ref=p.ref, title=p.title, kind=p.kind, statement=p.statement,
            needs_improvement=tuple(x for x in p.needs_improvement.splitlines() if x.strip()),
            outcomes=tuple(o.statement for o in outcomes if o.priority_id == p.id),
        )
        for p in queries.plan_priorities(session, plan_id)
    )
    period = ""
    if plan.period_start and plan.period_end:
        period = f"{plan.period_start:%B %Y} – {plan.period_end:%B %Y}"
    rolled_from = ""
    if plan.rolled_from_id:
        old = session.get(Plan, plan.rolled_from_id)
        rolled_from = old.short_name if old else ""
    return PlanOutline(
        id=plan.id, short_name=plan.short_name, title=plan.title, state=plan.state,
        marking=plan.marking, period=period,
        outcomes=tuple(o.statement for o in outcomes if o.priority_id is None),
        priorities=priorities, rolled_from=rolled_from,
    )
