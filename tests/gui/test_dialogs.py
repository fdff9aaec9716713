"""The dialogs, filled in through their widgets as a user would.

Each test also saves a picture of its dialog (into $PERFDESK_SHOTS when set,
else the test's own folder) so the layout can be looked at."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from sqlmodel import Session

from perfdesk.services.plans.outline import plan_outline
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.store.schema import ActionLead, Lead
from perfdesk.ui import ask, crash
from perfdesk.ui.dialogs import about, leads_dialog, plan_dialogs
from perfdesk.ui.dialogs.leads_dialog import Column, LeadChooser, LeadsDialog
from perfdesk.ui.dialogs.plan_dialogs import (
    MoveDialog,
    NewPlanDialog,
    NewPlanValues,
    OutcomeDialog,
    OutcomeValues,
    PlanDetailsDialog,
    PlanValues,
    PriorityDialog,
    PriorityValues,
    RollForwardDialog,
    RollValues,
    next_years,
    suggest_short_name,
)
from perfdesk.ui.dialogs.preferences_dialog import PreferencesDialog
from perfdesk.ui.ops import Operations
from perfdesk.ui.settings import Settings

PRIORITIES = [("p1", "1 Leadership"), ("p2", "2 Practice")]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def ops(demo_db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Operations:
    monkeypatch.setattr(ask, "refuse", lambda _parent, title, message: pytest.fail(message))
    return Operations(demo_db, settings)


def shot(widget: QWidget, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("PERFDESK_SHOTS") or tmp_path)
    path = folder / f"dlg_{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 0


def opened(qtbot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.open()  # not exec: the test goes on while it is shown
    return dialog


def click_ok(qtbot, dialog: plan_dialogs.FormDialog) -> None:
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted


def lead_id(ops: Operations, name: str) -> str:
    return ops.read(lambda s: queries.lead_by_name(s)[name.casefold()].id)


# --- Plan dialogs -------------------------------------------------------------

def test_priority_needs_a_title_and_returns_what_was_typed(qtbot, tmp_path: Path) -> None:
    dialog = opened(qtbot, PriorityDialog(None))
    assert dialog.windowTitle() == "New priority"
    assert not dialog.ok.isEnabled()
    assert dialog.message.text() == "Enter a title for the priority."
    qtbot.keyClicks(dialog.title, "  Early   help ")
    assert dialog.ok.isEnabled() and dialog.message.text() == ""
    dialog.kind.setCurrentText("Theme")
    qtbot.keyClicks(dialog.statement, "Families get help sooner.")
    qtbot.keyClicks(dialog.needs, "Referrals")
    qtbot.keyClick(dialog.needs, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.needs, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.needs, " Waiting times ")
    shot(dialog, "priority", tmp_path)
    click_ok(qtbot, dialog)
    assert dialog.values() == PriorityValues(
        "Early help", "Theme", "Families get help sooner.", "Referrals\nWaiting times"
    )


def test_priority_edit_starts_from_the_values_given(qtbot) -> None:
    start = PriorityValues("Leadership", "Priority", "Lead well", "A\nB")
    dialog = opened(qtbot, PriorityDialog(None, start))
    assert dialog.windowTitle() == "Edit priority" and dialog.ok.isEnabled()
    assert dialog.values() == start
    dialog.title.clear()
    assert not dialog.ok.isEnabled()


def test_ask_functions_return_none_on_cancel_and_values_on_ok(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PriorityDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert plan_dialogs.ask_priority(None) is None

    def fill(self: PriorityDialog) -> int:
        self.title.setText("Voice of the child")
        self.accept()
        return self.result()

    monkeypatch.setattr(PriorityDialog, "exec", fill)
    assert plan_dialogs.ask_priority(None) == PriorityValues("Voice of the child")


def test_outcome_for_a_priority_or_the_whole_plan(qtbot, tmp_path: Path) -> None:
    dialog = opened(qtbot, OutcomeDialog(None, PRIORITIES, "p2"))
    assert dialog.priority.currentText() == "2 Practice"
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.statement, "Children are seen within 5 days")
    assert dialog.values() == OutcomeValues("Children are seen within 5 days", "p2")
    dialog.priority.setCurrentText(plan_dialogs.WHOLE_PLAN)
    shot(dialog, "outcome", tmp_path)
    click_ok(qtbot, dialog)
    assert dialog.values().priority_id is None


def test_move_needs_a_change_and_allows_blank(qtbot, tmp_path: Path) -> None:
    dialog = opened(qtbot, MoveDialog(None, PRIORITIES, "p1", "0-3 months", "C7"))
    assert dialog.windowTitle() == "Move action C7"
    assert dialog.timeframe.currentText() == "0–3 months"
    assert not dialog.ok.isEnabled()
    dialog.priority.setCurrentText("2 Practice")
    assert dialog.ok.isEnabled()
    dialog.timeframe.setCurrentText("No timeframe")
    shot(dialog, "move", tmp_path)
    click_ok(qtbot, dialog)
    assert dialog.values() == ("p2", None)


def test_new_plan_suggests_a_short_name_and_checks_the_period(qtbot, tmp_path: Path) -> None:
    dialog = opened(qtbot, NewPlanDialog(None, "Devon County Council",
                                         today=dt.date(2024, 2, 10)))
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.title, "Adult Social Care Improvement Plan")
    assert dialog.short_name.text() == "Adult Social Care"
    dialog.short_name.selectAll()
    qtbot.keyClicks(dialog.short_name, "ASC")
    qtbot.keyClicks(dialog.title, " 2024")
    assert dialog.short_name.text() == "ASC"  # edited by hand: no longer follows
    qtbot.keyClicks(dialog.board, "Improvement Board")
    dialog.end.setDate(QDate(2023, 1, 1))
    assert not dialog.ok.isEnabled()
    assert dialog.message.text() == "The period must end after it starts."
    dialog.end.setDate(QDate(2024, 3, 31))
    shot(dialog, "new_plan", tmp_path)
    click_ok(qtbot, dialog)
    assert dialog.values() == NewPlanValues(
        "Adult Social Care Improvement Plan 2024", "ASC", "Devon County Council",
        "Improvement Board", dt.date(2023, 4, 1), dt.date(2024, 3, 31),
    )


def test_short_names_and_next_years() -> None:
    assert suggest_short_name("DCC Corporate Services Action Plan") == "DCC Corporate Services"
    assert suggest_short_name("Plan") == "Plan"
    assert next_years("Children's 2023/24") == "Children's 2024/25"
    assert next_years("Plan 2023-2024") == "Plan 2024-2025"
    assert next_years("Plan 2099/00") == "Plan 2100/01"
    assert next_years("Partnership") is None


def test_roll_forward_explains_and_suggests_the_next_plan(
    qtbot, demo_db: Database, tmp_path: Path
) -> None:
    with demo_db.read() as session:
        outline = plan_outline(session, queries.find_plan(session, "Partnership").id)
    today = dt.date(2024, 5, 2)
    dialog = opened(qtbot, RollForwardDialog(None, outline, 7, today=today))
    assert dialog.explain.text().startswith(
        "Every action that is not Complete or Closed as at 2 May 2024 (7 actions) is "
        "carried into a new plan, with a link back."
    )
    assert dialog.short_name.text() == "Partnership (next)"
    assert dialog.ok.isEnabled()
    shot(dialog, "roll_forward", tmp_path)
    dialog.as_at.setDate(QDate(2024, 3, 31))
    assert "as at 31 March 2024 (7 actions today)" in dialog.explain.text()
    dialog.short_name.clear()
    assert dialog.message.text() == "Enter a short name for the plan."
    qtbot.keyClicks(dialog.short_name, "Partnership 2024/25")
    click_ok(qtbot, dialog)
    assert dialog.values() == RollValues(
        outline.title, "Partnership 2024/25", dt.date(2024, 4, 1), dt.date(2025, 3, 31),
        dt.date(2024, 3, 31),
    )


def test_plan_details_edit_every_field(qtbot, tmp_path: Path) -> None:
    start = PlanValues("Partnership Action Plan", "Partnership", "Devon", "Board", "",
                       "Draft", dt.date(2023, 4, 1), dt.date(2024, 3, 31), "")
    dialog = opened(qtbot, PlanDetailsDialog(None, start, today=dt.date(2023, 10, 2)))
    assert dialog.values() == start and dialog.ok.isEnabled()
    dialog.title.clear()
    assert dialog.message.text() == "Enter a title for the plan."
    qtbot.keyClicks(dialog.title, "Partnership Plan")
    dialog.marking.setCurrentText("OFFICIAL-SENSITIVE")
    dialog.state.setCurrentIndex(dialog.state.count() - 1)
    qtbot.keyClicks(dialog.description, "Shared with partners.")
    shot(dialog, "plan_details", tmp_path)
    qtbot.mouseClick(dialog.has_period, Qt.MouseButton.LeftButton)
    assert not dialog.start.isEnabled()
    click_ok(qtbot, dialog)
    values = dialog.values()
    assert (values.title, values.marking, values.description) == (
        "Partnership Plan", "OFFICIAL-SENSITIVE", "Shared with partners.")
    assert values.state == plan_dialogs.PLAN_STATES[-1]
    assert values.period_start is None and values.period_end is None


# --- Leads --------------------------------------------------------------------

def names_shown(dialog: LeadsDialog) -> list[str]:
    model = dialog.model
    return [model.index(r, Column.NAME).data() for r in range(model.rowCount())]


def test_leads_table_filters_and_sorts_in_the_model(qtbot, ops: Operations,
                                                    tmp_path: Path) -> None:
    dialog = opened(qtbot, LeadsDialog(ops))
    QAbstractItemModelTester(dialog.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert len(names_shown(dialog)) == 32 and dialog.count.text() == "32 leads"
    assert names_shown(dialog)[:2] == ["Angie Sinclair", "Chief Executive"]
    dialog.table.sortByColumn(Column.ACTIONS, Qt.SortOrder.DescendingOrder)
    top = dialog.model.index(0, Column.ACTIONS)
    assert (dialog.model.index(0, Column.NAME).data(), top.data()) == (
        "Director of Children's Services", 15)
    dialog.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    shot(dialog, "leads", tmp_path)
    qtbot.keyClicks(dialog.find_box, "head of")
    assert 0 < len(names_shown(dialog)) < 32
    assert all("head" in n.casefold() for n in names_shown(dialog))
    assert dialog.count.text() == f"{len(names_shown(dialog))} of 32 leads"
    assert not dialog.rename.isEnabled()


def test_rename_a_lead_through_the_dialog(qtbot, ops: Operations,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = opened(qtbot, LeadsDialog(ops))
    qtbot.keyClicks(dialog.find_box, "DTM")
    assert names_shown(dialog) == ["DTM"]
    row = dialog.table.visualRect(dialog.model.index(0, Column.NAME)).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert dialog.rename.isEnabled()
    monkeypatch.setattr(ask, "text", lambda parent, title, label, value="": "Directorate Team")
    qtbot.mouseClick(dialog.rename, Qt.MouseButton.LeftButton)
    names = ops.read(lambda s: {lead.name for lead in queries.live(s, Lead)})
    assert "Directorate Team" in names and "DTM" not in names
    dialog.find_box.clear()
    assert "Directorate Team" in names_shown(dialog) and "DTM" not in names_shown(dialog)
    assert dialog.chosen().name == "Directorate Team"  # still the one chosen


def test_add_a_lead(qtbot, ops: Operations, monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = opened(qtbot, LeadsDialog(ops))
    monkeypatch.setattr(ask, "text", lambda parent, title, label, value="": "Head of Finance")
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    assert dialog.chosen() is not None
    assert (dialog.chosen().name, dialog.chosen().kind, dialog.chosen().actions) == (
        "Head of Finance", "Role", 0)
    assert len(names_shown(dialog)) == 33


def test_merge_two_leads_and_undo(qtbot, ops: Operations,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    slt, keep = lead_id(ops, "SLT"), lead_id(ops, "Senior Leadership Team")

    def led_by(lead: str) -> set[str]:
        def query(session: Session) -> set[str]:
            links = queries.live(session, ActionLead, ActionLead.lead_id == lead)
            return {link.action_id for link in links}
        return ops.read(query)

    slt_actions = led_by(slt)
    dialog = opened(qtbot, LeadsDialog(ops))
    dialog.select(slt)
    offered: list[list[tuple[str, str]]] = []
    asked: list[str] = []
    monkeypatch.setattr(leads_dialog, "choose_lead",
                        lambda parent, leads, merging: offered.append(list(leads)) or keep)
    monkeypatch.setattr(ask, "confirm",
                        lambda parent, title, text, yes="": asked.append(text) or True)
    qtbot.mouseClick(dialog.merge, Qt.MouseButton.LeftButton)
    assert slt not in {i for i, _ in offered[0]} and len(offered[0]) == 31
    assert asked == ["SLT will be replaced by Senior Leadership Team on 1 action; "
                     "SLT is removed. You can undo this."]
    assert "SLT" not in names_shown(dialog)
    assert dialog.chosen().name == "Senior Leadership Team" and dialog.chosen().actions == 2
    assert led_by(slt) == set() and slt_actions <= led_by(keep)
    ops.undo()
    assert "SLT" in names_shown(dialog)


def test_lead_chooser_finds_and_picks(qtbot, tmp_path: Path) -> None:
    leads = [("a", "Chief Executive"), ("b", "Senior Leadership Team"), ("c", "SLT")]
    dialog = opened(qtbot, LeadChooser(None, leads, "SLT"))
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.find_box, "senior")
    assert dialog.proxy.rowCount() == 1 and dialog.ok.isEnabled()
    shot(dialog, "merge_chooser", tmp_path)
    click_ok(qtbot, dialog)
    assert dialog.chosen() == "b"


# --- Preferences, About, crash ------------------------------------------------

def test_preferences_are_saved_and_read_back(qtbot, ops: Operations, settings: Settings,
                                             tmp_path: Path) -> None:
    settings.user_name = "Old Name"
    leads = [(r.id, r.name) for r in ops.read(leads_dialog.lead_rows)]
    dialog = opened(qtbot, PreferencesDialog(settings, leads))
    QAbstractItemModelTester(dialog.leads, QAbstractItemModelTester.FailureReportingMode.Fatal)
    dialog.name.clear()
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.name, "Sam Jones")
    qtbot.keyClicks(dialog.find_box, "principal")
    assert dialog.leads.rowCount() == 1
    dialog.lead_list.setCurrentIndex(dialog.leads.index(0))
    qtbot.keyClick(dialog.lead_list, Qt.Key.Key_Space)
    assert dialog.chosen.text() == "1 chosen."
    dialog.find_box.clear()
    dialog.stale.selectAll()
    qtbot.keyClicks(dialog.stale, "14")
    dialog.marking.setCurrentText("OFFICIAL-SENSITIVE")
    shot(dialog, "preferences", tmp_path)
    click_ok(qtbot, dialog)
    again = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.user_name == "Sam Jones"
    assert again.my_leads == [lead_id(ops, "Principal Social Worker")]
    assert (again.stale_days, again.default_marking) == (14, "OFFICIAL-SENSITIVE")


def test_about_names_the_version_database_and_log(
    qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "about",
                        lambda parent, title, text: shown.append((title, text)))
    about.show_about(None, "/data/plans.sqlite", "/data/perfdesk.log")
    [(title, text)] = shown
    assert title == "About PerfDesk"
    for part in ("PerfDesk 0.1.0", "Offline improvement plan tracking", "/data/plans.sqlite",
                 "/data/perfdesk.log", "Qt 6.", "Python 3."):
        assert part in text
    box = QMessageBox(QMessageBox.Icon.Information, title, text)
    qtbot.addWidget(box)
    box.show()
    shot(box, "about", tmp_path)


def raised() -> tuple[type[BaseException], BaseException, object]:
    try:
        raise ValueError("boom")
    except ValueError:
        return sys.exc_info()  # type: ignore[return-value]


def test_crash_hook_logs_and_shows_the_dialog(
    qtbot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    boxes: list[tuple[str, str]] = []

    def fake_exec(box: QMessageBox) -> int:
        box.show()
        shot(box, "crash", tmp_path)
        boxes.append((box.text(), box.detailedText()))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    previous = sys.excepthook
    try:
        crash.install_excepthook(tmp_path / "perfdesk.log")
        hook = sys.excepthook
    finally:
        sys.excepthook = previous  # pytest-qt's own hook goes back at once
    hook(*raised())
    [(text, details)] = boxes
    assert text == ("PerfDesk hit a problem it did not expect. Your edits up to this moment "
                    f"are saved. Details were written to {tmp_path / 'perfdesk.log'}.")
    assert "ValueError: boom" in details and "Traceback" in details
    [record] = [r for r in caplog.records if r.name == "perfdesk.crash"]
    assert record.exc_info and record.exc_info[1].args == ("boom",)


def test_crash_hook_without_a_window_only_logs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(crash, "QApplication", SimpleNamespace(instance=lambda: None))
    monkeypatch.setattr(QMessageBox, "exec", lambda box: pytest.fail("no dialog expected"))
    crash.CrashHandler(None)(*raised())
    assert any(r.name == "perfdesk.crash" and r.exc_info for r in caplog.records)
