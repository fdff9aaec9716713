"""Rolling a plan into next year: the open actions come along, linked back
to where they came from; the old plan stays exactly as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from perfdesk.domain.as_at import status_as_at
from perfdesk.domain.status import Status
from perfdesk.errors import Conflict
from perfdesk.services.plans.documents import load_document, update_facts
from perfdesk.services.plans.roll_forward import roll_forward
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.store.schema import (
    Action,
    Change,
    MeasureAction,
    MeasureValue,
    Plan,
    ProgressUpdate,
    Step,
    utc_now,
)

CHILDRENS = "Children's Services"
AS_AT = dt.date(2024, 3, 31)
START, END = dt.date(2024, 4, 1), dt.date(2025, 3, 31)


def update(
    action: Action, on: dt.date, status: str, done: str = "", **extra: object
) -> ProgressUpdate:
    return ProgressUpdate(
        action_id=action.id, reported_on=on, status=Status(status), done_text=done, author="Lead",
        **extra,
    )


@pytest.fixture
def year_one(demo_db: Database) -> Database:
    """Children's Services a year in: some actions finished, some not."""
    with demo_db.write(author="Year one") as session:
        plan = queries.find_plan(session, CHILDRENS)
        a = {x.ref: x for x in queries.plan_actions(session, plan.id)}
        session.add_all([
            update(a["1.1"], dt.date(2024, 2, 1), "Complete", "Done."),
            update(a["1.2"], dt.date(2024, 1, 10), "Closed", "Superseded."),
            update(a["1.3"], dt.date(2024, 1, 1), "On track", "Panel met twice.\nMinutes shared.",
                   next_steps="Publish the minutes"),
            update(a["1.3"], dt.date(2024, 4, 15), "Complete", "Finished after year end."),
            update(a["1.4"], dt.date(2024, 2, 1), "Complete", "Typed in error.",
                   withdrawn_at=utc_now(), withdrawn_by="Lead", withdrawn_reason="Wrong action"),
            update(a["2.1"], dt.date(2024, 3, 1), "At risk", ""),
            Step(action_id=a["1.3"].id, text="Book the panel", done=True, display_order=0),
            Step(action_id=a["1.3"].id, text="Publish minutes", timescale="May", display_order=1),
        ])
        measures = queries.plan_measures(session, plan.id)
        session.add_all([
            MeasureValue(measure_id=measures[0].id, period="2024-02",
                         period_end=dt.date(2024, 2, 29), value=42.0),
            MeasureValue(measure_id=measures[0].id, period="2024-05",
                         period_end=dt.date(2024, 5, 31), value=99.0),  # after the as-at date
            MeasureAction(measure_id=measures[0].id, action_id=a["1.1"].id),
            MeasureAction(measure_id=measures[0].id, action_id=a["1.3"].id),
        ])
    return demo_db


def roll(db: Database, short_name: str = "Children's 2024-25") -> Plan:
    with db.write(author="Planner") as session:
        old = queries.find_plan(session, CHILDRENS)
        return roll_forward(
            session, old.id, "Children's Services Improvement Plan 2024-25", short_name,
            START, END, AS_AT, "Planner",
        )


def open_refs(db: Database) -> list[str]:
    """What a user would expect to carry: neither Complete nor Closed as at the date."""
    with db.read() as session:
        actions = queries.plan_actions(session, queries.find_plan(session, CHILDRENS).id)
        updates = queries.updates_by_action(session, [a.id for a in actions])
        return [
            a.ref for a in actions
            if not status_as_at(update_facts(updates.get(a.id, [])), AS_AT).is_finished
        ]


def test_exactly_the_open_actions_are_carried_with_links_back(year_one: Database) -> None:
    expected = open_refs(year_one)
    assert expected[:3] == ["1.3", "1.4", "1.5"] and len(expected) == 37
    new = roll(year_one)
    with year_one.read() as session:
        carried = queries.plan_actions(session, new.id)
        assert [a.ref for a in carried] == expected
        for a in carried:
            source = session.get(Action, a.carried_from_id)
            assert source.plan_id == new.rolled_from_id
            assert (source.ref, source.text, source.due_date, source.timeframe) == (
                a.ref, a.text, a.due_date, a.timeframe)
        updates = queries.updates_by_action(session, [a.id for a in carried])
        assert all(len(updates[a.id]) == 1 for a in carried)
        assert all(u.reported_on == AS_AT and u.author == "Planner"
                   for rows in updates.values() for u in rows)
        by_ref = {a.ref: updates[a.id][0] for a in carried}
    assert (by_ref["1.3"].status, by_ref["1.3"].done_text, by_ref["1.3"].next_steps) == (
        Status.ON_TRACK,
        "Carried forward from Children's Services action 1.3; "
        "latest update 2024-01-01: Panel met twice.",
        "Publish the minutes",
    )
    assert (by_ref["1.4"].status, by_ref["1.4"].done_text) == (
        Status.NOT_STARTED, "Carried forward from Children's Services action 1.4")
    assert by_ref["2.1"].status is Status.AT_RISK


def test_the_new_plan_has_the_same_shape_and_leads(year_one: Database) -> None:
    new = roll(year_one)
    with year_one.read() as session:
        old_plan = session.get(Plan, new.rolled_from_id)
        old, fresh = load_document(session, old_plan), load_document(session, new)
        new_ids = [a.id for a in queries.plan_actions(session, new.id)]
        steps = queries.steps_by_action(session, new_ids)
    assert (fresh.plan.state, fresh.plan.organisation, fresh.plan.board) == (
        "Draft", old.plan.organisation, old.plan.board)
    assert (fresh.plan.period_start, fresh.plan.period_end) == (START, END)
    assert fresh.priorities == old.priorities
    assert fresh.outcomes == old.outcomes
    old_leads = {a.ref: a.leads for a in old.actions}
    assert all(a.leads == old_leads[a.ref] for a in fresh.actions)
    assert [s.text for rows in steps.values() for s in rows] == ["Publish minutes"]


def test_measures_start_from_their_latest_value_and_link_only_carried_actions(
    year_one: Database,
) -> None:
    new = roll(year_one)
    with year_one.read() as session:
        old_measures = queries.plan_measures(session, new.rolled_from_id)
        measures = queries.plan_measures(session, new.id)
        linked = queries.actions_by_measure(session, [m.id for m in measures])
    assert [m.indicator for m in measures] == [m.indicator for m in old_measures]
    first = measures[0]
    assert (first.baseline, first.baseline_date) == (42.0, dt.date(2024, 2, 29))
    was = old_measures[0]
    assert (first.target, first.target_text, first.unit) == (was.target, was.target_text, was.unit)
    assert [a.ref for a in linked[first.id]] == ["1.3"]
    assert linked[first.id][0].plan_id == new.id
    for old, copy in zip(old_measures[1:], measures[1:], strict=True):
        assert (copy.baseline, copy.baseline_date) == (old.baseline, old.baseline_date)


def test_the_new_plan_is_independent_of_the_old(year_one: Database) -> None:
    new = roll(year_one)
    with year_one.read() as session:
        before = load_document(session, session.get(Plan, new.rolled_from_id))
        carried = queries.plan_actions(session, new.id)[0]
    with year_one.write(author="Editor") as session:
        session.get(Action, carried.id).text = "Rewritten for the new year"
        session.add(Step(action_id=carried.id, text="A new step"))
    with year_one.read() as session:
        assert load_document(session, session.get(Plan, new.rolled_from_id)) == before
        assert session.get(Action, carried.carried_from_id).text != "Rewritten for the new year"


def test_rolling_forward_is_recorded_and_refuses_a_taken_short_name(year_one: Database) -> None:
    new = roll(year_one)
    with year_one.read() as session:
        inserts = session.exec(select(Change).where(
            Change.author == "Planner", Change.kind == "insert")).all()
    assert {c.table_name for c in inserts} >= {
        "plan", "priority", "outcome", "action", "action_lead", "progress_update", "measure"}
    assert any(c.row_id == new.id for c in inserts)
    with pytest.raises(Conflict, match="already a plan"):
        roll(year_one, short_name="children’s 2024-25")
    with year_one.read() as session:
        assert len(queries.plans(session)) == 4
