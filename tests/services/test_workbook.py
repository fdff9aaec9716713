"""Plan workbooks: what councils export, edit in Excel and import again."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdesk.domain.measures import Frequency, Polarity, Unit
from perfdesk.domain.plan_document import (
    ActionDoc,
    BenchmarkDoc,
    MeasureDoc,
    OutcomeDoc,
    PlanDocument,
    PlanInfo,
    PriorityDoc,
    StepDoc,
    UpdateDoc,
    ValueDoc,
)
from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.domain.timeframe import Timeframe
from perfdesk.errors import PerfDeskError, ValidationFailed
from perfdesk.services.workbook.read import read_workbook
from perfdesk.services.workbook.write import write_workbook
from perfdesk.store.values import control_character

DOCS = Path(__file__).resolve().parents[2] / "docs"
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def rich_plan() -> PlanDocument:
    """A plan with every field set, and text a spreadsheet might take for a formula."""
    return PlanDocument(
        plan=PlanInfo(
            title="Corporate improvement plan",
            short_name="CIP 2023",
            organisation="Example Council",
            period_start=dt.date(2023, 4, 1),
            period_end=dt.date(2025, 3, 31),
            board="Improvement Board",
            marking="OFFICIAL",
            state="Approved",
            description="=Agreed by Cabinet\nReviewed quarterly",
        ),
        priorities=[
            PriorityDoc("P1", "Leadership", "Priority", "Strong leadership", ["Vision", "Pace"]),
            PriorityDoc("P2", "Finance", "Theme", "+Balanced budget", ["Reserves"]),
        ],
        outcomes=[OutcomeDoc("A council residents trust"), OutcomeDoc("Stable budget", "P2")],
        actions=[
            ActionDoc(
                ref="A1",
                priority_ref="P1",
                timeframe=Timeframe.MONTHS_0_3,
                success_criteria="Plan signed off",
                text="-Appoint a chief executive",
                by_when="July 2023",
                due_date=dt.date(2023, 9, 30),
                original_due_date=dt.date(2023, 7, 31),
                due_date_reason="Recruitment re-run",
                leads=["Leader", "Head of HR"],
                measure_of_success="Post filled",
                impact="@Stability",
                steps=[StepDoc("Advertise", "June 2023", True), StepDoc("Interview", "", False)],
                latest_update=UpdateDoc(
                    dt.date(2023, 8, 15), Status.AT_RISK, "Shortlist agreed", "Interviews", "Jo"
                ),
            ),
            ActionDoc(
                ref="A2",
                priority_ref="P2",
                timeframe=Timeframe.MONTHS_6_12,
                text="Set a balanced budget",
                by_when="March 2024",
                due_date=dt.date(2024, 3, 31),
                original_due_date=dt.date(2024, 3, 31),
            ),
        ],
        measures=[
            MeasureDoc(
                ref="M1",
                indicator="Staff vacancy rate",
                priority_ref="P1",
                area="Workforce",
                unit=Unit.PERCENT,
                polarity=Polarity.LOWER,
                frequency=Frequency.QUARTERLY,
                baseline=19.0,
                baseline_text="19%",
                baseline_date=dt.date(2023, 3, 31),
                target=12.5,
                target_text="12.5% by 2025",
                target_date=dt.date(2025, 3, 31),
                tolerance=2.0,
                definition="Vacant posts / all posts",
                source="HR system",
                owner="Head of HR",
                actions=["A1", "A2"],
                values=[
                    ValueDoc("Q1 2023/24", 18.2, 182.0, 1000.0, "=draft figure", "Jo"),
                    ValueDoc("2023-09", 17.5),
                ],
                benchmarks=[BenchmarkDoc("2022/23", "England average", 9.8)],
            ),
            MeasureDoc(ref="M2", indicator="Budget gap (£m)", unit=Unit.POUNDS, target_text="TBD"),
        ],
    )


def sheet_values(path: Path) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def header_cell(ws: Any, row: int, header: str) -> Any:
    """The cell in the given row under the named header (row 1)."""
    for cell in ws[1]:
        if cell.value == header:
            return ws.cell(row=row, column=cell.column)
    raise KeyError(header)


def save_sheets(path: Path, sheets: dict[str, list[list[Any]]]) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return wb


# --- Round trip ------------------------------------------------------------


def test_a_full_plan_reads_back_exactly(tmp_path: Path) -> None:
    doc = rich_plan()
    write_workbook(doc, tmp_path / "plan.xlsx")
    assert read_workbook(tmp_path / "plan.xlsx") == doc


def test_export_import_export_gives_the_same_workbook(tmp_path: Path) -> None:
    sparse = PlanDocument(
        plan=PlanInfo("Sparse plan", "SP", period_start=dt.date(1899, 1, 1)),
        actions=[
            ActionDoc("A1", by_when="Appointed by May 2023", leads=["Ann; Bob", " ", "Cy"]),
            ActionDoc(
                "A2",
                latest_update=UpdateDoc(dt.date(2023, 5, 1), Status.NOT_STARTED),
            ),
            ActionDoc("A3", text="  padded\r\ntext \x0b with a control character  "),
        ],
        measures=[
            MeasureDoc("M1", "Published as a number only", baseline_text="47%"),
            MeasureDoc("M2", "Number with no published text", unit=Unit.PERCENT, target=19),
            MeasureDoc("M3", "_x000D_ looks like an escape", target_text="58 – April 2023"),
        ],
    )
    for n, doc in enumerate([rich_plan(), sparse]):
        first, second = tmp_path / f"first{n}.xlsx", tmp_path / f"second{n}.xlsx"
        write_workbook(doc, first)
        write_workbook(read_workbook(first), second)
        assert sheet_values(first) == sheet_values(second)


def test_the_workbook_is_laid_out_for_people(tmp_path: Path) -> None:
    write_workbook(rich_plan(), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert wb.sheetnames == [
        "Plan", "Priorities", "Outcomes", "Actions", "Steps", "Measures", "Values", "Benchmarks"
    ]  # fmt: skip
    actions = wb["Actions"]
    assert actions.freeze_panes == "A2"
    assert all(cell.font.bold for cell in actions[1])
    assert header_cell(actions, 2, "Timeframe").value == "0–3 months"
    assert header_cell(actions, 2, "Leads").value == "Leader; Head of HR"
    due = header_cell(actions, 2, "Due date")
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    assert header_cell(actions, 3, "Status").value == "Not started"
    assert header_cell(actions, 2, "Latest update").alignment.wrap_text
    measures = wb["Measures"]
    assert header_cell(measures, 2, "Unit").value == "%"
    assert header_cell(measures, 2, "Polarity").value == "lower is better"
    assert header_cell(measures, 3, "Target").value == "TBD"
    assert wb["Steps"]["D2"].value == "Yes"


def test_formula_like_text_is_written_as_text(tmp_path: Path) -> None:
    write_workbook(rich_plan(), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    cells = [wb["Plan"]["B10"], header_cell(wb["Actions"], 2, "Action"), wb["Values"]["F2"]]
    assert [c.value for c in cells] == [
        "=Agreed by Cabinet\nReviewed quarterly", "-Appoint a chief executive", "=draft figure"
    ]  # fmt: skip
    assert all(c.data_type == "s" for c in cells)


formula_like = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["=", "+", "-", "@", "\t", "\r", "=HYPERLINK(", "=1+"]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
).filter(lambda t: not t[-1].isspace() and "\r\n" not in t and control_character(t) is None)


@PROPERTY
@given(text=formula_like)
def test_formula_like_text_reads_back_identical(
    text: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("text") / "plan.xlsx"
    doc = PlanDocument(
        plan=PlanInfo("T", "S", description=text),
        actions=[ActionDoc("A1", text=text, leads=["Lead"])],
        measures=[MeasureDoc("M1", text, values=[ValueDoc("2023", 1.0, note=text)])],
    )
    write_workbook(doc, path)
    action_cell = openpyxl.load_workbook(path)["Actions"]["E2"]
    assert action_cell.data_type == "s"
    back = read_workbook(path)
    assert back.plan.description == text
    assert back.actions[0].text == text
    assert back.measures[0].indicator == text
    assert back.measures[0].values[0].note == text


numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**15), max_value=10**15),
)


@PROPERTY
@given(a=numbers, b=numbers, c=numbers, unit=st.sampled_from(Unit))
def test_numbers_read_back_identical(
    a: float, b: float, c: float, unit: Unit, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("numbers") / "plan.xlsx"
    measure = MeasureDoc(
        "M1", "Indicator", unit=unit, baseline=a, target=b, tolerance=c,
        values=[ValueDoc("2023", a, abs(b), abs(c))],  # a numerator and denominator count
        benchmarks=[BenchmarkDoc("2023", "England", b)],
    )  # fmt: skip
    write_workbook(PlanDocument(PlanInfo("T", "S"), measures=[measure]), path)
    back = read_workbook(path).measures[0]
    assert (back.baseline, back.target, back.tolerance) == (a, b, c)
    value = back.values[0]
    assert (value.value, value.numerator, value.denominator) == (a, abs(b), abs(c))
    assert back.benchmarks[0].value == b


# --- Forgiving import ----------------------------------------------------


def test_a_workbook_typed_by_a_person_is_understood(tmp_path: Path) -> None:
    path = tmp_path / "typed.xlsx"
    wb = save_sheets(path, {
        " plan ": [
            ["  FIELD ", "value", "Notes"],
            ["title", "Forgiving plan", "ignored"],
            ["SHORT NAME", 2023],
            ["Period start", "01/04/2023"],
            ["Period end", dt.datetime(2024, 3, 31)],
            ["state", "approved"],
        ],
        "ACTIONS": [
            ["Comments", "STATUS", " ref ", "Action", "timeframe", "By When", "due date",
             "LEADS", "Latest Update", "Update date"],
            ["not ours", "on-track", "A1", "Do it  ", "0-3 Months", "July 2023", "15/08/2023",
             "Ann Smith\nBob Jones", "Going well\r\nso far", "2023-06-01"],
            [None] * 10,
            [None, None, "A2", "Other", "3 – 6 months", "By end of March 2024", None,
             "Cat; Dan;", None, None],
            [None, "Complete", "A3", "Done already", None, None, None, None, None, None],
        ],
        "Measures": [
            ["Measures we track"],
            ["ref", "INDICATOR", "unit", "Baseline", "Target", "Tolerance", "Actions"],
            ["M1", "Typed as text", "%", "47%", "50", "2%", "A1"],
            ["M2", "Percent formatted", "%", 0.47, 0.5, None, "a1\nA2"],
            ["M3", "Plain number", "%", 47, 50, None, None],
        ],
    })  # fmt: skip
    wb["Measures"]["D4"].number_format = "0%"
    wb["Measures"]["E4"].number_format = "0.0%"
    wb.save(path)

    doc = read_workbook(path, today=dt.date(2023, 9, 30))

    assert doc.plan.title == "Forgiving plan" and doc.plan.short_name == "2023"
    assert (doc.plan.period_start, doc.plan.period_end) == (
        dt.date(2023, 4, 1), dt.date(2024, 3, 31)
    )  # fmt: skip
    assert doc.plan.state == "Approved"
    assert (doc.priorities, doc.outcomes) == ([], [])
    a1, a2, a3 = doc.actions
    assert a1.text == "Do it" and a1.timeframe is Timeframe.MONTHS_0_3
    assert a1.due_date == a1.original_due_date == dt.date(2023, 8, 15)  # Due date wins
    assert a1.leads == ["Ann Smith", "Bob Jones"]
    assert a1.latest_update == UpdateDoc(dt.date(2023, 6, 1), Status.ON_TRACK, "Going well\nso far")
    assert a2.due_date == dt.date(2024, 3, 31)  # from "By when"
    assert a2.timeframe is Timeframe.MONTHS_3_6 and a2.leads == ["Cat", "Dan"]
    assert a2.latest_update is None and a2.steps == []
    assert a3.latest_update is not None and a3.latest_update.status is Status.COMPLETE
    assert a3.latest_update.reported_on == dt.date(2023, 9, 30)  # undated: the import's day
    m1, m2, _ = doc.measures
    assert [m.baseline for m in doc.measures] == [47, 47, 47]
    assert [m.target for m in doc.measures] == [50, 50, 50]
    assert [m.baseline_text for m in doc.measures] == ["47%", "47%", "47%"]
    assert m1.tolerance == 2 and m1.unit is Unit.PERCENT
    assert m2.actions == ["A1", "A2"]


# --- Refused files ---------------------------------------------------------


def test_five_mistakes_give_five_located_problems(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    doc = rich_plan()
    doc.actions.append(ActionDoc("A3", "P1"))
    write_workbook(doc, path)
    wb = openpyxl.load_workbook(path)
    actions = wb["Actions"]
    header_cell(actions, 2, "Status").value = "Finished"
    header_cell(actions, 3, "Timeframe").value = "0-4 months"
    header_cell(actions, 4, "Priority").value = "P9"
    header_cell(actions, 4, "Ref").value = "a1"
    header_cell(wb["Measures"], 2, "Baseline date").value = "31/02/2023"
    wb.save(path)

    with pytest.raises(ValidationFailed) as caught:
        read_workbook(path)

    problems = {p.where: p.reason for p in caught.value.problems}
    assert len(caught.value.problems) == 5
    assert set(problems) == {
        "Actions row 2, column Status",
        "Actions row 3, column Timeframe",
        "Actions row 4, column Priority",
        "Actions row 4, column Ref",
        "Measures row 2, column Baseline date",
    }
    assert all(label in problems["Actions row 2, column Status"] for label in STATUS_LABELS)
    assert "'P9'" in problems["Actions row 4, column Priority"]
    assert "row 2" in problems["Actions row 4, column Ref"]  # where the first A1 is
    assert "5 problems; nothing was changed" in str(caught.value)


def test_broken_references_and_values_are_each_reported(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    save_sheets(path, {
        "Plan": [["Field", "Value"], ["Title", "T"], ["State", "Final"]],
        "Actions": [["Ref", "Action"], ["A1", "x"]],
        "Steps": [["Action ref", "Step", "Done"], ["A9", "s", "Yes"], ["A1", "s", "maybe"]],
        "Measures": [["Ref", "Indicator", "Actions", "Unit"], ["M1", "i", "A1; A7", "percent"]],
        "Values": [["Measure ref", "Period", "Value"], ["M1", "Spring 2023", "lots"],
                   ["M5", "2023", 1]],
        "Benchmarks": [["Measure ref", "Period", "Value"]],
    })  # fmt: skip

    with pytest.raises(ValidationFailed) as caught:
        read_workbook(path)

    assert [p.where for p in caught.value.problems] == [
        "Plan",  # no Short name row
        "Plan row 3, column Value",  # State
        "Steps row 2, column Action ref",
        "Steps row 3, column Done",
        "Measures row 2, column Unit",
        "Measures row 2, column Actions",
        "Values row 2, column Period",
        "Values row 2, column Value",
        "Values row 3, column Measure ref",
        "Benchmarks",  # no Comparator column
    ]


def test_a_workbook_without_actions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    save_sheets(path, {"Plan": [["Field", "Value"], ["Title", "T"], ["Short name", "S"]]})
    with pytest.raises(ValidationFailed) as caught:
        read_workbook(path)
    assert [str(p) for p in caught.value.problems] == ["Actions: the workbook has no Actions sheet"]


def test_a_text_file_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_text("Ref,Title\nA1,Appoint a chief executive\n")
    with pytest.raises(PerfDeskError, match=r"plan\.xlsx is not an Excel workbook \(\.xlsx\)"):
        read_workbook(path)


def test_a_zip_bomb_is_refused_without_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    chunk = bytes(1 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(300):
            entry.write(chunk)
    assert path.stat().st_size < 5_000_000
    with pytest.raises(PerfDeskError, match="refused as unsafe"):
        read_workbook(path)


def test_a_damaged_workbook_gives_a_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook>not finished")
    with pytest.raises(PerfDeskError) as caught:
        read_workbook(path)
    message = str(caught.value)
    assert message.startswith("plan.xlsx could not be read as an Excel workbook")
    assert "\n" not in message and "Traceback" not in message


# --- Saving ------------------------------------------------------------------


def test_saving_replaces_the_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    write_workbook(PlanDocument(PlanInfo("Old", "OLD")), path)
    write_workbook(rich_plan(), path)
    assert read_workbook(path) == rich_plan()
    assert os.listdir(tmp_path) == ["plan.xlsx"]


def test_a_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.xlsx"
    write_workbook(PlanDocument(PlanInfo("Old", "OLD")), path)
    before = path.read_bytes()

    def locked(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(PerfDeskError, match="close it and try again"):
        write_workbook(rich_plan(), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["plan.xlsx"]


# --- The documented example ---------------------------------------------------


def test_the_example_in_the_docs_is_current_and_valid(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_example", DOCS / "make_example_workbook.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    write_workbook(script.example_plan(), tmp_path / "fresh.xlsx")
    assert sheet_values(tmp_path / "fresh.xlsx") == sheet_values(DOCS / "example-plan.xlsx")

    doc = read_workbook(DOCS / "example-plan.xlsx")
    assert doc.plan.organisation == "Example Council"
    assert (len(doc.priorities), len(doc.actions), len(doc.measures)) == (2, 3, 2)
    assert sum(len(a.steps) for a in doc.actions) == 1
    assert sum(len(m.values) for m in doc.measures) == 3
    assert sum(len(m.benchmarks) for m in doc.measures) == 1


def test_an_unreadable_workbook_logs_no_warning_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression: every unreadable workbook logged a WARNING with a full
    traceback before the plain message. The detail is kept at DEBUG."""
    import logging
    import zipfile

    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types")
    with caplog.at_level(logging.DEBUG), pytest.raises(PerfDeskError):
        read_workbook(path)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all(r.exc_info is None for r in caplog.records if r.levelno > logging.DEBUG)
