"""Lead returns: export a head of service's open actions and owned measures,
fill the workbook in as they would, and import it back - previewed, flagged,
applied once, and refused with located problems when wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.domain.text import name_key
from perfdesk.errors import ValidationFailed
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.returns.apply import Flag, ReturnPreview, apply_return, check_return
from perfdesk.services.returns.read import read_return
from perfdesk.services.returns.write import file_name, write_all_returns, write_return
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.store.schema import MeasureValue, ProgressUpdate

LEAD = "Head of Service Corporate Parenting"
TODAY = dt.date(2024, 4, 15)
HEADERS = ("Id", "Ref", "Plan", "Action", "Current status", "Latest update",
           "New status", "What was done", "Next steps", "Date")


# ---------------------------------------------------------------- helpers

def export(db: Database, tmp_path: Path, name: str = "return.xlsx") -> Path:
    with db.read() as session:
        return write_return(session, LEAD, tmp_path / name, TODAY)


def fill(path: Path, sheet: str, row: int, **cells: object) -> None:
    """Type into the return as the lead would: cells by header name."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    columns = {c.value: c.column for c in ws[1]}
    for header, value in cells.items():
        ws.cell(row=row, column=columns[header.replace("_", " ").capitalize()], value=value)
    wb.save(path)


def preview(db: Database, path: Path) -> ReturnPreview:
    doc = read_return(path, today=TODAY)
    with db.read() as session:
        return check_return(session, doc)


def apply(db: Database, path: Path, confirm: bool = False) -> int:
    doc = read_return(path, today=TODAY)
    with db.write() as session:
        return apply_return(session, check_return(session, doc), confirm)


def action_ids(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["Actions"]
    return [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]


def counts(db: Database) -> tuple[int, int]:
    with db.read() as session:
        return (len(session.exec(select(ProgressUpdate)).all()),
                len(session.exec(select(MeasureValue)).all()))


def own_a_measure(db: Database) -> str:
    """Make the lead the owner of the Children's plan's first measure."""
    with db.write() as session:
        plan = queries.find_plan(session, "Children's Services")
        measure = queries.plan_measures(session, plan.id)[0]
        lead = queries.lead_by_name(session)[name_key(LEAD)]
        measure_edits.set_owner(session, measure.id, lead.id)
        return measure.id


# ---------------------------------------------------------------- export

def test_export_lists_the_leads_open_actions_with_hidden_ids_and_a_status_list(
    demo_db: Database, tmp_path: Path
) -> None:
    path = export(demo_db, tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Return", "Actions", "Measures"]
    fields = {r[0].value: r[1].value for r in wb["Return"].iter_rows(min_row=2)}
    assert fields["Lead"] == LEAD
    assert fields["From database"] == demo_db.database_id
    ws = wb["Actions"]
    assert tuple(c.value for c in ws[1]) == HEADERS
    assert ws.column_dimensions["A"].hidden
    ids = action_ids(path)
    assert len(ids) >= 2
    with demo_db.read() as session:
        leads = queries.leads_by_action(session, ids)
        assert all(LEAD in [lead.name for lead in leads[i]] for i in ids)
    statuses = [ws.cell(row=r, column=5).value for r in range(2, ws.max_row + 1)]
    assert not {"Complete", "Closed"} & set(statuses)
    (rule,) = ws.data_validations.dataValidation
    assert rule.type == "list" and rule.formula1 == '"' + ",".join(STATUS_LABELS) + '"'
    assert "G2" in rule.sqref


def test_formula_looking_text_is_exported_as_text_and_reads_back_identical(
    demo_db: Database, tmp_path: Path
) -> None:
    first = action_ids(export(demo_db, tmp_path))[0]
    with demo_db.write() as session:
        action_edits.set_text(session, first, "text", "=1+1")
    path = export(demo_db, tmp_path, "again.xlsx")
    cell = openpyxl.load_workbook(path)["Actions"]["D2"]
    assert cell.data_type == "s" and cell.value == "=1+1"
    fill(path, "Actions", 2, new_status="On track", what_was_done="=SUM(A1:A9)", date=TODAY)
    wb = openpyxl.load_workbook(path)
    wb["Actions"]["H2"].data_type = "s"  # typed as '=SUM(A1:A9): text, as Excel keeps it
    wb.save(path)
    (item,) = preview(demo_db, path).items
    assert item.row.done == "=SUM(A1:A9)"


def test_all_returns_one_file_per_lead_with_work_named_safely(
    demo_db: Database, tmp_path: Path
) -> None:
    with demo_db.read() as session:
        paths = write_all_returns(session, tmp_path, TODAY)
    names = {p.name for p in paths}
    assert f"{LEAD}.xlsx" in names and len(names) == len(paths) > 1
    assert file_name('A/B: "C"?', set()) == "A B C.xlsx"
    assert file_name("CON", set()) == "CON return.xlsx"
    assert file_name("x", {"x.xlsx"}) == "x (2).xlsx"


# ---------------------------------------------------------------- import

def test_two_filled_rows_preview_as_two_updates_applied_once(
    demo_db: Database, tmp_path: Path
) -> None:
    path = export(demo_db, tmp_path)
    fill(path, "Actions", 2, new_status="at risk", what_was_done="Strategy drafted",
         date=dt.date(2024, 4, 1))
    fill(path, "Actions", 3, new_status="On track", what_was_done="Panel met",
         next_steps="Report to board", date="05/04/2024")
    shown = preview(demo_db, path)
    assert [i.flag for i in shown.items] == [None, None]
    assert [i.where for i in shown.items] == ["Actions row 2", "Actions row 3"]
    assert "At risk on 2024-04-01: Strategy drafted" in shown.items[0].what

    assert apply(demo_db, path) == 2
    ids = action_ids(path)[:2]
    with demo_db.read() as session:
        updates = queries.updates_by_action(session, ids)
    added = [u for i in ids for u in updates[i] if u.author == LEAD]
    assert sorted((u.status.label, u.done_text, u.reported_on) for u in added) == [
        ("At risk", "Strategy drafted", dt.date(2024, 4, 1)),
        ("On track", "Panel met", dt.date(2024, 4, 5)),
    ]

    before = counts(demo_db)
    again = preview(demo_db, path)
    assert [i.flag for i in again.items] == [Flag.DUPLICATE, Flag.DUPLICATE]
    assert apply(demo_db, path) == 0
    assert counts(demo_db) == before


def test_blank_date_means_the_import_day(demo_db: Database, tmp_path: Path) -> None:
    path = export(demo_db, tmp_path)
    fill(path, "Actions", 2, new_status="Complete", what_was_done="Published")
    (item,) = read_return(path, today=TODAY).actions
    assert item.status is Status.COMPLETE and item.reported_on == TODAY and not item.dated


def test_an_action_no_longer_led_by_the_lead_needs_confirmation(
    demo_db: Database, tmp_path: Path
) -> None:
    path = export(demo_db, tmp_path)
    first = action_ids(path)[0]
    with demo_db.write() as session:
        others = [lead.id for lead in queries.leads_by_action(session, [first])[first]
                  if lead.name != LEAD]
        if not others:
            others = [queries.lead_by_name(session)[name_key("Director of Children's Services")].id]
        action_edits.set_leads(session, first, others)
    fill(path, "Actions", 2, new_status="On track", what_was_done="Handed over", date=TODAY)
    (item,) = preview(demo_db, path).items
    assert item.flag is Flag.NOT_LEAD
    assert apply(demo_db, path, confirm=False) == 0
    assert apply(demo_db, path, confirm=True) == 1
    with demo_db.read() as session:
        (update,) = [u for u in queries.updates_by_action(session, [first])[first]
                     if u.done_text == "Handed over"]
    assert update.author == LEAD


def test_a_deleted_action_is_flagged_and_not_applied(demo_db: Database, tmp_path: Path) -> None:
    path = export(demo_db, tmp_path)
    fill(path, "Actions", 2, Id="00000000-0000-0000-0000-000000000000",
         new_status="On track", what_was_done="Done", date=TODAY)
    (item,) = preview(demo_db, path).items
    assert item.flag is Flag.DELETED and "deleted since export" in item.flag.value
    assert apply(demo_db, path, confirm=True) == 0


def test_a_measure_value_is_added_for_its_period_authored_by_the_lead(
    demo_db: Database, tmp_path: Path
) -> None:
    measure_id = own_a_measure(demo_db)
    path = export(demo_db, tmp_path)
    ws = openpyxl.load_workbook(path)["Measures"]
    assert ws.cell(row=2, column=1).value == measure_id and ws.column_dimensions["A"].hidden
    with demo_db.read() as session:
        frequency = measure_edits.measure(session, measure_id).frequency
    period = {"monthly": "2031-03", "quarterly": "Q4 2030/31", "annual": "2030/31"}[frequency.value]
    fill(path, "Measures", 2, period=period, new_value="47", commentary="Up again")
    (item,) = preview(demo_db, path).items
    assert item.flag is None and item.period == period
    assert apply(demo_db, path) == 1
    with demo_db.read() as session:
        (value,) = [v for v in queries.values_by_measure(session, [measure_id])[measure_id]
                    if v.period == period]
    assert (value.value, value.note, value.author) == (47.0, "Up again", LEAD)
    assert preview(demo_db, path).items[0].flag is Flag.DUPLICATE


def test_wrong_cells_are_refused_naming_sheet_row_and_column(
    demo_db: Database, tmp_path: Path
) -> None:
    own_a_measure(demo_db)
    path = export(demo_db, tmp_path)
    fill(path, "Actions", 2, new_status="Nearly there", what_was_done="x", date=TODAY)
    fill(path, "Actions", 3, new_status="On track", what_was_done="y", date="31/02/2024")
    fill(path, "Measures", 2, period="2031-03", new_value="about half")
    before = counts(demo_db)
    with pytest.raises(ValidationFailed) as refused:
        read_return(path, today=TODAY)
    where = [p.where for p in refused.value.problems]
    assert where == ["Actions row 2, column New status", "Actions row 3, column Date",
                     "Measures row 2, column New value"]
    assert "unknown status 'Nearly there'" in refused.value.problems[0].reason
    assert "'about half' is not a number" in refused.value.problems[2].reason
    assert counts(demo_db) == before


def test_a_missing_sheet_or_column_is_refused(demo_db: Database, tmp_path: Path) -> None:
    path = export(demo_db, tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["Measures"]
    wb["Actions"]["G1"] = "  NEW   status "  # forgiving about case and spacing
    wb["Actions"]["H1"] = "Notes"
    wb.save(path)
    with pytest.raises(ValidationFailed) as refused:
        read_return(path)
    assert [str(p) for p in refused.value.problems] == [
        "Actions: no 'What was done' column in the header row",
        "Measures: the workbook has no Measures sheet",
    ]


def test_a_return_from_another_database_is_refused(demo_db: Database, tmp_path: Path) -> None:
    path = export(demo_db, tmp_path)
    ws = openpyxl.load_workbook(path)
    ws["Return"]["B5"] = "some-other-database"
    ws.save(path)
    with pytest.raises(ValidationFailed, match="another PerfDesk database"):
        preview(demo_db, path)


def test_a_period_that_does_not_suit_the_measure_is_refused(
    demo_db: Database, tmp_path: Path
) -> None:
    own_a_measure(demo_db)
    path = export(demo_db, tmp_path)
    fill(path, "Measures", 2, period="sometime soon", new_value=12)
    with pytest.raises(ValidationFailed) as refused:
        preview(demo_db, path)
    (problem,) = refused.value.problems
    assert problem.where == "Measures row 2, column Period"
    assert "not a period PerfDesk can read" in problem.reason
