"""No text, however long, stops a pack. Text longer than a cell or a page can
hold is cut with an ellipsis and a note, and a word too long for its column
(a reference or an address with no spaces) is broken across lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from pdf_pages import read_pages
from sample_pack import sample_pack

from perfdesk.cli import main
from perfdesk.reports.pack import build_pack
from perfdesk.reports.plain_cell import PlainCell
from perfdesk.reports.styles import FONT, INK, fit_text
from perfdesk.services.pack.model import PackData, UpdateLine
from perfdesk.services.plans.demo import load_demo
from perfdesk.services.workbook.exchange import export_plan
from perfdesk.store.database import open_database

LONG = 100_000
WORDS = ("Word " * LONG)[:LONG]
UNBROKEN = "x" * LONG
NOTE = "cut short: the full text is in the plan"


def _everywhere(data: PackData, s: str, where: str) -> PackData:
    """`data` with `s` in every field of one kind."""
    R = dataclasses.replace
    plan = data.plans[0]
    first = plan.priorities[0]
    action = first.actions[0]
    measure = first.measures[0]
    if where == "action":
        update = UpdateLine(dt.date(2024, 1, 2), action.status, s, s, s, True, s)
        action = R(action, ref=s, text=s, leads=(s, s), by_when=s, latest_text=s,
                   history=(update, update))
        first = R(first, actions=(action, *first.actions[1:]))
    elif where == "measure":
        measure = R(measure, ref=s, indicator=s, area=s, baseline=None, baseline_text=s,
                    target=None, target_text=s, latest_period=s, benchmarks=((s, s, 1.0),) * 8)
        first = R(first, measures=(measure, *first.measures[1:]))
    elif where == "priority":
        first = R(first, ref=s, title=s, kind=s, statement=s, needs_improvement=(s, s))
    plan = R(plan, priorities=(first, *plan.priorities[1:]))
    if where == "plan":
        plan = R(plan, title=s, organisation=s, board=s, period=s, short_name=s, marking=s,
                 by_priority_status=((s, plan.by_status), *plan.by_priority_status))
    data = R(data, plans=(plan, *data.plans[1:]))
    if where == "cover":
        data = R(data, title=s, subtitle=s, organisation=s, board=s, marking=s)
    return data


@pytest.mark.parametrize("where", ["action", "measure", "priority", "plan", "cover"])
@pytest.mark.parametrize("s", [WORDS, UNBROKEN], ids=["words", "unbroken"])
def test_very_long_text_anywhere_is_cut_and_the_pack_is_made(
    tmp_path: Path, where: str, s: str
) -> None:
    data = _everywhere(sample_pack(history=True), s, where)
    pages = read_pages(build_pack(data, tmp_path / "long.pdf"))
    text = " ".join(p.text for p in pages)
    assert "Page 1 of" in pages[0].footer or pages[0].footer
    assert len(pages) < 80  # cut short, not printed page after page
    if where in ("action", "measure"):
        assert NOTE in text
    assert "…" in text


def test_the_other_actions_still_print_beside_a_long_one(tmp_path: Path) -> None:
    data = _everywhere(sample_pack(), UNBROKEN, "action")
    others = [a.ref for a in data.plans[0].priorities[0].actions[1:]]
    text = " ".join(p.text for p in read_pages(build_pack(data, tmp_path / "long.pdf")))
    assert all(f" {ref} " in text for ref in others)


def test_a_word_longer_than_its_column_is_broken_to_fit() -> None:
    cell = PlainCell([("a" * 500, FONT, INK)], 7.5, 9.2)
    _width, height = cell.wrap(60, 1000)
    assert len(cell._lines) > 1
    assert all(len(line) < 500 for line, _, _ in cell._lines)
    assert height <= 300


def test_a_title_is_fitted_to_its_room_quickly() -> None:
    fitted = fit_text(UNBROKEN * 10, FONT, 7.5, 200)
    assert fitted.endswith("…") and len(fitted) < 100
    assert fit_text("Short", FONT, 7.5, 200) == "Short"


def test_a_plan_imported_with_a_huge_ref_prints(tmp_path: Path, capsys) -> None:
    """The reported case: a workbook whose action ref is 100,000 characters,
    imported, then `perfdesk pack`."""
    path = tmp_path / "plans.sqlite"
    db = open_database(path, create=True, author="test")
    load_demo(db)
    workbook = tmp_path / "plan.xlsx"
    export_plan(db, "Corporate Services", workbook)
    db.close()
    capsys.readouterr()
    from openpyxl import load_workbook

    book = load_workbook(workbook)
    sheet = book["Actions"]
    column = [c.value for c in sheet[1]].index("Ref") + 1
    old = sheet.cell(2, column).value
    for sheet in book.worksheets:  # the action, and whatever names it
        header = [c.value for c in sheet[1]]
        for name in ("Ref", "Action ref") if sheet.title == "Actions" else ("Action ref",):
            if name in header:
                for cell in sheet.iter_rows(min_row=2, min_col=header.index(name) + 1,
                                            max_col=header.index(name) + 1):
                    if cell[0].value == old:
                        cell[0].value = "R" * LONG
    book.save(workbook)
    assert main(["import-plan", "--db", str(path), str(workbook), "--replace"]) == 0
    capsys.readouterr()
    out = tmp_path / "pack.pdf"
    code = main(["pack", "--db", str(path), "--out", str(out), "--plan", "Corporate Services"])
    _, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert read_pages(out)
