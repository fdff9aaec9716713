"""The Devon 2023–24 plans, as published, from the TOML files in database/demo."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from perfdesk.domain.measures import Frequency, Polarity, Unit, parse_enum
from perfdesk.domain.plan_document import (
    ActionDoc,
    MeasureDoc,
    OutcomeDoc,
    PlanDocument,
    PlanInfo,
    PriorityDoc,
    StepDoc,
    ValueDoc,
)
from perfdesk.domain.timeframe import Timeframe
from perfdesk.paths import database_dir
from perfdesk.services.plans.documents import save_document
from perfdesk.store import queries
from perfdesk.store.database import Database

DEMO_FILES = ("childrens_services.toml", "corporate_services.toml", "partnership.toml")


def demo_documents() -> list[PlanDocument]:
    folder = database_dir() / "demo"
    return [read_demo_file(folder / name) for name in DEMO_FILES]


def read_demo_file(path: Path) -> PlanDocument:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    plan = data["plan"]
    outcomes = [OutcomeDoc(text) for text in plan.get("outcomes", [])]
    priorities = []
    for p in data.get("priorities", []):
        priorities.append(PriorityDoc(
            ref=p["ref"], title=p["title"], kind=p.get("kind", "Priority"),
            statement=p.get("statement", ""), needs_improvement=p.get("needs_improvement", []),
        ))
        outcomes += [OutcomeDoc(text, p["ref"]) for text in p.get("outcomes", [])]
    return PlanDocument(
        plan=PlanInfo(
            title=plan["title"], short_name=plan["short_name"],
            organisation=plan.get("organisation", ""), period_start=plan.get("period_start"),
            period_end=plan.get("period_end"), board=plan.get("board", ""),
            marking=plan.get("marking", ""), state=plan.get("state", "Draft"),
            description=plan.get("description", "").strip(),
        ),
        priorities=priorities,
        outcomes=outcomes,
        actions=[_action(a) for a in data.get("actions", [])],
        measures=[_measure(m) for m in data.get("measures", [])],
    )


def _action(a: dict[str, Any]) -> ActionDoc:
    return ActionDoc(
        ref=a["ref"], priority_ref=a.get("priority", ""),
        timeframe=Timeframe.parse(a.get("timeframe")),
        success_criteria=a.get("success_criteria", ""), text=a.get("text", ""),
        by_when=a.get("by_when", ""), leads=list(a.get("leads", [])),
        measure_of_success=a.get("measure_of_success", ""), impact=a.get("impact", ""),
        steps=[StepDoc(s["text"], s.get("timescale", "")) for s in a.get("steps", [])],
    )


def _measure(m: dict[str, Any]) -> MeasureDoc:
    baseline = m.get("baseline")
    baseline_date: dt.date | None = m.get("baseline_date")
    values = []
    if baseline is not None and baseline_date is not None:
        # The published baseline is the first value the plan records.
        values.append(ValueDoc(period=baseline_date.strftime("%Y-%m"), value=float(baseline),
                               note="Baseline as published in the plan"))
    return MeasureDoc(
        ref=m["ref"], indicator=m["indicator"], priority_ref=m.get("priority", ""),
        area=m.get("area", ""), unit=parse_enum(Unit, m.get("unit", "number")),
        polarity=parse_enum(Polarity, m.get("polarity", "higher is better")),
        frequency=parse_enum(Frequency, m.get("frequency", "monthly")),
        baseline=None if baseline is None else float(baseline),
        baseline_text=m.get("baseline_text", ""), baseline_date=baseline_date,
        target=None if m.get("target") is None else float(m["target"]),
        target_text=m.get("target_text", ""), target_date=m.get("target_date"),
        tolerance=m.get("tolerance"), definition=m.get("definition", ""),
        source=m.get("source", ""), owner=m.get("owner", ""), actions=list(m.get("actions", [])),
        values=values,
    )


def load_demo(db: Database) -> list[str]:
    """Add each demo plan not already in the database; return the short names added."""
    added = []
    with db.write() as session:
        present = {p.short_name for p in queries.plans(session)}
        for doc in demo_documents():
            if doc.plan.short_name not in present:
                save_document(session, doc)
                added.append(doc.plan.short_name)
    return added
