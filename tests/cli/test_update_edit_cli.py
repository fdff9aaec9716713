"""`perfdesk update` and `perfdesk edit`, run through a small harness that
wires `perfdesk.cli.actions` the way `perfdesk.cli` does."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from perfdesk.cli.actions import COMMANDS, add_parsers
from perfdesk.errors import PerfDeskError
from perfdesk.store import queries
from perfdesk.store.database import Database, open_database
from perfdesk.store.schema import ProgressUpdate

CHILDRENS = "Children's Services"


def main(argv: list[str], author: str = "jbloggs") -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS)
    common.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="perfdesk", parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_parsers(sub, common)
    args = parser.parse_args(argv, namespace=argparse.Namespace(db=None, read_only=False))
    db = open_database(args.db, read_only=args.read_only, author=author)
    try:
        return COMMANDS[args.command](db, args)
    except PerfDeskError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        db.close()


@pytest.fixture
def demo(demo_db: Database, db_path: Path) -> str:
    demo_db.close()  # the commands open their own
    return str(db_path)


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str, str]:
    code = main([args[0], "--db", db, "--plan", CHILDRENS, *args[1:]])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(db: str, ref: str = "1.2") -> dict[str, Any]:
    """Everything about one action a command could change."""
    database = open_database(db, read_only=True)
    try:
        with database.read() as session:
            plan = queries.find_plan(session, CHILDRENS)
            action = next(a for a in queries.plan_actions(session, plan.id) if a.ref == ref)
            leads = queries.leads_by_action(session, [action.id]).get(action.id, [])
            updates = queries.updates_by_action(session, [action.id]).get(action.id, [])
            priorities = {p.id: p.ref for p in queries.plan_priorities(session, plan.id)}
            return action.model_dump(exclude={"id", "plan_id"}) | {
                "leads": [lead.name for lead in leads],
                "updates": [(u.status.label, u.reported_on, u.author, u.done_text, u.next_steps)
                            for u in updates],
                "priority": priorities.get(action.priority_id or ""),
                "all_leads": sorted(queries.lead_by_name(session)),
                "timeframe": action.timeframe.label if action.timeframe else None,
            }
    finally:
        database.close()


# ---------------------------------------------------------------- update


def test_update_lands_with_author_and_date(demo, capsys) -> None:
    code, out, err = run(capsys, demo, "update", "--action", "1.2", "--status", "off-track",
                         "--note", "Recruited two", "--next", "Recruit a third",
                         "--date", "2023-09-30", "--author", "Jo")
    assert (code, err) == (0, "")
    assert out == "Action 1.2 of Children's Services: Off track on 2023-09-30 (by Jo)\n"
    assert snapshot(demo)["updates"] == [
        ("Off track", dt.date(2023, 9, 30), "Jo", "Recruited two", "Recruit a third")]


def test_update_defaults_to_today_and_the_login_name(demo, capsys) -> None:
    code, out, _ = run(capsys, demo, "update", "--action", "1.2", "--status", "ON TRACK")
    today = dt.date.today()
    assert code == 0
    assert out == f"Action 1.2 of {CHILDRENS}: On track on {today.isoformat()} (by jbloggs)\n"
    assert snapshot(demo)["updates"] == [("On track", today, "jbloggs", "", "")]


def test_update_history_is_recorded_under_the_author(demo, capsys) -> None:
    run(capsys, demo, "update", "--action", "1.2", "--status", "At risk", "--author", "Jo")
    database = open_database(demo, read_only=True)
    try:
        with database.read() as session:
            (update,) = queries.live(session, ProgressUpdate)
            assert update.author == "Jo"
    finally:
        database.close()


@pytest.mark.parametrize(("args", "message"), [
    (["--plan", "Nowhere", "--action", "1.2", "--status", "On track"],
     "No plan named 'Nowhere'. Plans in this database: "),
    (["--action", "9.9", "--status", "On track"],
     "No action 9.9 in Children's Services (actions: 1.1, 1.2, 1.3, "),
    (["--action", "1.2", "--status", "Green"],
     "Unknown status 'Green'; use one of: Not started, On track, At risk, Off track, "
     "Complete, Closed."),
])
def test_update_refusals_change_nothing(demo, capsys, args, message) -> None:
    before = snapshot(demo)
    code = main(["update", "--db", demo, *(args if args[0] == "--plan"
                                           else ["--plan", CHILDRENS, *args])])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1
    assert snapshot(demo) == before


def test_update_with_a_bad_date_is_a_usage_error(demo, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        run(capsys, demo, "update", "--action", "1.2", "--status", "On track",
            "--date", "30/09/2023")
    assert exit_.value.code == 2
    assert "is not a date (use YYYY-MM-DD)" in capsys.readouterr().err


# ---------------------------------------------------------------- edit, field by field


@pytest.mark.parametrize(("pair", "key", "value", "line"), [
    ("action=Recruit more foster carers", "text", "Recruit more foster carers", "1.2 action: "),
    ("text=Recruit more foster carers", "text", "Recruit more foster carers", "1.2 action: "),
    ("by_when=Spring 2024", "by_when", "Spring 2024",
     "1.2 by_when: July 2023 → Spring 2024"),
    ("timeframe=3-6", "timeframe", "3–6 months", "1.2 timeframe: 0–3 months → 3–6 months"),
    ("timeframe=", "timeframe", None, "1.2 timeframe: 0–3 months → (blank)"),
    ("priority=3", "priority", "3", "1.2 priority: 1 → 3"),
    ("priority=", "priority", None, "1.2 priority: 1 → (blank)"),
    ("outcome=Fewer moves", "success_criteria", "Fewer moves", "1.2 success_criteria: "),
    ("success_criteria=Fewer moves", "success_criteria", "Fewer moves",
     "1.2 success_criteria: "),
    ("measure_of_success=Moves per child", "measure_of_success", "Moves per child",
     "1.2 measure_of_success: "),
    ("impact=Children settle", "impact", "Children settle", "1.2 impact: "),
    ("ref=1.2a", "ref", "1.2a", "1.2 ref: 1.2 → 1.2a"),
])
def test_edit_each_field(demo, capsys, pair, key, value, line) -> None:
    before = snapshot(demo)
    code, out, err = run(capsys, demo, "edit", "--action", "1.2", pair)
    assert (code, err) == (0, "")
    assert out.startswith(line) and out.count("\n") == 1
    after = snapshot(demo, "1.2a" if key == "ref" else "1.2")
    assert after[key] == value
    unchanged = {"version", "updated_at", key} | ({"priority_id"} if key == "priority" else set())
    assert {k: v for k, v in after.items() if k not in unchanged} == {
        k: v for k, v in before.items() if k not in unchanged}


def test_edit_due_date_without_a_previous_one_needs_no_reason(demo, capsys) -> None:
    run(capsys, demo, "edit", "--action", "1.2", "due_date=", "--reason", "Not known yet")
    assert snapshot(demo)["due_date"] is None
    code, out, err = run(capsys, demo, "edit", "--action", "1.2", "due_date=2024-03-31")
    assert (code, err) == (0, "")
    assert out == "1.2 due_date: (blank) → 2024-03-31\n"


def test_edit_due_date_with_a_reason_keeps_the_original(demo, capsys) -> None:
    code, out, err = run(capsys, demo, "edit", "--action", "1.2", "due_date=2023-12-31",
                         "--reason", "Recruitment paused")
    assert (code, err) == (0, "")
    assert out == "1.2 due_date: 2023-07-31 → 2023-12-31\n"
    after = snapshot(demo)
    assert (after["due_date"], after["original_due_date"], after["due_date_reason"]) == (
        dt.date(2023, 12, 31), dt.date(2023, 7, 31), "Recruitment paused")


def test_edit_same_due_date_changes_nothing_and_needs_no_reason(demo, capsys) -> None:
    before = snapshot(demo)
    code, out, _ = run(capsys, demo, "edit", "--action", "1.2", "due_date=2023-07-31")
    assert (code, out) == (0, "1.2: nothing changed\n")
    assert snapshot(demo) == before


def test_edit_leads_matches_names_and_creates_unknown_ones_in_order(demo, capsys) -> None:
    code, out, err = run(capsys, demo, "edit", "--action", "1.2",
                         "leads=Zara Quinn; DIRECTOR OF CHILDREN’S SERVICES")
    assert (code, err) == (0, "")
    assert out == ("New lead: Zara Quinn\n"
                   "1.2 leads: Director of Children's Services → "
                   "Zara Quinn; Director of Children's Services\n")
    after = snapshot(demo)
    assert after["leads"] == ["Zara Quinn", "Director of Children's Services"]
    assert "zara quinn" in after["all_leads"]


def test_edit_leads_blank_removes_them(demo, capsys) -> None:
    code, out, _ = run(capsys, demo, "edit", "--action", "1.1", "leads=")
    assert code == 0
    assert out == ("1.1 leads: Director of Children's Services; "
                   "Head of Service Corporate Parenting → (blank)\n")
    assert snapshot(demo, "1.1")["leads"] == []


def test_edit_several_fields_in_one_call(demo, capsys) -> None:
    code, out, err = run(capsys, demo, "edit", "--action", "1.2", "impact=Children settle",
                         "timeframe=6-12 months", "priority=2")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:2] == ["1.2 timeframe: 0–3 months → 6–12 months", "1.2 priority: 1 → 2"]
    assert lines[2].startswith("1.2 impact: “Everyone involved")
    assert lines[2].endswith("… → Children settle") and len(lines) == 3
    after = snapshot(demo)
    assert (after["impact"], after["timeframe"], after["priority"]) == (
        "Children settle", "6–12 months", "2")


# ---------------------------------------------------------------- edit refusals


@pytest.mark.parametrize(("pairs", "message"), [
    (["colour=red"], "Unknown field 'colour'; fields: action, due_date, by_when, leads, "),
    (["impact"], "'impact' is not FIELD=VALUE"),
    (["due_date=31/12/2023"], "due_date: '31/12/2023' is not a date (use YYYY-MM-DD"),
    (["due_date=2023-12-31"], "due_date: changing the due date of 1.2 from 2023-07-31 "
                              "needs --reason TEXT"),
    (["due_date="], "due_date: changing the due date of 1.2 from 2023-07-31 needs --reason"),
    (["timeframe=soon"], "timeframe: unknown timeframe 'soon'"),
    (["priority=9"], "priority: no priority 9 in Children's Services (priorities: 1, 2, 3, 4"),
    (["ref=1.3"], "Another action in this plan is already 1.3."),
    (["ref= "], "ref: an action needs a ref."),
    (["impact=a", "impact=b"], "impact is given twice"),
])
def test_edit_refusals_change_nothing(demo, capsys, pairs, message) -> None:
    before = snapshot(demo)
    code, out, err = run(capsys, demo, "edit", "--action", "1.2", *pairs)
    assert (code, out) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1
    assert snapshot(demo) == before


def test_edit_unknown_plan_and_action_are_refused(demo, capsys) -> None:
    before = snapshot(demo)
    code = main(["edit", "--db", demo, "--plan", "Nowhere", "--action", "1.2", "impact=x"])
    assert code == 1 and "No plan named 'Nowhere'" in capsys.readouterr().err
    code, _, err = run(capsys, demo, "edit", "--action", "9.9", "impact=x")
    assert code == 1 and err.startswith("No action 9.9 in Children's Services (actions: 1.1,")
    assert snapshot(demo) == before


def test_a_bad_second_pair_changes_nothing(demo, capsys) -> None:
    before = snapshot(demo)
    code, out, err = run(capsys, demo, "edit", "--action", "1.2", "impact=Children settle",
                         "leads=Someone New", "due_date=2023-12-31")
    assert (code, out) == (1, "")
    assert "needs --reason" in err
    assert snapshot(demo) == before  # no impact, and no new lead either


def test_a_failure_while_applying_rolls_back_the_earlier_pairs(demo, capsys) -> None:
    before = snapshot(demo)
    code, _, err = run(capsys, demo, "edit", "--action", "1.2", "impact=Children settle",
                       "leads=Someone New", "ref=1.3")
    assert code == 1 and "already 1.3" in err
    assert snapshot(demo) == before


def test_every_problem_is_listed_one_line_each(demo, capsys) -> None:
    code, _, err = run(capsys, demo, "edit", "--action", "1.2", "timeframe=soon", "priority=9")
    assert code == 1
    assert [line.split(":")[0] for line in err.splitlines()] == ["timeframe", "priority"]


def test_edit_on_a_read_only_database_is_refused(demo, capsys) -> None:
    before = snapshot(demo)
    code, _, err = run(capsys, demo, "edit", "--read-only", "--action", "1.2", "impact=x")
    assert code == 1 and "read-only" in err
    assert snapshot(demo) == before
