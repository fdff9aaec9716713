"""Large made-up plans for benchmarks: the demo plans' own wording,
recombined, so text lengths and lead names look like the real thing."""

from __future__ import annotations

import datetime as dt
import random

from perfdesk.domain.plan_document import (
    ActionDoc,
    PlanDocument,
    PlanInfo,
    PriorityDoc,
    UpdateDoc,
)
from perfdesk.domain.status import Status
from perfdesk.domain.timeframe import Timeframe
from perfdesk.services.demo import demo_documents


def generated_plan(actions: int, seed: int = 1, short_name: str = "Generated") -> PlanDocument:
    """A plan of `actions` actions over 8 priorities, most with an update."""
    rng = random.Random(seed)
    demo = demo_documents()
    texts = [a.text for d in demo for a in d.actions if a.text]
    outcomes = [a.success_criteria for d in demo for a in d.actions if a.success_criteria]
    leads = sorted({lead for d in demo for a in d.actions for lead in a.leads})
    notes = [a.latest_update.done_text for d in demo for a in d.actions
             if a.latest_update and a.latest_update.done_text] or texts
    start = dt.date(2023, 4, 1)
    priorities = [PriorityDoc(ref=str(n), title=f"Priority {n}") for n in range(1, 9)]
    docs = []
    for number in range(actions):
        priority = priorities[number * len(priorities) // actions]
        due = start + dt.timedelta(days=rng.randrange(0, 365))
        update = None
        if rng.random() < 0.8:
            update = UpdateDoc(
                reported_on=start + dt.timedelta(days=rng.randrange(0, 300)),
                status=rng.choice(list(Status)), done_text=rng.choice(notes),
                author=rng.choice(leads),
            )
        docs.append(ActionDoc(
            ref=f"{priority.ref}.{number + 1}", priority_ref=priority.ref,
            timeframe=rng.choice([*Timeframe, None]), text=rng.choice(texts),
            success_criteria=rng.choice(outcomes), by_when=f"{due:%B %Y}", due_date=due,
            original_due_date=due, leads=rng.sample(leads, k=rng.choice([1, 1, 2])),
            latest_update=update,
        ))
    info = PlanInfo(title=f"Generated plan of {actions} actions", short_name=short_name,
                    organisation="Benchmark Council", period_start=start,
                    period_end=dt.date(2024, 3, 31))
    return PlanDocument(plan=info, priorities=priorities, actions=docs)
