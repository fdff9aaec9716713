"""Plans out to Excel and back through the command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from perfdesk.cli import main

PLANS = ("Children's Services", "Corporate Services", "Partnership")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def cell_values(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


@pytest.fixture
def demo_file(tmp_path: Path, capsys) -> Path:
    path = tmp_path / "demo.sqlite"
    assert run(capsys, "demo", "--db", str(path))[0] == 0
    return path


@pytest.mark.parametrize("name", PLANS)
def test_export_import_export_gives_identical_cells(
    name: str, demo_file: Path, tmp_path: Path, capsys
) -> None:
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    fresh = tmp_path / "fresh.sqlite"
    assert run(capsys, "export-plan", name, "--db", str(demo_file), "--out", str(first))[0] == 0
    assert run(capsys, "import-plan", str(first), "--db", str(fresh))[0] == 0
    assert run(capsys, "export-plan", name, "--db", str(fresh), "--out", str(second))[0] == 0
    assert cell_values(first) == cell_values(second)
    _, out, _ = run(capsys, "plans", "--db", str(fresh), "--json")
    assert [p["short_name"] for p in json.loads(out)] == [name]


def test_importing_a_plan_already_there_is_refused_unless_replace(
    demo_file: Path, tmp_path: Path, capsys
) -> None:
    book = tmp_path / "partnership.xlsx"
    run(capsys, "export-plan", "partnership", "--db", str(demo_file), "--out", str(book))
    before = dump(demo_file)
    code, _, err = run(capsys, "import-plan", str(book), "--db", str(demo_file))
    assert code == 1 and "already in" in err and "--replace" in err
    assert dump(demo_file) == before
    code, _, _ = run(capsys, "import-plan", str(book), "--db", str(demo_file), "--replace")
    assert code == 0
    code, out, _ = run(capsys, "plans", "--db", str(demo_file), "--json")
    assert [p["actions"] for p in json.loads(out)] == [39, 19, 10]
    assert list((demo_file.parent / "demo-backups").glob("*before-replace.sqlite"))


def test_a_workbook_with_five_mistakes_gives_five_located_messages_and_changes_nothing(
    demo_file: Path, tmp_path: Path, capsys
) -> None:
    book = tmp_path / "children.xlsx"
    run(capsys, "export-plan", "Children's Services", "--db", str(demo_file), "--out", str(book))
    wb = openpyxl.load_workbook(book)
    ws = wb["Actions"]
    headers = {c.value: c.column for c in ws[1]}
    ws.cell(row=2, column=headers["Status"]).value = "Going well"
    ws.cell(row=3, column=headers["Timeframe"]).value = "next spring"
    ws.cell(row=4, column=headers["Priority"]).value = "9"
    ws.cell(row=5, column=headers["Due date"]).value = "31/13/2023"
    ws.cell(row=6, column=headers["Ref"]).value = "1.1"
    wb.save(book)
    before = dump(demo_file)
    code, _, err = run(capsys, "import-plan", str(book), "--db", str(demo_file), "--replace")
    assert code == 1
    located = [line for line in err.splitlines() if "Actions row" in line]
    assert len(located) == 5, err
    for row, column in ((2, "Status"), (3, "Timeframe"), (4, "Priority"), (5, "Due date"),
                        (6, "Ref")):
        assert any(f"row {row}" in line and column in line for line in located), (row, err)
    assert "Traceback" not in err
    assert dump(demo_file) == before


def test_a_file_that_is_not_a_workbook_is_refused_plainly(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "plan.xlsx"
    fake.write_text("not really a spreadsheet")
    code, _, err = run(capsys, "import-plan", str(fake), "--db", str(tmp_path / "x.sqlite"))
    assert code == 1 and "not an Excel workbook" in err and "Traceback" not in err
    assert not (tmp_path / "x.sqlite").exists()


def test_every_import_is_backed_up_first(tmp_path, capsys) -> None:
    from perfdesk.store.backup import list_backups

    db = tmp_path / "plans.sqlite"
    assert main(["demo", "--db", str(db)]) == 0
    out = tmp_path / "partnership.xlsx"
    assert main(["export-plan", "Partnership", "--db", str(db), "--out", str(out)]) == 0
    assert main(["import-plan", str(out), "--db", str(db), "--replace"]) == 0
    assert [b.reason for b in list_backups(db)] == ["before-replace"]
