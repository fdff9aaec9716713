"""The Overview counts exactly what `perfdesk plans` and `perfdesk measures`
print, now and at each quarter end."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest

from perfdesk import cli
from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.actions.rows import action_rows
from perfdesk.services.overview import NO_PRIORITY, Overview, overview, quarter_ends
from perfdesk.services.summaries import plan_summary
from perfdesk.store import queries
from perfdesk.store.database import Database

TODAY = dt.date(2024, 1, 15)  # three quarter ends of the demo plans have passed
CHILDRENS = "Children's Services"

# (plan, action ref, status, reported on): a history crossing the quarter ends
UPDATES = [
    (CHILDRENS, "1.1", Status.ON_TRACK, dt.date(2023, 5, 10)),
    (CHILDRENS, "1.1", Status.AT_RISK, dt.date(2023, 8, 1)),
    (CHILDRENS, "1.1", Status.COMPLETE, dt.date(2023, 12, 20)),
    (CHILDRENS, "1.2", Status.OFF_TRACK, dt.date(2023, 6, 30)),  # on the quarter end itself
    (CHILDRENS, "2.1", Status.AT_RISK, dt.date(2023, 10, 20)),
    (CHILDRENS, "3.1", Status.CLOSED, dt.date(2023, 9, 1)),
    (CHILDRENS, "4.2", Status.ON_TRACK, dt.date(2024, 1, 5)),  # after the last passed one
    ("Corporate Services", "C1", Status.OFF_TRACK, dt.date(2023, 7, 14)),
    ("Corporate Services", "C2", Status.COMPLETE, dt.date(2023, 9, 30)),
    ("Partnership", "PA1.1", Status.AT_RISK, dt.date(2023, 11, 2)),
]


def _action_id(session, plan_name: str, ref: str) -> str:
    plan = queries.find_plan(session, plan_name)
    actions = {a.ref: a.id for a in queries.plan_actions(session, plan.id)}
    return actions[ref]


@pytest.fixture
def updated_db(demo_db: Database) -> Database:
    with demo_db.write() as session:
        for plan, ref, status, on in UPDATES:
            action_edits.add_update(session, _action_id(session, plan, ref), status=status,
                                    reported_on=on, author="tester", done=f"{status.label}\nmore")
    return demo_db


def _cli_plans(db: Database, capsys: pytest.CaptureFixture[str],
               as_at: dt.date | None = None) -> dict[str, dict[str, int]]:
    capsys.readouterr()
    argv = ["plans", "--db", db.location, "--json"]
    if as_at is not None:
        argv += ["--as-at", as_at.isoformat()]
    assert cli.main(argv) == 0
    return {p["short_name"]: p["by_status"] for p in json.loads(capsys.readouterr().out)}


def _summed(counts: list[dict[str, int]]) -> dict[str, int]:
    return {label: sum(c[label] for c in counts) for label in STATUS_LABELS}


def _overview(db: Database, plan_name: str | None = None) -> Overview:
    with db.read() as session:
        plan_id = queries.find_plan(session, plan_name).id if plan_name else None
        return overview(session, plan_id, TODAY)


def test_totals_equal_perfdesk_plans_for_every_plan_and_for_all(updated_db, capsys) -> None:
    printed = _cli_plans(updated_db, capsys)
    everything = _overview(updated_db)
    assert {p.summary.short_name: p.summary.by_status for p in everything.plans} == printed
    assert everything.totals == _summed(list(printed.values()))
    assert everything.totals[Status.COMPLETE.label] == 2  # the updates did count
    for name, by_status in printed.items():
        one = _overview(updated_db, name)
        assert one.totals == by_status
        assert [p.summary.short_name for p in one.plans] == [name]


def test_breakdowns_add_up_to_the_totals(updated_db) -> None:
    for name in (None, CHILDRENS, "Corporate Services", "Partnership"):
        view = _overview(updated_db, name)
        by_priority = _summed([dict(p.by_status) for p in view.by_priority])
        by_timeframe = _summed([dict(t.by_status) for t in view.by_timeframe])
        assert by_priority == view.totals == by_timeframe


def test_quarter_ends_equal_perfdesk_plans_as_at_each_date(updated_db, capsys) -> None:
    everything = _overview(updated_db)
    assert [q.label for q in everything.quarter_ends] == [
        "30 Jun 2023", "30 Sep 2023", "31 Dec 2023"]
    for quarter in everything.quarter_ends:
        printed = _cli_plans(updated_db, capsys, quarter.as_at)
        assert quarter.by_status == _summed(list(printed.values())), quarter.label
        one = _overview(updated_db, CHILDRENS)
        at = next(q for q in one.quarter_ends if q.as_at == quarter.as_at)
        assert at.by_status == printed[CHILDRENS]
    first, second, third = (q.by_status for q in everything.quarter_ends)
    assert first[Status.OFF_TRACK.label] == 1  # 1.2, reported on 30 June itself
    assert second[Status.OFF_TRACK.label] == 2 and second[Status.CLOSED.label] == 1
    assert third[Status.COMPLETE.label] == 2


def test_exceptions_are_exactly_the_overdue_off_track_and_at_risk_actions(updated_db) -> None:
    view = _overview(updated_db)
    with updated_db.read() as session:
        rows = [r for p in queries.plans(session) for r in action_rows(session, p.id, TODAY)]
    wanted = {r.id for r in rows if r.overdue or r.status in (Status.OFF_TRACK, Status.AT_RISK)}
    assert {e.action_id for e in view.exceptions} == wanted
    assert len(view.exceptions) == len(wanted)
    overdue = [e.overdue for e in view.exceptions]
    assert overdue == sorted(overdue, reverse=True)  # overdue first
    for group in (True, False):
        dues = [e.due_date or dt.date.max for e in view.exceptions if e.overdue is group]
        assert dues == sorted(dues)
    at_risk = next(e for e in view.exceptions if e.ref == "2.1" and e.plan_short_name == CHILDRENS)
    assert at_risk.status is Status.AT_RISK
    assert (at_risk.latest_on, at_risk.latest_line) == (dt.date(2023, 10, 20), "At risk")
    assert at_risk.leads  # who to ask
    finished = {r.id for r in rows if r.status.is_finished}
    assert not finished & wanted


def test_priorities_are_labelled_for_one_plan_and_for_all(updated_db) -> None:
    one = _overview(updated_db, CHILDRENS)
    assert [p.label for p in one.by_priority] == [
        "1 Change", "2 Leadership", "3 Engagement", "4 Workforce"]
    assert one.by_priority[0].total == 14
    everything = _overview(updated_db)
    labels = [p.label for p in everything.by_priority]
    assert labels[0] == "Children's Services: 1 Change"
    assert f"Corporate Services: {NO_PRIORITY}" in labels  # its actions have no priority
    corporate = _overview(updated_db, "Corporate Services")
    unprioritised = [p for p in corporate.by_priority if p.priority_id is None]
    assert [p.total for p in unprioritised] == [19]


def test_timeframes_in_order(updated_db) -> None:
    view = _overview(updated_db, CHILDRENS)
    assert [(t.group, t.total) for t in view.by_timeframe] == [
        ("0–3 months", 9), ("3–6 months", 19), ("6–12 months", 11), ("No timeframe", 0)]


def test_measures_by_area_agree_with_perfdesk_measures(updated_db, capsys) -> None:
    for name in (CHILDRENS, "Partnership"):
        capsys.readouterr()
        assert cli.main(["measures", "--db", updated_db.location, "--plan", name,
                         "--json"]) == 0
        printed = Counter(m["rag"] for m in json.loads(capsys.readouterr().out))
        view = _overview(updated_db, name)
        counted = Counter()
        for area in view.measures_by_area:
            counted.update({rag: n for rag, n in area.by_rag.items() if n})
        assert counted == printed
    everything = _overview(updated_db)
    assert everything.measures_by_area[0].label.startswith(f"{CHILDRENS}: ")
    assert not any(a.label.startswith("Corporate") for a in everything.measures_by_area)


def test_quarter_ends_of_a_financial_year() -> None:
    assert quarter_ends(dt.date(2023, 4, 1), dt.date(2024, 3, 31)) == [
        dt.date(2023, 6, 30), dt.date(2023, 9, 30), dt.date(2023, 12, 31),
        dt.date(2024, 3, 31)]
    assert quarter_ends(dt.date(2023, 7, 1), dt.date(2023, 9, 29)) == []


def test_no_quarter_end_before_the_first_has_passed(updated_db) -> None:
    with updated_db.read() as session:
        early = overview(session, None, dt.date(2023, 6, 29))
    assert early.quarter_ends == ()


# -- the SQL counts never drift from the domain's rule ------------------------------

@pytest.fixture
def generated_db(db_path) -> Database:
    """Two generated plans with histories: some updates withdrawn, several
    per action, some on the same day (ranked then by when recorded)."""
    from sqlalchemy import text

    from benchmarks.generate import generate_database
    from perfdesk.store.database import open_database

    generate_database(db_path, plans=2, actions=400, updates=1600, measures=4, values=3)
    db = open_database(db_path)
    with db.write() as session:
        connection = session.connection()
        # Every update recorded at its own moment, so the ranking is total.
        connection.execute(text(
            "UPDATE progress_update SET recorded_at = "
            "strftime('%Y-%m-%d %H:%M:%f000', '2024-01-01', '+' || rowid || ' seconds')"))
        connection.execute(text(  # the same day as another of the action's updates
            "UPDATE progress_update SET reported_on = (SELECT min(o.reported_on) "
            "FROM progress_update AS o WHERE o.action_id = progress_update.action_id) "
            "WHERE rowid % 5 = 0"))
        connection.execute(text(
            "UPDATE progress_update SET withdrawn_at = '2024-02-01 00:00:00.000000', "
            "withdrawn_by = 'tester', withdrawn_reason = 'wrong action' WHERE rowid % 7 = 0"))
    yield db
    db.close()


def _by_rule(session, plan, today: dt.date):
    """What the overview should count, by `domain.as_at.status_as_at`."""
    from collections import defaultdict

    from sqlmodel import col, select

    from perfdesk.domain.as_at import UpdateFact, status_as_at
    from perfdesk.domain.status import is_overdue
    from perfdesk.store.schema import Action, ProgressUpdate

    facts = defaultdict(list)
    for action_id, on, at, status, withdrawn in session.exec(
            select(ProgressUpdate.action_id, ProgressUpdate.reported_on,
                   ProgressUpdate.recorded_at, ProgressUpdate.status,
                   ProgressUpdate.withdrawn_at)):
        facts[action_id].append(UpdateFact(on, at, status, withdrawn is not None))
    actions = session.exec(select(Action).where(
        Action.plan_id == plan.id, col(Action.deleted_at).is_(None))).all()
    days = quarter_ends(plan.period_start, min(plan.period_end, today))
    now = {a.id: status_as_at(facts[a.id]) for a in actions}
    return {
        "totals": Counter(s.label for s in now.values()),
        "priority": Counter((a.priority_id, now[a.id].label) for a in actions),
        "timeframe": Counter((a.timeframe.label if a.timeframe else None, now[a.id].label)
                             for a in actions),
        "days": {day: Counter(status_as_at(facts[a.id], day).label for a in actions)
                 for day in days},
        "overdue": {a.id for a in actions if is_overdue(a.due_date, now[a.id], today)},
        "attention": {a.id for a in actions if is_overdue(a.due_date, now[a.id], today)
                      or now[a.id] in (Status.OFF_TRACK, Status.AT_RISK)},
    }


def _nonzero(counts) -> Counter:
    return Counter({k: v for k, v in dict(counts).items() if v})


@pytest.mark.parametrize("today", [dt.date(2023, 11, 15), dt.date(2024, 1, 15)])
def test_sql_counts_equal_the_domain_rule_on_a_generated_plan(generated_db, today) -> None:
    with generated_db.read() as session:
        for plan in queries.plans(session):
            wanted = _by_rule(session, plan, today)
            view = overview(session, plan.id, today)
            assert view.plans[0].summary == plan_summary(session, plan)  # `perfdesk plans`
            assert _nonzero(view.totals) == wanted["totals"]
            assert Counter({(p.priority_id, label): n for p in view.by_priority
                            for label, n in p.by_status.items() if n}) == wanted["priority"]
            assert Counter({(t.group, label): n for t in view.by_timeframe
                            for label, n in t.by_status.items() if n}) == Counter(
                {(tf or "No timeframe", label): n
                 for (tf, label), n in wanted["timeframe"].items()})
            assert {q.as_at: _nonzero(q.by_status) for q in view.quarter_ends} == wanted["days"]
            assert view.overdue == len(wanted["overdue"])
            assert {e.action_id for e in view.exceptions if e.overdue} == wanted["overdue"]
            assert {e.action_id for e in view.exceptions} == wanted["attention"]
            assert view.needs_attention == len(wanted["attention"])
            first = overview(session, plan.id, today, attention_limit=25)
            assert [(e.plan_short_name, e.ref) for e in first.exceptions] == [
                (e.plan_short_name, e.ref) for e in view.exceptions[:25]]
            assert first.exceptions == view.exceptions[:25]
            assert first.needs_attention == view.needs_attention


def test_exact_ties_are_counted_and_listed_alike(updated_db) -> None:
    """Two updates reported and recorded at the same moment: whichever ranks
    latest, the counts and the list of actions needing attention agree."""
    from sqlalchemy import text

    with updated_db.write() as session:
        for ref in ("3.2", "3.3", "4.1"):
            action_id = _action_id(session, CHILDRENS, ref)
            for status in (Status.OFF_TRACK, Status.ON_TRACK, Status.AT_RISK):
                action_edits.add_update(session, action_id, status=status,
                                        reported_on=dt.date(2023, 11, 1), author="tester",
                                        done=status.label)
            session.flush()
            session.connection().execute(text(
                "UPDATE progress_update SET recorded_at = '2023-11-01 09:00:00.000000' "
                "WHERE action_id = :a"), {"a": action_id})
    view = _overview(updated_db)
    for status in (Status.OFF_TRACK, Status.AT_RISK):
        assert view.totals[status.label] == sum(e.status is status for e in view.exceptions)
