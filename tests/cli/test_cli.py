"""The command line, as the secretariat scripts it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfdesk import __version__
from perfdesk.cli import main
from perfdesk.store import migrate


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_then_plans_json_gives_the_three_plans(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "demo.sqlite")
    assert run(capsys, "demo", "--db", db)[0] == 0
    code, out, _ = run(capsys, "plans", "--db", db, "--json")
    assert code == 0
    plans = {p["short_name"]: p for p in json.loads(out)}
    assert {n: (p["priorities"], p["actions"], p["measures"]) for n, p in plans.items()} == {
        "Children's Services": (4, 39, 31),
        "Corporate Services": (10, 19, 0),
        "Partnership": (3, 10, 16),
    }
    for p in plans.values():
        assert set(p) == {"short_name", "title", "priorities", "actions", "measures", "by_status"}
        assert list(p["by_status"]) == [
            "Not started", "On track", "At risk", "Off track", "Complete", "Closed"]
        assert p["by_status"]["Not started"] == p["actions"]


def test_demo_twice_adds_nothing_the_second_time(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "demo.sqlite")
    run(capsys, "demo", "--db", db)
    code, out, _ = run(capsys, "demo", "--db", db)
    assert code == 0 and "already" in out
    code, out, _ = run(capsys, "plans", "--db", db, "--json")
    assert sum(p["actions"] for p in json.loads(out)) == 68


def test_measures_json_keys_and_words(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "demo.sqlite")
    run(capsys, "demo", "--db", db)
    code, out, _ = run(capsys, "measures", "--db", db, "--plan", "children’s services", "--json")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 31
    assert set(rows[0]) == {"ref", "indicator", "unit", "polarity", "baseline", "target",
                            "tolerance", "latest", "latest_period", "rag", "direction"}
    repeat = next(r for r in rows if r["indicator"].startswith("% of referrals which are repeat"))
    assert repeat | {"indicator": None} == {
        "ref": repeat["ref"], "indicator": None, "unit": "%", "polarity": "lower is better",
        "baseline": 19.0, "target": 19.0, "tolerance": None, "latest": 19.0,
        "latest_period": "2023-04", "rag": "Green", "direction": None,
    }
    assert {r["rag"] for r in rows} <= {"Green", "Amber", "Red", "Grey"}


def test_measures_as_at_before_any_value_is_grey(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "demo.sqlite")
    run(capsys, "demo", "--db", db)
    code, out, _ = run(capsys, "measures", "--db", db, "--plan", "Partnership",
                       "--as-at", "2023-01-01", "--json")
    assert code == 0
    assert {r["rag"] for r in json.loads(out)} == {"Grey"}


def test_commands_other_than_create_refuse_a_missing_file(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere.sqlite"
    for args in (["plans"], ["check"], ["measures", "--plan", "x"],
                 ["export-plan", "x", "--out", str(tmp_path / "x.xlsx")]):
        code, _, err = run(capsys, *args, "--db", str(missing))
        assert code == 1
        assert "No database at" in err and "Traceback" not in err
    assert not missing.exists()


def test_unknown_plan_is_refused_with_the_names_there_are(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "demo.sqlite")
    run(capsys, "demo", "--db", db)
    code, _, err = run(capsys, "measures", "--db", db, "--plan", "Adults")
    assert code == 1
    assert "No plan named 'Adults'" in err and "Partnership" in err


def test_wrong_usage_exits_2(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["plans", "--as-at", "31/03/2024", "--db", str(tmp_path / "x.sqlite")])
    assert exit_.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_check_reports_schema_and_ok(tmp_path: Path, capsys) -> None:
    db = str(tmp_path / "demo.sqlite")
    run(capsys, "demo", "--db", db)
    code, out, _ = run(capsys, "check", "--db", db)
    assert code == 0 and f"schema {migrate.head_revision()}" in out and out.strip().endswith("ok")


def test_not_a_database_is_a_message_not_a_traceback(tmp_path: Path, capsys) -> None:
    path = tmp_path / "plan.sqlite"
    path.write_text("hello")
    code, _, err = run(capsys, "plans", "--db", str(path))
    assert code == 1 and "not a PerfDesk database" in err and "Traceback" not in err


def test_options_work_before_or_after_the_command(tmp_path, monkeypatch, capsys) -> None:
    db = tmp_path / "plans.sqlite"
    assert main(["demo", "--db", str(db)]) == 0
    monkeypatch.setenv("PERFDESK_DB", str(tmp_path / "elsewhere.sqlite"))
    for argv in (["--db", str(db), "plans"], ["plans", "--db", str(db)]):
        capsys.readouterr()
        assert main(argv) == 0
        assert "Children's Services: 4 priorities, 39 actions" in capsys.readouterr().out


def test_edit_takes_pairs_on_both_sides_of_the_reason(tmp_path, capsys) -> None:
    db = str(tmp_path / "plans.sqlite")
    assert main(["demo", "--db", db]) == 0
    assert main(["edit", "--db", db, "--plan", "Children's Services", "--action", "1.2",
                 "due_date=2023-12-31", "--reason", "New panel date", "impact=Better"]) == 0
    out = capsys.readouterr().out
    assert "due_date: 2023-07-31 → 2023-12-31" in out and "impact" in out


def test_an_unknown_option_is_a_usage_error(tmp_path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["plans", "--db", str(tmp_path / "x.sqlite"), "--bogus"])
    assert exit_.value.code == 2


@pytest.mark.parametrize("argv", [
    ["plans", "--as-at", "31/03/2024"],
    ["measures", "--plan", "Children's Services", "--as-at", "March"],
    ["pack", "--out", "pack.pdf", "--meeting", "2024-13-01"],
    ["update", "--plan", "P", "--action", "1.1", "--status", "On track", "--date", "today"],
])
def test_every_command_group_reads_a_date_the_same_way(tmp_path, capsys, argv) -> None:
    """One date type for every command: a usage error naming the form, and
    nothing opened or made."""
    db = tmp_path / "x.sqlite"
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--db", str(db)])
    assert exit_.value.code == 2
    assert "is not a date (use YYYY-MM-DD)" in capsys.readouterr().err
    assert not db.exists()


def test_a_keep_count_must_be_a_whole_number(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["backups", "--keep-days", "-1", "--db", str(tmp_path / "x.sqlite")])
    assert exit_.value.code == 2
    assert "'-1' is not a whole number of 0 or more" in capsys.readouterr().err
