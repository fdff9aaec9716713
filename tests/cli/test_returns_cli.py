"""`perfdesk returns`: export a lead's return, import it filled in, and
import it again without adding anything."""

from __future__ import annotations

import datetime as dt

import openpyxl

from perfdesk.cli import main

LEAD = "Head of Service Corporate Parenting"


def _fill(path, row: int, **cells: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Actions"]
    columns = {c.value: c.column for c in ws[1]}
    for header, value in cells.items():
        ws.cell(row=row, column=columns[header], value=value)
    wb.save(path)


def test_a_return_applies_as_the_leads_updates_once(tmp_path, capsys) -> None:
    db = str(tmp_path / "plans.sqlite")
    out = tmp_path / "return.xlsx"
    assert main(["demo", "--db", db]) == 0
    assert main(["returns", "export", "--db", db, "--lead", LEAD, "--out", str(out)]) == 0
    _fill(out, 2, **{"New status": "On track", "What was done": "Panel now weekly",
                     "Date": dt.date(2023, 9, 29)})
    capsys.readouterr()
    assert main(["returns", "import", str(out), "--db", db]) == 1  # no terminal to ask
    assert "--yes" in capsys.readouterr().err
    assert main(["returns", "import", str(out), "--db", db, "--yes"]) == 0
    assert "Added 1 " in capsys.readouterr().out
    assert main(["returns", "import", str(out), "--db", db, "--yes"]) == 0
    again = capsys.readouterr().out
    assert "already recorded" in again and "Added 0 " in again
    assert main(["plans", "--db", db, "--json"]) == 0
    assert '"On track": 1' in capsys.readouterr().out
