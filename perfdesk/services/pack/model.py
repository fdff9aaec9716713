"""What a printed pack holds, as plain data: the contract between the code
that gathers it from the database (`pack_data.py`) and the code that draws
it with reportlab (`perfdesk/reports/`). Everything is already "as at" the
pack's date, so the drawing code never thinks about dates or the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from perfdesk.domain.measures import Direction, Point, Rag, Unit
from perfdesk.domain.status import Status

MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")


@dataclass(frozen=True)
class PackOptions:
    """The choices in File > Print pack… and on `perfdesk pack`."""

    plans: tuple[str, ...] = ()  # short names or titles; empty = every plan
    priority: str | None = None  # a priority ref ("2", "PA1", "T3"): only that priority
    lead: str | None = None  # a lead's name: only actions that lead leads, across plans
    exceptions_only: bool = False  # only overdue, off-track and at-risk actions
    as_at: dt.date | None = None  # statuses, values and counts as they were; None = today
    meeting: dt.date | None = None
    marking: str | None = None  # None: each plan's own marking, OFFICIAL where it has none
    landscape: bool = False
    history: bool = False  # appendix: every action's full update history
    board: str | None = None  # overrides the plans' board name on the cover


@dataclass(frozen=True)
class UpdateLine:
    reported_on: dt.date
    status: Status
    author: str
    done: str
    next_steps: str
    withdrawn: bool = False
    withdrawn_note: str = ""  # "Withdrawn by X: reason"


@dataclass(frozen=True)
class PackAction:
    ref: str
    text: str
    leads: tuple[str, ...]
    by_when: str
    due_date: dt.date | None
    status: Status  # as at the pack date
    overdue: bool
    latest_on: dt.date | None
    latest_text: str
    timeframe: str  # "0–3 months"... or "No timeframe"
    plan: str  # short name, for the exceptions and lead packs that span plans
    priority_ref: str
    history: tuple[UpdateLine, ...] = ()  # oldest first; filled only when asked for


@dataclass(frozen=True)
class PackMeasure:
    ref: str
    indicator: str
    area: str
    unit: Unit
    baseline: float | None
    baseline_text: str
    baseline_date: dt.date | None
    latest: float | None
    latest_period: str | None
    target: float | None
    target_text: str
    target_date: dt.date | None
    rag: Rag
    direction: Direction | None
    benchmarks: tuple[tuple[str, str, float], ...]  # (comparator, period, value)
    trend: tuple[Point, ...]  # values up to the pack date, oldest first


@dataclass(frozen=True)
class PackPriority:
    ref: str
    title: str
    kind: str  # Priority or Theme
    statement: str
    needs_improvement: tuple[str, ...]
    actions: tuple[PackAction, ...]
    measures: tuple[PackMeasure, ...]


@dataclass(frozen=True)
class QuarterCount:
    as_at: dt.date
    by_status: dict[str, int]


@dataclass(frozen=True)
class PackPlan:
    short_name: str
    title: str
    organisation: str
    board: str
    marking: str  # the marking to print for this plan (already resolved)
    draft: bool  # a Draft plan's pages also say DRAFT
    period: str
    priorities: tuple[PackPriority, ...]  # actions with no priority come last, as
    # a PackPriority with ref "" and title "Actions without a priority"
    by_status: dict[str, int]  # every status label, zeros included, as at the date
    by_timeframe: dict[str, int]
    by_priority_status: tuple[tuple[str, dict[str, int]], ...]  # ("1 Change", counts)
    measures_by_rag: dict[str, int]  # RAG label -> count
    exceptions: tuple[PackAction, ...]  # overdue, off-track, at-risk; overdue first
    quarter_ends: tuple[QuarterCount, ...]


@dataclass(frozen=True)
class PackData:
    title: str  # "Improvement Board pack" / "Actions led by X" / ...
    subtitle: str  # what the pack covers: "All plans", "Children's Services: priority 2"...
    organisation: str
    board: str
    meeting: dt.date | None
    as_at: dt.date
    marking: str  # for the cover and pages outside any plan: the strictest marking in it
    draft: bool
    plans: tuple[PackPlan, ...]
    options: PackOptions = field(default_factory=PackOptions)

    @property
    def action_count(self) -> int:
        return sum(len(p.actions) for plan in self.plans for p in plan.priorities)
