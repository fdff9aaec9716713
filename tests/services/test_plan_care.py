"""Reshaping a plan: adding, moving, deleting and renumbering actions; its
priorities, outcomes, leads and the plan itself. Every edit is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, col, select

from perfdesk.domain.text import name_key
from perfdesk.domain.timeframe import Timeframe
from perfdesk.errors import Conflict, NotFound
from perfdesk.services.plans import care, leads
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.store.edits import perform, reverse
from perfdesk.store.schema import (
    Action,
    ActionLead,
    Change,
    Lead,
    Measure,
    Outcome,
    Plan,
    Priority,
    RoleHolder,
)

CHILDRENS = "Children's Services"
NEXT_3 = "0–3 months"
TABLES = {"action": Action, "priority": Priority, "outcome": Outcome}


def plan_id(db: Database, name: str) -> str:
    with db.read() as session:
        return queries.find_plan(session, name).id


def priority_id(db: Database, plan: str, ref: str) -> str:
    with db.read() as session:
        found = queries.plan_priorities(session, queries.find_plan(session, plan).id)
        return next(p.id for p in found if p.ref == ref)


def action_id(db: Database, plan: str, ref: str) -> str:
    with db.read() as session:
        found = queries.plan_actions(session, queries.find_plan(session, plan).id)
        return next(a.id for a in found if a.ref == ref)


def refs(db: Database, plan: str) -> list[str]:
    """Action refs in the order the plan shows them."""
    with db.read() as session:
        return [a.ref for a in queries.plan_actions(session, queries.find_plan(session, plan).id)]


def lead_id(db: Database, name: str) -> str:
    with db.read() as session:
        return queries.lead_by_name(session)[name_key(name)].id


def plan_order_holds(db: Database, plan: str) -> bool:
    """Actions run priority by priority, and by timeframe within a priority."""
    with db.read() as session:
        pid = queries.find_plan(session, plan).id
        ranks = {p.id: n for n, p in enumerate(queries.plan_priorities(session, pid))}
        bands = {tf: n for n, tf in enumerate(Timeframe)}
        keys = [
            (ranks.get(a.priority_id or "", 99), 9 if a.timeframe is None else bands[a.timeframe])
            for a in queries.plan_actions(session, pid)
        ]
    return keys == sorted(keys)


# --- Actions -----------------------------------------------------------------

def test_new_action_in_priority_2_next_3_months_is_2_10_after_2_2(demo_db: Database) -> None:
    pid, p2 = plan_id(demo_db, CHILDRENS), priority_id(demo_db, CHILDRENS, "2")
    with demo_db.write(author="Jo") as session:
        new = care.add_action(session, pid, p2, "0-3 months", "  Audit the front door  ")
    assert (new.ref, new.timeframe, new.text) == ("2.10", Timeframe(NEXT_3), "Audit the front door")
    order = refs(demo_db, CHILDRENS)
    assert len(order) == 40
    assert order[order.index("2.2") + 1] == "2.10"
    assert order[order.index("2.10") + 1] == "2.3"
    assert plan_order_holds(demo_db, CHILDRENS)


def test_new_actions_follow_each_plans_ref_pattern(demo_db: Database) -> None:
    corporate, partnership = plan_id(demo_db, "Corporate Services"), plan_id(demo_db, "Partnership")
    pa1 = priority_id(demo_db, "Partnership", "PA1")
    with demo_db.write() as session:
        c20 = care.add_action(session, corporate, None, None, "New corporate action")
        pa15 = care.add_action(session, partnership, pa1, None)
    assert (c20.ref, pa15.ref) == ("C20", "PA1.5")
    assert refs(demo_db, "Corporate Services")[-1] == "C20"
    order = refs(demo_db, "Partnership")
    assert order[order.index("PA1.4") + 1] == "PA1.5"
    assert order[order.index("PA1.5") + 1] == "PA2.1"


def test_first_actions_of_a_blank_plan_are_numbered_by_priority(empty_db: Database) -> None:
    with empty_db.write() as session:
        plan = care.create_blank_plan(session, "Recovery plan", "Recovery", None, None)
        one = care.add_priority(session, plan.id, "Listen")
        two = care.add_priority(session, plan.id, "Lead")
        first = care.add_action(session, plan.id, two.id, "6-12 months")
        second = care.add_action(session, plan.id, one.id, None)
        third = care.add_action(session, plan.id, one.id, "0-3 months")
    assert (one.ref, two.ref) == ("1", "2")
    assert [first.ref, second.ref, third.ref] == ["2.1", "1.1", "1.2"]
    assert refs(empty_db, "Recovery") == ["1.2", "1.1", "2.1"]
    assert plan_order_holds(empty_db, "Recovery")


def test_an_action_cannot_join_another_plans_priority_or_a_made_up_timeframe(
    demo_db: Database,
) -> None:
    pid, other = plan_id(demo_db, CHILDRENS), priority_id(demo_db, "Partnership", "PA1")
    with pytest.raises(Conflict, match="another plan"), demo_db.write() as session:
        care.add_action(session, pid, other, None)
    with pytest.raises(Conflict, match="Unknown timeframe"), demo_db.write() as session:
        care.add_action(session, pid, None, "next year")
    assert len(refs(demo_db, CHILDRENS)) == 39


def test_deleted_action_disappears_and_renumbering_closes_the_gap(demo_db: Database) -> None:
    gone = action_id(demo_db, CHILDRENS, "1.2")
    old_1_3 = action_id(demo_db, CHILDRENS, "1.3")
    with demo_db.write() as session:
        care.delete_action(session, gone)
    assert "1.2" not in refs(demo_db, CHILDRENS)
    with demo_db.write() as session:
        changed = care.renumber_actions(session, plan_id(demo_db, CHILDRENS))
    order = refs(demo_db, CHILDRENS)
    assert changed == 12  # 1.3 ... 1.14 each move down one
    assert order[:13] == [f"1.{n}" for n in range(1, 14)]
    assert len(order) == len(set(order)) == 38
    assert action_id(demo_db, CHILDRENS, "1.2") == old_1_3
    with demo_db.read() as session:
        assert session.get(Action, gone).ref == "1.2"  # tombstone keeps its old ref


def test_renumbering_an_already_numbered_plan_changes_nothing(demo_db: Database) -> None:
    names = (CHILDRENS, "Corporate Services", "Partnership")
    before = {name: refs(demo_db, name) for name in names}
    with demo_db.write() as session:
        changed = [care.renumber_actions(session, p.id) for p in queries.plans(session)]
    assert changed == [0, 0, 0]
    assert {name: refs(demo_db, name) for name in before} == before


def test_renumbering_across_the_plan_and_after_an_insert(demo_db: Database) -> None:
    corporate = plan_id(demo_db, "Corporate Services")
    pid, p2 = plan_id(demo_db, CHILDRENS), priority_id(demo_db, CHILDRENS, "2")
    with demo_db.write() as session:
        care.delete_action(session, action_id(demo_db, "Corporate Services", "C5"))
        new = care.add_action(session, pid, p2, NEXT_3)
    with demo_db.write() as session:
        assert care.renumber_actions(session, corporate) == 14
        assert care.renumber_actions(session, pid) == 8  # new one and 2.3 ... 2.9
    assert refs(demo_db, "Corporate Services") == [f"C{n}" for n in range(1, 19)]
    order = refs(demo_db, CHILDRENS)
    assert order[14:24] == [f"2.{n}" for n in range(1, 11)]
    assert action_id(demo_db, CHILDRENS, "2.3") == new.id
    assert len(order) == len(set(order))
    with demo_db.read() as session:
        assert care.next_ref(session, pid, p2) == "2.11"


def test_renumbering_by_priority_gives_actions_without_one_their_own_series(
    demo_db: Database,
) -> None:
    pid = plan_id(demo_db, CHILDRENS)
    with demo_db.write() as session:
        care.move_action(session, action_id(demo_db, CHILDRENS, "1.1"), None, None)
        care.renumber_actions(session, pid)
    order = refs(demo_db, CHILDRENS)
    assert order[:13] == [f"1.{n}" for n in range(1, 14)] and order[-1] == "0.1"
    assert len(order) == len(set(order)) == 39


def test_moved_action_keeps_its_ref_and_goes_last_in_its_new_group(demo_db: Database) -> None:
    moving = action_id(demo_db, CHILDRENS, "1.1")
    with demo_db.write() as session:
        moved = care.move_action(
            session, moving, priority_id(demo_db, CHILDRENS, "3"), "6–12 months"
        )
    assert (moved.ref, moved.timeframe) == ("1.1", Timeframe.MONTHS_6_12)
    order = refs(demo_db, CHILDRENS)
    assert order[order.index("3.7") + 1] == "1.1"
    assert order[order.index("1.1") + 1] == "4.1"
    assert plan_order_holds(demo_db, CHILDRENS)


def test_a_deleted_action_cannot_be_moved(demo_db: Database) -> None:
    gone = action_id(demo_db, CHILDRENS, "1.1")
    with demo_db.write() as session:
        care.delete_action(session, gone)
    with pytest.raises(NotFound, match="deleted"), demo_db.write() as session:
        care.move_action(session, gone, None, None)


# --- Priorities --------------------------------------------------------------

def test_new_priorities_follow_each_plans_refs_and_go_last(demo_db: Database) -> None:
    with demo_db.write() as session:
        made = [
            care.add_priority(session, plan_id(demo_db, CHILDRENS), "Education"),
            care.add_priority(session, plan_id(demo_db, "Partnership"), "Housing"),
            care.add_priority(session, plan_id(demo_db, "Corporate Services"), "Data", "theme"),
            care.add_priority(session, plan_id(demo_db, "Corporate Services"), "Money"),
        ]
    assert [(p.ref, p.kind) for p in made] == [
        ("5", "Priority"), ("PA4", "Priority"), ("T4", "Theme"), ("P8", "Priority")]
    with demo_db.read() as session:
        last = queries.plan_priorities(session, plan_id(demo_db, "Corporate Services"))[-1]
    assert last.title == "Money"


def test_editing_a_priority_checks_what_is_typed(demo_db: Database) -> None:
    p1 = priority_id(demo_db, CHILDRENS, "1")
    with demo_db.write() as session:
        care.edit_priority(session, p1, title=" Voice  of the child ", statement="We listen. ")
    with demo_db.read() as session:
        row = session.get(Priority, p1)
        assert (row.title, row.statement) == ("Voice of the child", "We listen.")
    for fields, error in (
        ({"title": "  "}, Conflict), ({"ref": "2"}, Conflict), ({"kind": "Wish"}, Conflict),
        ({"display_order": 9}, ValueError),
    ):
        with pytest.raises(error), demo_db.write() as session:
            care.edit_priority(session, p1, **fields)


def test_deleting_a_priority_hides_its_actions_and_undo_brings_them_back(
    demo_db: Database,
) -> None:
    pid, p2 = plan_id(demo_db, CHILDRENS), priority_id(demo_db, CHILDRENS, "2")
    with demo_db.read() as session:
        outcomes = len(queries.plan_outcomes(session, pid))
    with demo_db.write() as session:
        hidden = care.delete_priority(session, p2)
    assert len(hidden) == 9
    assert not any(ref.startswith("2.") for ref in refs(demo_db, CHILDRENS))
    with demo_db.read() as session:
        assert [p.ref for p in queries.plan_priorities(session, pid)] == ["1", "3", "4"]
        assert len(queries.plan_outcomes(session, pid)) < outcomes
        tombstoned = session.exec(select(Change).where(Change.kind == "delete")).all()
    with demo_db.write() as session:  # undo by hand: restore every tombstone
        for change in tombstoned:
            session.get(TABLES[change.table_name], change.row_id).deleted_at = None
    assert len(refs(demo_db, CHILDRENS)) == 39
    with demo_db.read() as session:
        assert len(queries.plan_outcomes(session, pid)) == outcomes


def test_generic_undo_of_a_deleted_priority_restores_everything(demo_db: Database) -> None:
    pid, p4 = plan_id(demo_db, CHILDRENS), priority_id(demo_db, CHILDRENS, "4")
    _, edit = perform(demo_db, "Delete priority", lambda s: care.delete_priority(s, p4))
    assert len(refs(demo_db, CHILDRENS)) == 30
    reverse(demo_db, edit)
    assert refs(demo_db, CHILDRENS)[-9:] == [f"4.{n}" for n in range(1, 10)]
    with demo_db.read() as session:
        assert [p.ref for p in queries.plan_priorities(session, pid)] == ["1", "2", "3", "4"]


# --- Outcomes ----------------------------------------------------------------

def test_outcomes_can_be_added_edited_and_deleted(demo_db: Database) -> None:
    pid, p1 = plan_id(demo_db, CHILDRENS), priority_id(demo_db, CHILDRENS, "1")
    with demo_db.write() as session:
        outcome = care.add_outcome(session, pid, p1, "Children say they are heard. ")
    with demo_db.read() as session:
        shown = queries.plan_outcomes(session, pid)
    assert (shown[-1].id, shown[-1].statement, shown[-1].priority_id) == (
        outcome.id, "Children say they are heard.", p1)
    with demo_db.write() as session:
        care.edit_outcome(session, outcome.id, "Children feel heard.")
    with pytest.raises(Conflict, match="statement"), demo_db.write() as session:
        care.edit_outcome(session, outcome.id, " ")
    with demo_db.write() as session:
        care.delete_outcome(session, outcome.id)
    with demo_db.read() as session:
        assert len(queries.plan_outcomes(session, pid)) == len(shown) - 1


# --- Leads -------------------------------------------------------------------

def test_leads_are_added_once_and_kind_is_guessed(demo_db: Database) -> None:
    with demo_db.write() as session:
        person = leads.add_lead(session, "Priya  Shah")
        role = leads.add_lead(session, "Head of Early Help")
    assert (person.name, person.kind, role.kind) == ("Priya Shah", "Person", "Role")
    with pytest.raises(Conflict, match="already a lead"), demo_db.write() as session:
        leads.add_lead(session, "director of children’s services")
    with pytest.raises(Conflict, match="already a lead"), demo_db.write() as session:
        leads.rename_lead(session, person.id, "Chief  Executive")
    with pytest.raises(Conflict, match="already a lead"), demo_db.write() as session:
        leads.add_lead(session, "Maria Price")  # already leads corporate actions
    with demo_db.write() as session:
        leads.rename_lead(session, person.id, "Priya Shah-Jones")
    assert lead_id(demo_db, "priya shah-jones") == person.id


def test_merging_leads_leaves_each_action_with_the_kept_lead_once(demo_db: Database) -> None:
    keep = lead_id(demo_db, "Deputy Director for Health and Wellbeing")
    merge = lead_id(demo_db, "Deputy Director for Social Care")
    with demo_db.write() as session:
        links = queries.live(session, ActionLead)
        before = {who: {x.action_id for x in links if x.lead_id == who} for who in (keep, merge)}
        session.add(RoleHolder(lead_id=merge, person="Sam Lee"))
        measure = queries.live(session, Measure)[0]
        measure.owner_id = merge
    assert before[keep] & before[merge]  # 2.5 and 2.6 are led by both
    with demo_db.write(author="Merger") as session:
        affected = leads.merge_leads(session, keep, merge)
    assert affected == len(before[merge])
    with demo_db.read() as session:
        links = queries.live(session, ActionLead)
        assert not [link for link in links if link.lead_id == merge]
        kept = [link.action_id for link in links if link.lead_id == keep]
        assert len(kept) == len(set(kept))
        assert set(kept) == before[keep] | before[merge]
        assert session.get(Lead, merge).deleted_at is not None
        usage = leads.lead_usage(session)
        assert usage[keep] == len(set(kept)) and merge not in usage
        assert session.get(Measure, measure.id).owner_id == keep
        assert [h.person for h in queries.live(session, RoleHolder, RoleHolder.lead_id == keep)] \
            == ["Sam Lee"]
        recorded = session.exec(select(Change).where(Change.author == "Merger")).all()
    assert {(c.table_name, c.kind) for c in recorded} >= {
        ("action_lead", "update"), ("action_lead", "delete"), ("lead", "delete")}
    with pytest.raises(Conflict, match="itself"), demo_db.write() as session:
        leads.merge_leads(session, keep, keep)


# --- Plans -------------------------------------------------------------------

def test_a_blank_plan_needs_a_unique_short_name_and_a_sensible_period(demo_db: Database) -> None:
    start, end = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    with demo_db.write() as session:
        plan = care.create_blank_plan(session, " SEND plan ", "SEND", start, end, board="ISB")
    assert (plan.title, plan.state, plan.board) == ("SEND plan", "Draft", "ISB")
    for args, message in (
        (("Again", "children’s  services", None, None), "already a plan"),
        (("Backwards", "Back", end, start), "before it starts"),
        (("  ", "Blank", None, None), "title cannot be blank"),
        (("Untitled", " ", None, None), "short name cannot be blank"),
    ):
        with pytest.raises(Conflict, match=message), demo_db.write() as session:
            care.create_blank_plan(session, *args)
    with demo_db.read() as session:
        assert len(queries.plans(session)) == 4


def test_editing_a_plan(demo_db: Database) -> None:
    pid = plan_id(demo_db, "Partnership")
    with demo_db.write() as session:
        care.edit_plan(session, pid, state="approved", marking=" OFFICIAL ",
                       period_end=dt.date(2025, 3, 31))
    with demo_db.read() as session:
        plan = session.get(Plan, pid)
        assert (plan.state, plan.marking, plan.period_end) == (
            "Approved", "OFFICIAL", dt.date(2025, 3, 31))
    for fields, error in (
        ({"short_name": "Corporate services"}, Conflict), ({"state": "Done"}, Conflict),
        ({"period_end": dt.date(2000, 1, 1)}, Conflict), ({"rolled_from_id": pid}, ValueError),
    ):
        with pytest.raises(error), demo_db.write() as session:
            care.edit_plan(session, pid, **fields)


# --- History -----------------------------------------------------------------

def test_every_function_records_its_changes_with_the_author(demo_db: Database) -> None:
    pid, p1 = plan_id(demo_db, CHILDRENS), priority_id(demo_db, CHILDRENS, "1")
    a11 = action_id(demo_db, CHILDRENS, "1.1")
    made: dict[str, str] = {}

    def remember(key: str, row_id: str) -> None:
        made[key] = row_id

    def renumber_after_moving_1_1(session: Session) -> None:
        care.move_action(session, a11, p1, None)  # last in priority 1, so 1.2 becomes 1.1
        care.renumber_actions(session, pid)

    operations = {
        "add_action": lambda s: remember("action", care.add_action(s, pid, p1, NEXT_3).id),
        "move_action": lambda s: care.move_action(s, made["action"], p1, None),
        "delete_action": lambda s: care.delete_action(s, made["action"]),
        "renumber_actions": renumber_after_moving_1_1,
        "add_priority": lambda s: remember("priority", care.add_priority(s, pid, "New").id),
        "edit_priority": lambda s: care.edit_priority(s, made["priority"], title="Renamed"),
        "delete_priority": lambda s: care.delete_priority(s, made["priority"]),
        "add_outcome": lambda s: remember("outcome", care.add_outcome(s, pid, None, "Good").id),
        "edit_outcome": lambda s: care.edit_outcome(s, made["outcome"], "Better"),
        "delete_outcome": lambda s: care.delete_outcome(s, made["outcome"]),
        "add_lead": lambda s: remember("lead", leads.add_lead(s, "Ann Other").id),
        "rename_lead": lambda s: leads.rename_lead(s, made["lead"], "Ann Another"),
        "merge_leads": lambda s: leads.merge_leads(s, lead_id(demo_db, "Chief Executive"),
                                                  made["lead"]),
        "create_blank_plan": lambda s: remember("plan", care.create_blank_plan(
            s, "Blank", "Blank", None, None).id),
        "edit_plan": lambda s: care.edit_plan(s, made["plan"], description="About"),
    }
    for name, operation in operations.items():
        with demo_db.write(author=f"by {name}") as session:
            operation(session)
    with demo_db.read() as session:
        authors = set(session.exec(select(Change.author).where(
            col(Change.author).startswith("by "))).all())
    assert authors == {f"by {name}" for name in operations}

