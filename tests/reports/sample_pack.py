"""Packs built by hand, for drawing tests: a realistic two-plan pack and
large generated ones. The counts on each plan are worked out from its
actions the way `pack_data` works them out from the database."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence

from perfdesk.domain.measures import Direction, Point, Rag, Unit
from perfdesk.domain.status import STATUS_LABELS, Status, is_overdue
from perfdesk.services.pack.model import (
    PackAction,
    PackData,
    PackMeasure,
    PackOptions,
    PackPlan,
    PackPriority,
    QuarterCount,
    UpdateLine,
)

AS_AT = dt.date(2024, 3, 31)
MEETING = dt.date(2024, 4, 16)
TIMEFRAMES = ("0–3 months", "3–6 months", "6–12 months", "No timeframe")

_OPENINGS = (
    "Head of Service for Corporate Parenting will report to the Director of Children's "
    "Services every young person under 25 accommodated in bed and breakfast or hotel "
    "settings for more than 24 hours.",
    "Publish the Quality Assurance Framework and embed it in social care practice through "
    "the monthly performance review sessions.",
    "Recruit and induct a permanent senior leadership team for Children's Services, "
    "replacing interim arrangements with substantive appointments.",
    "Agree a joint vision for childhood across the county with health, police, education "
    "and the voluntary sector.",
    "Create a Joint Strategic Needs Assessment for children and young people with complex needs.",
    "Review the front door and multi-agency safeguarding hub so that contacts are screened "
    "within one working day.",
    "Launch a focused auditing approach in which every audit is moderated and its learning "
    "shared with the practitioners involved.",
    "Reduce the number of children placed in unregistered children's homes to zero.",
)
_DETAILS = (
    " The Director will follow these cases up with district council leads and report the "
    "themes to the Board each quarter.",
    " Progress will be tracked through the monthly QPRM process and Scrutiny reporting so "
    "that information is understood across the service.",
    " This includes a skills audit of foster carers and a refreshed training offer.",
    " Partners have agreed to share data monthly through the new dashboard.",
    "",
)
_UPDATES = (
    "Recruitment campaign launched; two of three posts appointed with start dates agreed. "
    "Induction programme drafted with HR.",
    "Framework published on 3 July. First moderation panel held; 18 audits reviewed and "
    "feedback given to team managers.",
    "Delayed: the provider withdrew and the tender must be re-run. A revised timetable "
    "goes to the May Board.",
    "Data-sharing agreement signed by all partners. Dashboard in testing; first live "
    "figures expected next month.",
    "No progress this quarter because of vacancies in the commissioning team.",
    "Completed. Evaluation report circulated to Board members on 12 March.",
)
LEADS = (
    "Director of Children's Services",
    "Head of Service Corporate Parenting",
    "Deputy Director for Health and Wellbeing",
    "Head of Quality Assurance",
    "Chief Superintendent, Devon and Cornwall Police",
    "Head of Education and Learning",
    "Assistant Director, Commissioning",
)
_NEEDS = (
    "Good, timely decision-making around permanent and secure arrangements for children "
    "coming into care.",
    "Children living with family members or friends have rigorous and comprehensive "
    "assessments and appropriate packages of support.",
    "No children are living in children's homes that are not registered with Ofsted.",
    "Quality assurance through the auditing of social work needs to be clear and of high "
    "quality and evidence the child's lived experience.",
    "Better involvement of parents in early planning and in the audit process.",
    "Promoting stability remains primarily reactive and not focused enough on early "
    "intervention.",
    "The skills audit of foster carers needs to be completed.",
    "NEET performance remains lower than the national and statistical neighbour comparators.",
)


def make_action(
    ref: str, n: int, plan: str, priority: str, status: Status, with_history: bool = True
) -> PackAction:
    text = _OPENINGS[n % len(_OPENINGS)] + _DETAILS[n % len(_DETAILS)]
    due = dt.date(2023, 4, 30) + dt.timedelta(days=45 * (n % 9))
    by_when = "In place from April 2023" if n % 7 == 3 else f"{due:%B %Y}"
    leads = tuple(LEADS[(n + k) % len(LEADS)] for k in range(1 + n % 3))
    never_updated = status is Status.NOT_STARTED and n % 2
    latest_on = None if never_updated else AS_AT - dt.timedelta(days=n % 40)
    latest = _UPDATES[n % len(_UPDATES)] if latest_on else ""
    history: tuple[UpdateLine, ...] = ()
    if with_history and latest_on:
        history = tuple(
            UpdateLine(
                reported_on=latest_on - dt.timedelta(days=30 * (3 - k)),
                status=status if k == 3 else Status.ON_TRACK,
                author=LEADS[(n + k) % len(LEADS)],
                done=_UPDATES[(n + k) % len(_UPDATES)],
                next_steps="Report progress to the next Board meeting.",
                withdrawn=k == 1 and n % 4 == 0,
                withdrawn_note="Withdrawn by Jo Smith: entered against the wrong action"
                if k == 1 and n % 4 == 0 else "",
            )
            for k in range(3 - n % 3, 4)
        )
    return PackAction(
        ref=ref, text=text, leads=leads, by_when=by_when, due_date=due, status=status,
        overdue=is_overdue(due, status, AS_AT), latest_on=latest_on, latest_text=latest,
        timeframe=TIMEFRAMES[n % len(TIMEFRAMES)], plan=plan, priority_ref=priority,
        history=history,
    )


def _trend(start: float, step: float, points: int) -> tuple[Point, ...]:
    out = []
    for k in range(points):
        end = dt.date(2023, 4, 30) + dt.timedelta(days=31 * k)
        wobble = (-1) ** k * abs(step) * 0.4
        out.append(Point(f"{end:%b %Y}", end, round(start + step * k + wobble, 1)))
    return tuple(out)


def sample_measures(prefix: str, priority: str) -> tuple[PackMeasure, ...]:
    specs = [
        ("% of audits rated good or better in Children in Need and Child Protection "
         "services", Unit.PERCENT, 52.0, 64.0, 70.0, Rag.AMBER, Direction.IMPROVING, 8, 2.0),
        ("Rate of children in care per 10,000 children aged under 18", Unit.PER_10000,
         55.4, 58.1, 52.0, Rag.RED, Direction.WORSENING, 6, 0.5),
        ("Number of children placed in unregistered children's homes", Unit.NUMBER,
         7.0, 0.0, 0.0, Rag.GREEN, Direction.IMPROVING, 5, -1.5),
        ("Average weekly cost of an external residential placement", Unit.POUNDS,
         5200.0, 5650.0, 5000.0, Rag.RED, Direction.NO_CHANGE, 4, 120.0),
        ("Average days from entering care to moving in with adoptive family", Unit.DAYS,
         486.0, None, 426.0, Rag.GREY, None, 0, 0.0),
    ]
    out = []
    for k, (name, unit, base, latest, target, rag, direction, points, step) in enumerate(specs):
        trend = _trend(base, step, points)
        if latest is not None and trend:
            trend = (*trend[:-1], Point(trend[-1].period, trend[-1].period_end, latest))
        out.append(PackMeasure(
            ref=f"{prefix}{priority}{k + 1:02d}", indicator=name, area="Quality Assurance"
            if k % 2 == 0 else "Placements", unit=unit, baseline=base,
            baseline_text="", baseline_date=dt.date(2023, 3, 31),
            latest=latest, latest_period=trend[-1].period if trend and latest is not None
            else None,
            target=target, target_text="", target_date=dt.date(2024, 3, 31), rag=rag,
            direction=direction,
            benchmarks=(("England", "2023", base * 0.95), ("Statistical neighbours",
                                                             "2023", base * 1.05))
            if k < 3 else (),
            trend=trend,
        ))
    return tuple(out)


def make_plan(
    short: str, title: str, marking: str, draft: bool, priorities: Sequence[PackPriority]
) -> PackPlan:
    actions = [a for p in priorities for a in p.actions]
    by_status = Counter(a.status.label for a in actions)
    measures = [m for p in priorities for m in p.measures]
    rag_counts = Counter(m.rag.label for m in measures)
    exceptions = sorted(
        (a for a in actions if a.overdue or a.status in (Status.OFF_TRACK, Status.AT_RISK)),
        key=lambda a: (not a.overdue, a.status is not Status.OFF_TRACK),
    )
    quarters = []
    for k, end in enumerate((dt.date(2023, 6, 30), dt.date(2023, 9, 30),
                             dt.date(2023, 12, 31), dt.date(2024, 3, 31))):
        share = (k + 1) / 4
        counts = {label: round(by_status[label] * share) for label in STATUS_LABELS}
        counts["Not started"] += len(actions) - sum(counts.values())
        quarters.append(QuarterCount(end, counts))
    return PackPlan(
        short_name=short, title=title, organisation="Devon County Council",
        board="Devon Improvement Partnership Board", marking=marking, draft=draft,
        period="April 2023 – March 2024", priorities=tuple(priorities),
        by_status={label: by_status[label] for label in STATUS_LABELS},
        by_timeframe={tf: sum(a.timeframe == tf for a in actions) for tf in TIMEFRAMES},
        by_priority_status=tuple(
            (f"{p.ref} {p.title}".strip(),
             {label: sum(a.status.label == label for a in p.actions) for label in STATUS_LABELS})
            for p in priorities
        ),
        measures_by_rag={r.label: rag_counts[r.label] for r in Rag},
        exceptions=tuple(exceptions), quarter_ends=tuple(quarters),
    )


def _priority(
    plan: str, ref: str, title: str, n_actions: int, counter: itertools.count,
    measures: bool = True, kind: str = "Priority", history: bool = True,
) -> PackPriority:
    statuses = list(Status)
    actions = tuple(
        make_action(f"{ref}.{k + 1}", n, plan, ref, statuses[n % len(statuses)], history)
        for k, n in ((k, next(counter)) for k in range(n_actions))
    )
    return PackPriority(
        ref=ref, title=title, kind=kind,
        statement=("Our children, young people and families have their voices heard and "
                   "their preferences and wishes recorded and met wherever possible. We work "
                   "with children and families to create their own plans, to improve the way "
                   "that we deliver services and to achieve the best outcomes that we can."),
        needs_improvement=_NEEDS[: 5 + int(ref[-1]) % 4] if ref else (),
        actions=actions,
        measures=sample_measures("CS" if plan == "Children's Services" else "CP", ref)
        if measures else (),
    )


def sample_pack(landscape: bool = False, history: bool = False) -> PackData:
    """Two plans: Children's Services (Draft, no marking set, so OFFICIAL) with
    four priorities, and Corporate Services (approved, OFFICIAL-SENSITIVE) with
    two themes; 40 actions in all, every status, several overdue."""
    n = itertools.count()
    cs = "Children's Services"
    children = make_plan(cs, "Children's Services Action Plan", "OFFICIAL", True, [
        _priority(cs, "1", "Change", 9, n),
        _priority(cs, "2", "Leadership", 8, n),
        _priority(cs, "3", "Partnerships", 8, n, measures=False),
        _priority(cs, "4", "Practice", 7, n),
    ])
    corp = "Corporate Services"
    corporate = make_plan(corp, "DCC Corporate Services Action Plan", "OFFICIAL-SENSITIVE",
                          False, [
        _priority(corp, "T1", "People First", 4, n, kind="Theme"),
        _priority(corp, "T2", "Leadership and Direction", 4, n, measures=False, kind="Theme"),
    ])
    return PackData(
        title="Improvement Board pack", subtitle="All plans",
        organisation="Devon County Council", board="Devon Improvement Partnership Board",
        meeting=MEETING, as_at=AS_AT, marking="OFFICIAL-SENSITIVE", draft=True,
        plans=(children, corporate),
        options=PackOptions(landscape=landscape, history=history, meeting=MEETING),
    )


def big_pack(n_actions: int, n_priorities: int = 1, landscape: bool = False,
             history: bool = False) -> PackData:
    """One approved plan with `n_actions` spread over `n_priorities`."""
    n = itertools.count()
    per = -(-n_actions // n_priorities)
    priorities = [
        _priority("Big", str(k + 1), f"Priority number {k + 1}",
                  min(per, n_actions - k * per), n, measures=k == 0, history=history)
        for k in range(n_priorities)
    ]
    plan = make_plan("Big", "Large Generated Plan", "OFFICIAL", False, priorities)
    return PackData(
        title="Improvement Board pack", subtitle="Large Generated Plan",
        organisation="Devon County Council", board="Devon Improvement Partnership Board",
        meeting=MEETING, as_at=AS_AT, marking="OFFICIAL", draft=False, plans=(plan,),
        options=PackOptions(landscape=landscape, history=history),
    )
