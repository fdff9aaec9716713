"""Make docs/example-plan.xlsx: a small, made-up plan in the workbook exchange
format (see docs/workbook-format.md). "Example Council" is fictional.

Run from the project folder:  python docs/make_example_workbook.py [output.xlsx]
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path

from perfdesk.domain.measures import Frequency, Polarity, Unit
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
from perfdesk.domain.status import Status
from perfdesk.domain.timeframe import Timeframe
from perfdesk.services.workbook.write import write_workbook

log = logging.getLogger(__name__)
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "example-plan.xlsx"


def example_plan() -> PlanDocument:
    """2 priorities, 3 actions, 1 step, 2 measures, 3 values, 1 benchmark."""
    return PlanDocument(
        plan=PlanInfo(
            title="Example Council Improvement Plan 2024-26",
            short_name="Example IP",
            organisation="Example Council",
            period_start=dt.date(2024, 4, 1),
            period_end=dt.date(2026, 3, 31),
            board="Example Improvement Board",
            marking="OFFICIAL",
            state="Draft",
            description="A made-up plan showing the workbook format. Not a real council.",
        ),
        priorities=[
            PriorityDoc(
                ref="P1",
                title="Leadership and governance",
                statement="Decisions are made openly and on time.",
                needs_improvement=["Forward plan published late", "Few member briefings"],
            ),
            PriorityDoc(
                ref="P2",
                title="Children's services",
                kind="Theme",
                statement="Children get help when they first need it.",
                needs_improvement=["Assessments out of timescale"],
            ),
        ],
        outcomes=[
            OutcomeDoc("Residents can see how and why decisions are made."),
            OutcomeDoc("More assessments finish within 45 working days.", "P2"),
        ],
        actions=[
            ActionDoc(
                ref="1.1",
                priority_ref="P1",
                timeframe=Timeframe.MONTHS_0_3,
                success_criteria="Forward plan published 28 days ahead",
                text="Publish the forward plan monthly",
                by_when="June 2024",
                due_date=dt.date(2024, 6, 30),
                original_due_date=dt.date(2024, 6, 30),
                leads=["Monitoring Officer"],
                measure_of_success="Every key decision on the plan in time",
                impact="Openness",
                steps=[StepDoc("Agree the template with group leaders", "May 2024", True)],
                latest_update=UpdateDoc(
                    reported_on=dt.date(2024, 6, 14),
                    status=Status.ON_TRACK,
                    done_text="Template agreed; first plan published.",
                    next_steps="Publish July plan.",
                    author="Monitoring Officer",
                ),
            ),
            ActionDoc(
                ref="1.2",
                priority_ref="P1",
                timeframe=Timeframe.MONTHS_3_6,
                text="Run a member development programme",
                by_when="September 2024",
                due_date=dt.date(2024, 10, 31),
                original_due_date=dt.date(2024, 9, 30),
                due_date_reason="Moved after the by-election",
                leads=["Head of Democratic Services", "Chief Executive"],
                latest_update=UpdateDoc(
                    reported_on=dt.date(2024, 8, 30),
                    status=Status.AT_RISK,
                    done_text="Two of six sessions held.",
                    next_steps="Book remaining sessions.",
                ),
            ),
            ActionDoc(
                ref="2.1",
                priority_ref="P2",
                timeframe=Timeframe.MONTHS_6_12,
                text="Recruit permanent social workers",
                by_when="March 2025",
                due_date=dt.date(2025, 3, 31),
                original_due_date=dt.date(2025, 3, 31),
                leads=["Director of Children's Services"],
            ),
        ],
        measures=[
            MeasureDoc(
                ref="M1",
                indicator="Assessments completed within 45 working days",
                priority_ref="P2",
                area="Children's services",
                unit=Unit.PERCENT,
                polarity=Polarity.HIGHER,
                frequency=Frequency.QUARTERLY,
                baseline=71.0,
                baseline_text="71%",
                baseline_date=dt.date(2024, 3, 31),
                target=85.0,
                target_text="85%",
                target_date=dt.date(2026, 3, 31),
                tolerance=5.0,
                definition="Assessments finished in 45 working days / all finished",
                source="Case management system",
                owner="Director of Children's Services",
                actions=["2.1"],
                values=[
                    ValueDoc("Q1 2024/25", 74.0, 148.0, 200.0),
                    ValueDoc("Q2 2024/25", 78.5, 157.0, 200.0, "Two new starters"),
                ],
                benchmarks=[BenchmarkDoc("2023/24", "England average", 82.0)],
            ),
            MeasureDoc(
                ref="M2",
                indicator="Key decisions on the forward plan 28 days ahead",
                priority_ref="P1",
                unit=Unit.NUMBER,
                frequency=Frequency.MONTHLY,
                baseline=None,
                baseline_text="Not recorded",
                target=None,
                target_text="TBD",
                owner="Monitoring Officer",
                actions=["1.1"],
                values=[ValueDoc("2024-06", 9.0, note="First month measured")],
            ),
        ],
    )


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    write_workbook(example_plan(), out)
    log.info("wrote %s", out)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main(sys.argv)
