"""Must show: no exported cell can run as a formula. Formula-like text is put
into every kind of field a user types, then every workbook and CSV PerfDesk
writes is opened raw: no sheet holds a formula element, every such cell is a
text cell, and every such CSV value starts with an apostrophe."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl

from perfdesk.domain.status import Status
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.actions.csv_export import csv_safe, write_actions_csv
from perfdesk.services.actions.rows import action_rows
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.returns.write import write_all_returns
from perfdesk.services.workbook.exchange import export_plan
from perfdesk.services.workbook.read import read_workbook
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.store.edits import perform

DANGEROUS = ["=1+1", "+44 1392 382000", "-Appoint a chief executive", "@SUM(A1:A2)",
             "\tindented", "=HYPERLINK(\"http://example.invalid\",\"click\")",
             "=cmd|' /C calc'!A0"]
PLAN = "Children's Services"


def _poison(db: Database) -> None:
    """A head of service types formula-like text into everything they can."""
    with db.read() as session:
        plan = queries.find_plan(session, PLAN)
        actions = queries.plan_actions(session, plan.id)[: len(DANGEROUS)]
    for action, text in zip(actions, DANGEROUS, strict=True):
        def edit(s, a=action.id, t=text):  # type: ignore[no-untyped-def]
            for field in ("text", "success_criteria", "measure_of_success", "impact"):
                action_edits.set_text(s, a, field, t)
            action_edits.set_by_when(s, a, t)
            action_edits.add_update(s, a, status=Status.ON_TRACK,
                                    reported_on=dt.date(2023, 9, 1), author=t, done=t,
                                    next_steps=t)
        perform(db, "poison", edit)
    with db.write() as session:  # and into the Measures and Values sheets' text
        measures = queries.plan_measures(session, plan.id)[: len(DANGEROUS)]
        for measure, text in zip(measures, DANGEROUS, strict=False):
            measure.indicator = measure.definition = measure.source = text
            measure_edits.set_value(session, measure.id, measure_edits.period_for(
                measure.frequency,
                dt.date(2023, 9, 30)), value=1.0, note=text, author=text)


def _formula_elements(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as book:
        return [name for name in book.namelist()
                if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", book.read(name))]


def test_no_workbook_cell_can_run_as_a_formula(demo_db: Database, tmp_path: Path) -> None:
    _poison(demo_db)
    plan_book = tmp_path / "plan.xlsx"
    export_plan(demo_db, PLAN, plan_book)
    (tmp_path / "returns").mkdir()
    with demo_db.read() as session:
        returns = write_all_returns(session, tmp_path / "returns", dt.date(2023, 10, 2))
    books = [plan_book, *returns]
    assert len(books) > 3
    for book in books:
        assert _formula_elements(book) == [], book.name
        for sheet in openpyxl.load_workbook(book):
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.data_type == "s", (book.name, sheet.title, cell.coordinate)
    # and the plan reads back identical, formula-like text and all
    back = read_workbook(plan_book)
    texts = {a.text for a in back.actions}
    assert set(DANGEROUS) <= texts
    poisoned = min(len(DANGEROUS), len(back.measures))  # the plan's first measures
    assert poisoned >= 3
    assert len(set(DANGEROUS) & {m.indicator for m in back.measures}) == poisoned
    notes = {v.note for m in back.measures for v in m.values}  # a note is kept stripped
    assert len({t.strip() for t in DANGEROUS} & notes) == poisoned


def test_every_formula_like_csv_value_starts_with_an_apostrophe(
    demo_db: Database, tmp_path: Path
) -> None:
    _poison(demo_db)
    with demo_db.read() as session:
        plan = queries.find_plan(session, PLAN)
        rows = action_rows(session, plan.id, dt.date(2023, 10, 2))
    out = write_actions_csv(rows, tmp_path / "actions.csv")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        cells = [value for row in csv.reader(handle) for value in row]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    for text in DANGEROUS:
        assert "'" + text in cells
    assert csv_safe("Plain words") == "Plain words"
