"""A whole plan as plain data: what goes into and comes out of a workbook,
the demo files and the database. No ids here - refs tie the parts together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from perfdesk.domain.measures import Frequency, Polarity, Unit
from perfdesk.domain.status import Status
from perfdesk.domain.timeframe import Timeframe


@dataclass
class PlanInfo:
    title: str
    short_name: str
    organisation: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    board: str = ""
    marking: str = ""
    state: str = "Draft"  # Draft or Approved
    description: str = ""


@dataclass
class PriorityDoc:
    ref: str
    title: str
    kind: str = "Priority"  # Priority or Theme
    statement: str = ""
    needs_improvement: list[str] = field(default_factory=list)


@dataclass
class OutcomeDoc:
    statement: str
    priority_ref: str = ""  # blank: an outcome of the whole plan


@dataclass
class StepDoc:
    text: str
    timescale: str = ""
    done: bool = False


@dataclass
class UpdateDoc:
    reported_on: dt.date
    status: Status
    done_text: str = ""
    next_steps: str = ""
    author: str = ""


@dataclass
class ActionDoc:
    ref: str
    priority_ref: str = ""
    timeframe: Timeframe | None = None
    success_criteria: str = ""
    text: str = ""
    by_when: str = ""
    due_date: dt.date | None = None
    original_due_date: dt.date | None = None
    due_date_reason: str = ""
    leads: list[str] = field(default_factory=list)
    measure_of_success: str = ""
    impact: str = ""
    steps: list[StepDoc] = field(default_factory=list)
    latest_update: UpdateDoc | None = None  # the latest counting update, if any


@dataclass
class ValueDoc:
    period: str
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    note: str = ""
    author: str = ""


@dataclass
class BenchmarkDoc:
    period: str
    comparator: str
    value: float | None = None


@dataclass
class MeasureDoc:
    ref: str
    indicator: str
    priority_ref: str = ""
    area: str = ""
    unit: Unit = Unit.NUMBER
    polarity: Polarity = Polarity.HIGHER
    frequency: Frequency = Frequency.MONTHLY
    baseline: float | None = None
    baseline_text: str = ""
    baseline_date: dt.date | None = None
    target: float | None = None
    target_text: str = ""
    target_date: dt.date | None = None
    tolerance: float | None = None
    definition: str = ""
    source: str = ""
    owner: str = ""
    actions: list[str] = field(default_factory=list)  # action refs
    values: list[ValueDoc] = field(default_factory=list)
    benchmarks: list[BenchmarkDoc] = field(default_factory=list)


@dataclass
class PlanDocument:
    plan: PlanInfo
    priorities: list[PriorityDoc] = field(default_factory=list)
    outcomes: list[OutcomeDoc] = field(default_factory=list)
    actions: list[ActionDoc] = field(default_factory=list)
    measures: list[MeasureDoc] = field(default_factory=list)
