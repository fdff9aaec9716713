"""A corpus of broken lead returns, each taken through the whole import (read,
check, apply in one recorded edit): every one is refused with a message that
names the file and says where and what, and the database is left exactly as
it was. Cases test_returns.py already covers (a deleted Measures sheet, an
unknown status, 31/02, 'about half', another database) are not repeated."""

from __future__ import annotations

import hashlib
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from perfdesk.errors import PerfDeskError, ValidationFailed
from perfdesk.services.returns.apply import apply_return, check_return
from perfdesk.services.returns.read import MAX_ROWS, read_return
from perfdesk.store.database import Database
from perfdesk.store.edits import perform
from perfdesk.store.schema import Change, MeasureValue, ProgressUpdate
from tests.services.test_returns import LEAD, TODAY, export, fill, own_a_measure

Breaker = Callable[[Path], None]


def import_return(db: Database, path: Path) -> int:
    """The whole import, as the CLI and the window do it."""
    doc = read_return(path, today=TODAY)
    with db.read() as session:
        preview = check_return(session, doc)
    added, _edit = perform(db, f"Import return {path.name}",
                           lambda s: apply_return(s, preview, True), LEAD)
    return added


def state(db: Database) -> tuple[int, int, str]:
    """How many updates and figures, and a digest of the whole change history."""
    with db.read() as session:
        updates = len(session.exec(select(ProgressUpdate)).all())
        values = len(session.exec(select(MeasureValue)).all())
        changes = session.exec(select(Change).order_by(Change.id)).all()  # type: ignore[arg-type]
        digest = hashlib.sha256(repr([c.model_dump() for c in changes]).encode()).hexdigest()
    return updates, values, digest


# ---------------------------------------------------------------- the corpus

def _edit(change: Callable[[openpyxl.Workbook], None]) -> Breaker:
    def breaker(path: Path) -> None:
        wb = openpyxl.load_workbook(path)
        change(wb)
        wb.save(path)
    return breaker


def _rename_sheet(wb: openpyxl.Workbook) -> None:
    wb["Actions"].title = "Updates"


def _rename_columns(wb: openpyxl.Workbook) -> None:
    wb["Actions"]["A1"] = "Identifier"  # the hidden Id column
    wb["Measures"]["H1"] = "Value (new)"


def _bytes(content: Callable[[bytes], bytes]) -> Breaker:
    return lambda path: path.write_bytes(content(path.read_bytes()))


def _damage_a_sheet(path: Path) -> None:
    """A real zip whose Actions sheet is not XML any more."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["xl/worksheets/sheet2.xml"] = b"<worksheet><sheetData><row r='2'><c"
    with zipfile.ZipFile(path, "w") as damaged:
        for name, content in parts.items():
            damaged.writestr(name, content)


NOT_A_WORKBOOK = "is not an Excel workbook (.xlsx)"

CORPUS: dict[str, tuple[Breaker, list[str]]] = {
    "Actions sheet renamed": (
        _edit(_rename_sheet), ["Actions: the workbook has no Actions sheet"]),
    "Id and New value columns renamed": (
        _edit(_rename_columns), ["Actions: no 'Id' column in the header row",
                                 "Measures: no 'New value' column in the header row"]),
    "a date in words": (
        lambda p: fill(p, "Actions", 2, new_status="On track", what_was_done="Met",
                       date="next Tuesday"),
        ["Actions row 2, column Date: 'next Tuesday' is not a date"]),
    "text in New value": (
        lambda p: fill(p, "Measures", 2, period="2031-03", new_value="47 (provisional)"),
        ["Measures row 2, column New value: '47 (provisional)' is not a number"]),
    "a formula in New value": (
        lambda p: fill(p, "Measures", 2, period="2031-03", new_value="=40+7"),
        ["Measures row 2, column New value: '=40+7' is not a number"]),
    "truncated to half its bytes": (_bytes(lambda b: b[: len(b) // 2]), [NOT_A_WORKBOOK]),
    "a PDF renamed .xlsx": (
        _bytes(lambda _b: b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"),
        [NOT_A_WORKBOOK]),
    "a text file renamed .xlsx": (
        _bytes(lambda _b: b"New status,What was done\nOn track,Panel met\n"), [NOT_A_WORKBOOK]),
    "an empty file": (_bytes(lambda _b: b""), [NOT_A_WORKBOOK]),
    "a damaged sheet inside the zip": (
        _damage_a_sheet, ["could not be read as an Excel workbook: it is damaged"]),
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_a_broken_return_is_refused_clearly_and_changes_nothing(
    demo_db: Database, tmp_path: Path, case: str
) -> None:
    own_a_measure(demo_db)  # so the return has a Measures row to fill in
    path = export(demo_db, tmp_path, "broken return.xlsx")
    fill(path, "Actions", 3, new_status="On track", what_was_done="A good row", date=TODAY)
    breaker, expected = CORPUS[case]
    breaker(path)
    before = state(demo_db)
    with pytest.raises(PerfDeskError) as refused:
        import_return(demo_db, path)
    message = str(refused.value)
    assert message.startswith("broken return.xlsx")  # names the file first
    assert "Traceback" not in message
    for part in expected:
        assert part in message
    if isinstance(refused.value, ValidationFailed):
        assert "nothing was changed" in message
        assert [str(p) for p in refused.value.problems] == [
            line for line in message.splitlines()[1:]]  # one located problem a line
    assert state(demo_db) == before


@pytest.mark.parametrize("formula", ["=1+1", '=HYPERLINK("http://example.com","click here")'])
def test_a_formula_typed_into_what_was_done_is_stored_as_the_literal_text(
    demo_db: Database, tmp_path: Path, formula: str
) -> None:
    path = export(demo_db, tmp_path)
    fill(path, "Actions", 2, new_status="On track", what_was_done=formula, date=TODAY)
    assert openpyxl.load_workbook(path)["Actions"]["H2"].data_type == "f"  # a real formula
    assert import_return(demo_db, path) == 1
    with demo_db.read() as session:
        (update,) = session.exec(select(ProgressUpdate).where(
            ProgressUpdate.author == LEAD, ProgressUpdate.reported_on == TODAY)).all()
    assert update.done_text == formula  # as typed: not evaluated, not dropped
    assert import_return(demo_db, path) == 0  # and it matches itself the second time


def test_a_return_of_50000_rows_is_refused_quickly_without_reading_each_row(
    demo_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "huge.xlsx"
    source = openpyxl.load_workbook(export(demo_db, tmp_path))
    first_id = source["Actions"]["A2"].value
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Return")
    for row in source["Return"].iter_rows(values_only=True):
        ws.append(row)
    ws = wb.create_sheet("Actions")
    ws.append(["Id", "New status", "What was done"])
    for n in range(50_000):
        ws.append([first_id, "On track", f"Step {n}"])
    wb.create_sheet("Measures").append(["Id", "Period", "New value"])
    wb.save(path)
    before = state(demo_db)

    started = time.monotonic()
    with pytest.raises(ValidationFailed) as refused:
        import_return(demo_db, path)
    assert time.monotonic() - started < 30
    (problem,) = refused.value.problems
    assert problem.where == "Actions"
    assert f"50,000 rows are filled in, more than a return can hold ({MAX_ROWS:,})" in str(
        problem)
    assert state(demo_db) == before
