"""Large made-up plans for benchmarks: the demo plans' own wording,
recombined, so text lengths and lead names look like the real thing."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from pathlib import Path

from perfdesk.domain.plan_document import (
    ActionDoc,
    MeasureDoc,
    PlanDocument,
    PlanInfo,
    PriorityDoc,
    UpdateDoc,
    ValueDoc,
)
from perfdesk.domain.status import Status
from perfdesk.domain.timeframe import Timeframe
from perfdesk.services.plans.demo import demo_documents


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


def generated_measures(count: int, values: int, seed: int = 1,
                       start: dt.date = dt.date(2019, 4, 1)) -> list[MeasureDoc]:
    """`count` monthly measures of `values` figures each, from `start`."""
    rng = random.Random(seed)
    indicators = [m.indicator for d in demo_documents() for m in d.measures] or ["Measure"]
    areas = sorted({m.area for d in demo_documents() for m in d.measures if m.area}) or [""]
    months = [f"{start.year + (start.month - 1 + k) // 12}-{(start.month - 1 + k) % 12 + 1:02d}"
              for k in range(values)]
    out = []
    for number in range(count):
        level = rng.uniform(10, 90)
        figures = []
        for month in months:
            level = max(0.0, level + rng.uniform(-3, 3))
            figures.append(ValueDoc(period=month, value=round(level, 1)))
        out.append(MeasureDoc(
            ref=f"M{number + 1}", indicator=rng.choice(indicators), area=rng.choice(areas),
            priority_ref=str(number % 8 + 1), baseline=figures[0].value,
            target=round(level * 1.1, 1), values=figures,
        ))
    return out


def generate_database(
    path: Path, *, plans: int = 50, actions: int = 20_000, updates: int = 200_000,
    measures: int = 2_000, values: int = 60, seed: int = 1,
) -> None:
    """A new database file of `plans` plans sharing `actions` actions,
    `updates` progress updates (one latest per action from the plan, the
    rest added in bulk as earlier history) and `measures` measures of
    `values` monthly figures. For benchmarks: the bulk rows skip the change
    history, which a real import would not."""
    from sqlalchemy import func, insert, select

    from perfdesk.services.plans.documents import save_document
    from perfdesk.store.database import open_database
    from perfdesk.store.schema import Action, ProgressUpdate

    db = open_database(path, create=True, author="benchmark")
    try:
        for n in range(plans):
            doc = generated_plan(actions // plans, seed=seed + n, short_name=f"Plan {n + 1:02d}")
            doc.plan.title = f"Generated plan {n + 1} of {plans}"
            doc.measures = generated_measures(measures // plans, values, seed=seed + n)
            with db.write() as session:
                save_document(session, doc)
        rng = random.Random(seed)
        with db.write() as session:
            ids = list(session.execute(select(Action.id)).scalars())
            have = session.execute(select(func.count()).select_from(ProgressUpdate)).scalar_one()
            statuses = [s.label for s in Status]
            notes = [a.text for d in demo_documents() for a in d.actions if a.text]
            stamp = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            rows = []
            for k in range(max(updates - have, 0)):
                when = dt.date(2022, 4, 1) + dt.timedelta(days=rng.randrange(0, 360))
                rows.append({
                    "id": str(uuid.uuid4()), "action_id": ids[k % len(ids)],
                    "reported_on": when, "recorded_at": stamp,
                    "updated_at": stamp, "version": 1,
                    "author": "benchmark", "status": rng.choice(statuses),
                    "done_text": rng.choice(notes),
                })
                if len(rows) == 10_000:
                    session.execute(insert(ProgressUpdate), rows)
                    rows = []
            if rows:
                session.execute(insert(ProgressUpdate), rows)
    finally:
        db.close()
