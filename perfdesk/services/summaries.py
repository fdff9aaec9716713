"""Where each plan and measure stands, optionally "as at" a past date.

These are what `perfdesk plans` and `perfdesk measures` print, and what the
overview and the printed packs count from, so every view agrees.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from perfdesk.domain.as_at import UpdateFact, ValueFact, status_as_at, values_as_at
from perfdesk.domain.measures import Direction, Rag, direction, rag
from perfdesk.domain.status import STATUS_LABELS
from perfdesk.store import queries
from perfdesk.store.schema import Action, Plan, ProgressUpdate


def action_count(session: Session) -> int:
    """How many live actions the live plans hold: the plan tabs' rows, all
    told, counted without reading them."""
    return int(session.connection().execute(
        select(func.count()).select_from(Action)
        .join(Plan, col(Plan.id) == Action.plan_id)
        .where(col(Action.deleted_at).is_(None), col(Plan.deleted_at).is_(None))
    ).scalar_one())


@dataclass(frozen=True)
class PlanSummary:
    short_name: str
    title: str
    priorities: int
    actions: int
    measures: int
    by_status: dict[str, int]

    def as_json(self) -> dict[str, object]:
        return {
            "short_name": self.short_name, "title": self.title, "priorities": self.priorities,
            "actions": self.actions, "measures": self.measures, "by_status": self.by_status,
        }


@dataclass(frozen=True)
class MeasureSummary:
    ref: str
    indicator: str
    area: str
    unit: str
    polarity: str
    baseline: float | None
    target: float | None
    tolerance: float | None
    latest: float | None
    latest_period: str | None
    rag: Rag
    direction: Direction | None

    def as_json(self) -> dict[str, object]:
        return {
            "ref": self.ref, "indicator": self.indicator, "unit": self.unit,
            "polarity": self.polarity, "baseline": self.baseline, "target": self.target,
            "tolerance": self.tolerance, "latest": self.latest,
            "latest_period": self.latest_period, "rag": self.rag.label,
            "direction": self.direction.value if self.direction else None,
        }


def plan_summary(session: Session, plan: Plan, as_at: dt.date | None = None) -> PlanSummary:
    by_status = status_counts_at(session, plan, [as_at])[as_at]
    return PlanSummary(
        short_name=plan.short_name, title=plan.title,
        priorities=len(queries.plan_priorities(session, plan.id)),
        actions=sum(by_status.values()),
        measures=len(queries.plan_measures(session, plan.id)), by_status=by_status,
    )


def status_counts_at(
    session: Session, plan: Plan, days: Sequence[dt.date | None]
) -> dict[dt.date | None, dict[str, int]]:
    """Actions by status as at each of `days` (None: now), from one read of
    the history."""
    facts = _update_facts_by_action(session, plan.id)
    action_ids = session.connection().execute(
        select(Action.id).where(Action.plan_id == plan.id, col(Action.deleted_at).is_(None))
    ).all()
    result: dict[dt.date | None, dict[str, int]] = {}
    for day in days:
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for (action_id,) in action_ids:
            counts[status_as_at(facts.get(action_id, []), day).label] += 1
        result[day] = counts
    return result


def _update_facts_by_action(session: Session, plan_id: str) -> dict[str, list[UpdateFact]]:
    """Every update of the plan's actions as facts, read as plain rows (a
    plan of 20,000 actions is summarised in a fraction of a second)."""
    query = (
        sa.select(col(ProgressUpdate.action_id), col(ProgressUpdate.reported_on),
                  col(ProgressUpdate.recorded_at), col(ProgressUpdate.status),
                  col(ProgressUpdate.withdrawn_at))
        .join(Action, col(Action.id) == ProgressUpdate.action_id)
        .where(col(Action.plan_id) == plan_id)
    )
    facts: dict[str, list[UpdateFact]] = defaultdict(list)
    for action_id, on, at, status, withdrawn in session.connection().execute(query).all():
        facts[action_id].append(UpdateFact(on, at, status, withdrawn is not None))
    return facts


def plan_summaries(session: Session, as_at: dt.date | None = None) -> list[PlanSummary]:
    return [plan_summary(session, plan, as_at) for plan in queries.plans(session)]


def measure_summaries(
    session: Session, plan: Plan, as_at: dt.date | None = None
) -> list[MeasureSummary]:
    measures = queries.plan_measures(session, plan.id)
    values = queries.values_by_measure(session, [m.id for m in measures])
    result = []
    for m in measures:
        polarity = m.polarity
        facts = values_as_at(
            (ValueFact(v.period, v.period_end, v.value) for v in values.get(m.id, [])), as_at
        )
        latest = facts[-1] if facts else None
        previous = facts[-2] if len(facts) > 1 else None
        result.append(MeasureSummary(
            ref=m.ref, indicator=m.indicator, area=m.area, unit=m.unit.value,
            polarity=m.polarity.value, baseline=m.baseline, target=m.target,
            tolerance=m.tolerance,
            latest=latest.value if latest else None,
            latest_period=latest.period if latest else None,
            rag=rag(latest.value if latest else None, m.target, polarity, m.tolerance),
            direction=direction(
                latest.value if latest else None, previous.value if previous else None,
                polarity, m.target,
            ),
        ))
    return result
