"""What a printed pack holds: every action and measure once, counted exactly
as `perfdesk plans` and `perfdesk measures` count them, as at the pack's date."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlmodel import col, select

from benchmarks.generate import generated_plan
from perfdesk import cli
from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.errors import NotFound
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.pack.data import pack_data
from perfdesk.services.pack.model import PackAction, PackData, PackMeasure, PackOptions
from perfdesk.services.plans import care as plan_care
from perfdesk.services.plans.documents import save_document
from perfdesk.store import queries
from perfdesk.store.database import Database, open_database
from perfdesk.store.schema import Action, ActionLead, Lead, Measure, Plan

TODAY = dt.date(2024, 1, 15)  # three quarter ends of the demo plans have passed
CHILDRENS = "Children's Services"
DIRECTOR = "Director of Children's Services"

# (plan, action ref, status, reported on): a history crossing the quarter ends
UPDATES = [
    (CHILDRENS, "1.1", Status.ON_TRACK, dt.date(2023, 5, 10)),
    (CHILDRENS, "1.1", Status.AT_RISK, dt.date(2023, 8, 1)),
    (CHILDRENS, "1.1", Status.COMPLETE, dt.date(2023, 12, 20)),
    (CHILDRENS, "1.2", Status.OFF_TRACK, dt.date(2023, 6, 30)),
    (CHILDRENS, "2.1", Status.AT_RISK, dt.date(2023, 10, 20)),
    (CHILDRENS, "3.1", Status.CLOSED, dt.date(2023, 9, 1)),
    (CHILDRENS, "4.2", Status.ON_TRACK, dt.date(2024, 1, 5)),
    ("Corporate Services", "C1", Status.OFF_TRACK, dt.date(2023, 7, 14)),
    ("Corporate Services", "C2", Status.COMPLETE, dt.date(2023, 9, 30)),
    ("Partnership", "PA1.1", Status.AT_RISK, dt.date(2023, 11, 2)),
]


def _action_id(session, plan_name: str, ref: str) -> str:
    plan = queries.find_plan(session, plan_name)
    return next(a.id for a in queries.plan_actions(session, plan.id) if a.ref == ref)


def _add(db: Database, plan: str, ref: str, status: Status, on: dt.date, done: str = "") -> str:
    with db.write() as session:
        update = action_edits.add_update(
            session, _action_id(session, plan, ref), status=status, reported_on=on,
            author="tester", done=done or status.label, next_steps="next")
        return update.id


@pytest.fixture
def updated_db(demo_db: Database) -> Database:
    for plan, ref, status, on in UPDATES:
        _add(demo_db, plan, ref, status, on)
    return demo_db


def _pack(db: Database, today: dt.date = TODAY, **options: object) -> PackData:
    with db.read() as session:
        return pack_data(session, PackOptions(**options), today)  # type: ignore[arg-type]


def _actions(data: PackData) -> Iterator[PackAction]:
    return (a for plan in data.plans for p in plan.priorities for a in p.actions)


def _measures(data: PackData) -> Iterator[tuple[str, PackMeasure]]:
    return ((plan.short_name, m) for plan in data.plans for p in plan.priorities
            for m in p.measures)


def _one(data: PackData, plan: str, ref: str) -> PackAction:
    found = [a for a in _actions(data) if (a.plan, a.ref) == (plan, ref)]
    assert len(found) == 1
    return found[0]


def _cli_json(db: Database, capsys, *argv: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert cli.main([*argv, "--db", db.location, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _cli_plans(db: Database, capsys, as_at: dt.date | None = None) -> dict[str, dict[str, int]]:
    argv = ["plans"] + (["--as-at", as_at.isoformat()] if as_at else [])
    return {p["short_name"]: p["by_status"] for p in _cli_json(db, capsys, *argv)}


# -- the whole pack -------------------------------------------------------------

def test_full_pack_holds_every_action_and_measure_exactly_once(updated_db) -> None:
    data = _pack(updated_db)
    with updated_db.read() as session:
        plans = queries.plans(session)
        actions = Counter((p.short_name, a.ref) for p in plans
                          for a in queries.plan_actions(session, p.id))
        measures = Counter((p.short_name, m.ref) for p in plans
                           for m in queries.plan_measures(session, p.id))
    assert [p.short_name for p in data.plans] == [CHILDRENS, "Corporate Services", "Partnership"]
    assert Counter((a.plan, a.ref) for a in _actions(data)) == actions
    assert Counter((plan, m.ref) for plan, m in _measures(data)) == measures
    assert data.action_count == 68 and sum(actions.values()) == 68
    childrens, corporate, partnership = data.plans
    assert [p.ref for p in childrens.priorities] == ["1", "2", "3", "4"]
    assert [a.ref for a in childrens.priorities[0].actions][:3] == ["1.1", "1.2", "1.3"]
    assert {a.priority_ref for a in childrens.priorities[1].actions} == {"2"}
    # Corporate Services: its ten themes and priorities, then all 19 actions
    assert [p.ref for p in corporate.priorities][:3] == ["T1", "T2", "T3"]
    last = corporate.priorities[-1]
    assert (last.ref, last.title, len(last.actions)) == ("", "Actions without a priority", 19)
    assert [a.ref for a in last.actions][:2] == ["C1", "C2"]
    assert [p.ref for p in partnership.priorities] == ["PA1", "PA2", "PA3"]


def test_titles_board_and_organisation(updated_db) -> None:
    data = _pack(updated_db)
    assert data.title == "Improvement Board pack"
    assert data.subtitle == "All plans, as at 15 January 2024"
    assert data.as_at == TODAY
    assert data.board == "Devon Improvement Partnership Board"
    assert data.organisation == "Devon County Council and Devon Improvement Partnership"
    one = _pack(updated_db, plans=("children’s services",), as_at=dt.date(2023, 9, 30),
                board="Improvement Board", meeting=dt.date(2023, 10, 12))
    assert (one.title, one.subtitle) == (
        "Improvement Board pack", "Children's Services, as at 30 September 2023")
    assert one.board == one.plans[0].board == "Improvement Board"
    assert one.meeting == dt.date(2023, 10, 12)
    assert one.plans[0].period == "April 2023 – March 2024"


def test_counts_equal_perfdesk_plans_now_and_as_at(updated_db, capsys) -> None:
    for as_at, printed in ((None, _cli_plans(updated_db, capsys)),
                           (dt.date(2023, 9, 30), _cli_plans(updated_db, capsys,
                                                             dt.date(2023, 9, 30)))):
        data = _pack(updated_db, as_at=as_at)
        assert {p.short_name: p.by_status for p in data.plans} == printed
        for plan in data.plans:
            total = sum(plan.by_status.values())
            assert sum(plan.by_timeframe.values()) == total
            by_priority = Counter()
            for _, counts in plan.by_priority_status:
                by_priority.update(counts)
            assert {k: by_priority[k] for k in STATUS_LABELS} == plan.by_status
    now = _pack(updated_db)
    assert now.plans[0].by_status["Complete"] == 1  # 1.1, on 20 December
    assert [label for label, _ in now.plans[0].by_priority_status] == [
        "1 Change", "2 Leadership", "3 Engagement", "4 Workforce"]
    assert now.plans[1].by_priority_status[-1][0] == "No priority"


def test_measures_by_rag_equal_perfdesk_measures(updated_db, capsys) -> None:
    for as_at in (None, dt.date(2023, 3, 31)):
        data = _pack(updated_db, as_at=as_at)
        for plan in data.plans:
            argv = ["measures", "--plan", plan.short_name]
            argv += ["--as-at", as_at.isoformat()] if as_at else []
            printed = Counter(m["rag"] for m in _cli_json(updated_db, capsys, *argv))
            assert Counter({k: n for k, n in plan.measures_by_rag.items() if n}) == printed


def test_quarter_ends_equal_perfdesk_plans_as_at_each(updated_db, capsys) -> None:
    data = _pack(updated_db)
    childrens = data.plans[0]
    assert [q.as_at for q in childrens.quarter_ends] == [
        dt.date(2023, 6, 30), dt.date(2023, 9, 30), dt.date(2023, 12, 31)]
    for plan in data.plans:
        for quarter in plan.quarter_ends:
            assert quarter.by_status == _cli_plans(updated_db, capsys, quarter.as_at)[
                plan.short_name]
    first, second, _ = childrens.quarter_ends
    assert first.by_status["Off track"] == 1  # 1.2, reported on 30 June itself
    assert second.by_status["Closed"] == 1
    early = _pack(updated_db, as_at=dt.date(2023, 6, 29))
    assert all(p.quarter_ends == () for p in early.plans)


def test_measures_are_as_at_the_date(updated_db) -> None:
    before = _pack(updated_db, as_at=dt.date(2023, 1, 1))
    assert {m.rag.label for _, m in _measures(before)} == {"Grey"}
    assert all(m.trend == () and m.latest is None for _, m in _measures(before))
    trended = [m for _, m in _measures(_pack(updated_db)) if m.trend]
    assert trended
    for m in trended:
        assert [p.period_end for p in m.trend] == sorted(p.period_end for p in m.trend)
        assert m.trend[-1].value == m.latest


# -- as at a date -----------------------------------------------------------------

def test_status_latest_update_and_overdue_are_as_at_the_date(demo_db) -> None:
    _add(demo_db, CHILDRENS, "1.2", Status.ON_TRACK, dt.date(2023, 5, 10), "Started well")
    withdrawn = _add(demo_db, CHILDRENS, "1.2", Status.COMPLETE, dt.date(2023, 7, 1), "Oops")
    _add(demo_db, CHILDRENS, "1.2", Status.OFF_TRACK, dt.date(2023, 8, 1), "Slipped")
    with demo_db.write() as session:
        action_edits.withdraw_update(session, withdrawn, by="Ann", reason="wrong action")

    def at(day: dt.date, history: bool = False) -> PackAction:
        return _one(_pack(demo_db, as_at=day, history=history), CHILDRENS, "1.2")

    early = at(dt.date(2023, 5, 9))
    assert (early.status, early.latest_on, early.latest_text) == (Status.NOT_STARTED, None, "")
    june = at(dt.date(2023, 6, 30))
    assert (june.status, june.latest_on, june.latest_text) == (
        Status.ON_TRACK, dt.date(2023, 5, 10), "Started well")
    assert not june.overdue  # due 31 July 2023
    july = at(dt.date(2023, 7, 15))
    assert july.status is Status.ON_TRACK  # the withdrawn Complete does not count
    august = at(dt.date(2023, 8, 1))
    assert (august.status, august.latest_text, august.overdue) == (
        Status.OFF_TRACK, "Slipped", True)
    assert at(dt.date(2023, 8, 1)).history == ()  # only when asked for
    lines = at(dt.date(2023, 7, 15), history=True).history
    assert [(u.reported_on, u.status, u.withdrawn) for u in lines] == [
        (dt.date(2023, 5, 10), Status.ON_TRACK, False),
        (dt.date(2023, 7, 1), Status.COMPLETE, True),
    ]
    assert lines[1].withdrawn_note == "Withdrawn by Ann: wrong action"
    assert (lines[0].author, lines[0].done, lines[0].next_steps) == (
        "tester", "Started well", "next")
    assert len(at(dt.date(2023, 8, 1), history=True).history) == 3


def test_a_finished_action_is_not_overdue(demo_db) -> None:
    _add(demo_db, CHILDRENS, "1.1", Status.COMPLETE, dt.date(2023, 4, 20))
    data = _pack(demo_db, as_at=dt.date(2023, 8, 15))
    assert not _one(data, CHILDRENS, "1.1").overdue  # due 30 April, complete
    assert _one(data, CHILDRENS, "1.3").overdue  # due 31 July, not started
    assert not _one(_pack(demo_db, as_at=dt.date(2023, 7, 31)), CHILDRENS, "1.3").overdue


# -- filtered packs ---------------------------------------------------------------

def _led_by(db: Database, name: str) -> set[tuple[str, str]]:
    with db.read() as session:
        rows = session.connection().execute(
            select(Plan.short_name, Action.ref)
            .join(Action, col(Action.plan_id) == Plan.id)
            .join(ActionLead, col(ActionLead.action_id) == Action.id)
            .join(Lead, col(Lead.id) == ActionLead.lead_id)
            .where(Lead.name == name, col(ActionLead.deleted_at).is_(None),
                   col(Action.deleted_at).is_(None))
        ).all()
    return {(plan, ref) for plan, ref in rows}


def test_lead_pack_holds_exactly_that_leads_actions_across_plans(updated_db) -> None:
    with updated_db.write() as session:  # the Director also leads a Partnership action
        director = queries.lead_by_name(session)[DIRECTOR.casefold()]
        pa11 = _action_id(session, "Partnership", "PA1.1")
        current = [lead.id for lead in queries.leads_by_action(session, [pa11])[pa11]]
        action_edits.set_leads(session, pa11, [*current, director.id])
        plan = queries.find_plan(session, "Partnership")
        owned = queries.plan_measures(session, plan.id)[0]
        session.get(Measure, owned.id).owner_id = director.id
    expected = _led_by(updated_db, DIRECTOR)
    assert {plan for plan, _ in expected} == {CHILDRENS, "Partnership"}
    data = _pack(updated_db, lead="director of children’s services")
    assert Counter((a.plan, a.ref) for a in _actions(data)) == Counter(expected)
    assert all(DIRECTOR in a.leads for a in _actions(data))
    assert [p.short_name for p in data.plans] == [CHILDRENS, "Partnership"]
    assert [(plan, m.ref) for plan, m in _measures(data)] == [("Partnership", owned.ref)]
    assert data.title == f"Actions led by {DIRECTOR}"
    assert data.subtitle == "Children's Services and Partnership, as at 15 January 2024"
    assert all(p.actions or p.measures for plan in data.plans for p in plan.priorities)
    childrens = data.plans[0]
    assert sum(childrens.by_status.values()) == len([e for e in expected if e[0] == CHILDRENS])


def test_exceptions_pack(updated_db) -> None:
    full = _pack(updated_db)
    wanted = {(a.plan, a.ref) for a in _actions(full)
              if a.overdue or a.status in (Status.OFF_TRACK, Status.AT_RISK)}
    data = _pack(updated_db, exceptions_only=True)
    assert {(a.plan, a.ref) for a in _actions(data)} == wanted
    assert data.action_count == len(wanted)
    assert not any(a.status.is_finished for a in _actions(data))
    assert {m.rag.label for _, m in _measures(data)} == {"Red"}
    assert sum(p.measures_by_rag["Red"] for p in full.plans) == len(list(_measures(data)))
    assert [p.short_name for p in data.plans] == [p.short_name for p in full.plans]
    assert (data.title, data.subtitle) == ("Exceptions", "All plans, as at 15 January 2024")
    for plan in data.plans:
        assert {(a.plan, a.ref) for a in plan.exceptions} == {
            (a.plan, a.ref) for p in plan.priorities for a in p.actions}
        overdue = [a.overdue for a in plan.exceptions]
        assert overdue == sorted(overdue, reverse=True)  # overdue first
        assert sum(plan.by_status.values()) == len(plan.exceptions)


def test_priority_pack(updated_db) -> None:
    data = _pack(updated_db, plans=(CHILDRENS,), priority="2")
    with updated_db.read() as session:
        plan = queries.find_plan(session, CHILDRENS)
        two = next(p for p in queries.plan_priorities(session, plan.id) if p.ref == "2")
        refs = [a.ref for a in queries.plan_actions(session, plan.id) if a.priority_id == two.id]
        measures = [m.ref for m in queries.plan_measures(session, plan.id)
                    if m.priority_id == two.id]
    (only,) = data.plans
    assert [p.ref for p in only.priorities] == ["2"]
    assert [a.ref for a in only.priorities[0].actions] == refs
    assert [m.ref for m in only.priorities[0].measures] == measures
    assert data.subtitle == "Children's Services: priority 2 Leadership, as at 15 January 2024"
    assert only.by_priority_status[0][0] == "2 Leadership"
    assert sum(only.by_status.values()) == len(refs)
    across = _pack(updated_db, priority="pa1")  # every plan: only Partnership has it
    assert [p.short_name for p in across.plans] == ["Partnership"]
    assert [p.ref for p in across.plans[0].priorities] == ["PA1"]
    theme = _pack(updated_db, priority="T1")
    assert theme.subtitle.startswith("Corporate Services: theme T1 People First")
    assert [(p.ref, p.actions) for p in theme.plans[0].priorities] == [("T1", ())]


# -- refusals -----------------------------------------------------------------

def test_unknown_plan_priority_or_lead_is_refused_with_the_names(updated_db) -> None:
    with pytest.raises(NotFound) as plan:
        _pack(updated_db, plans=("Adults", "Partnership", "Housing"))
    lines = str(plan.value).splitlines()
    assert len(lines) == 2 and "'Adults'" in lines[0] and "'Housing'" in lines[1]
    assert "'Corporate Services'" in lines[0]
    with pytest.raises(NotFound, match=r"No priority '9'.*Partnership PA1, PA2, PA3"):
        _pack(updated_db, priority="9")
    with pytest.raises(NotFound, match="No priority 'PA1' in Children's Services"):
        _pack(updated_db, plans=(CHILDRENS,), priority="PA1")
    with pytest.raises(NotFound, match=r"No lead named 'Director'\. Close names: .*"
                                       r"Director of Children's Services"):
        _pack(updated_db, lead="Director")
    with pytest.raises(NotFound, match=r"Leads in this database: .*Julian Wooster"):
        _pack(updated_db, lead="Zebedee")
    with pytest.raises(NotFound, match=r"Julian Wooster leads no actions .* in Partnership"):
        _pack(updated_db, lead="Julian Wooster", plans=("Partnership",))


# -- markings -----------------------------------------------------------------

def test_markings_and_draft(updated_db) -> None:
    data = _pack(updated_db)
    assert {p.marking for p in data.plans} == {"OFFICIAL"}  # the demo plans have none
    assert data.marking == "OFFICIAL"
    assert data.draft and all(p.draft for p in data.plans)  # the demo plans are drafts
    with updated_db.write() as session:
        plan = queries.find_plan(session, "Partnership")
        plan_care.edit_plan(session, plan.id, marking="official sensitive", state="Approved")
    data = _pack(updated_db)
    assert [p.marking for p in data.plans] == ["OFFICIAL", "OFFICIAL", "OFFICIAL-SENSITIVE"]
    assert data.marking == "OFFICIAL-SENSITIVE"  # the strictest in the pack
    assert [p.draft for p in data.plans] == [True, True, False]
    one = _pack(updated_db, plans=("Partnership",))
    assert (one.marking, one.draft) == ("OFFICIAL-SENSITIVE", False)
    given = _pack(updated_db, marking="OFFICIAL-SENSITIVE", plans=(CHILDRENS,))
    assert (given.marking, given.plans[0].marking) == ("OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE")


# -- speed ----------------------------------------------------------------------

def test_a_plan_of_2000_actions_is_gathered_in_well_under_a_second(tmp_path) -> None:
    db = open_database(tmp_path / "big.sqlite", create=True, author="bench")
    try:
        with db.write() as session:
            save_document(session, generated_plan(2000))
        with db.read() as session:
            start = time.perf_counter()
            data = pack_data(session, PackOptions(history=True), TODAY)
            elapsed = time.perf_counter() - start
    finally:
        db.close()
    assert data.action_count == 2000
    assert elapsed < 1.0, f"{elapsed:.2f}s"
