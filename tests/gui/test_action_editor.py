"""The action editor, driven through its real widgets; only dialogs are answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QSettings, Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QDialog, QLabel
from sqlmodel import select

from perfdesk.domain.status import Status
from perfdesk.domain.timeframe import Timeframe
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.plans import care as plan_care
from perfdesk.store import queries
from perfdesk.store.database import Database, open_database
from perfdesk.store.schema import Action, ActionLead, Lead, ProgressUpdate, Step
from perfdesk.ui import ask
from perfdesk.ui.dialogs import update_dialog
from perfdesk.ui.dialogs.update_dialog import UpdateDialog, UpdateValues
from perfdesk.ui.models.rows_model import ROW_ROLE
from perfdesk.ui.ops import Done, Operations
from perfdesk.ui.plan.editor import ActionEditor
from perfdesk.ui.plan.editor.action_editor import EMPTY_TEXT
from perfdesk.ui.plan.editor.table_models import StepColumn, UpdateColumn
from perfdesk.ui.settings import Settings

USER = "Jo Bloggs"
Fatal = QAbstractItemModelTester.FailureReportingMode.Fatal


@pytest.fixture(autouse=True)
def _no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog a test did not answer fails it instead of waiting for a click."""

    def unexpected(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"unexpected dialog: {args[1:]}")

    for question in ("confirm", "text", "inform", "refuse"):
        monkeypatch.setattr(ask, question, unexpected)
    monkeypatch.setattr(update_dialog, "ask_update", unexpected)


def make_ops(db: Database, tmp_path: Path) -> Operations:
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.user_name = USER
    return Operations(db, settings)


@pytest.fixture
def ops(demo_db: Database, tmp_path: Path) -> Operations:
    return make_ops(demo_db, tmp_path)


def action_id(db: Database, plan: str, ref: str) -> str:
    with db.read() as session:
        found = queries.find_plan(session, plan)
        return next(a.id for a in queries.plan_actions(session, found.id) if a.ref == ref)


def stored(db: Database, table: type, row_id: str):  # type: ignore[no-untyped-def]
    with db.read() as session:
        return session.get(table, row_id)


def updates_of(db: Database, action: str) -> list[ProgressUpdate]:
    with db.read() as session:
        rows = session.exec(select(ProgressUpdate).where(ProgressUpdate.action_id == action))
        return sorted(rows.all(), key=lambda u: u.recorded_at)


def open_editor(qtbot, ops: Operations, action: str | None) -> ActionEditor:  # type: ignore[no-untyped-def]
    editor = ActionEditor(ops)
    qtbot.addWidget(editor)
    editor.resize(520, 700)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    editor.show_action(action)
    return editor


def check_models(editor: ActionEditor) -> Iterator[QAbstractItemModelTester]:
    for model in (editor.updates.model, editor.steps.model, editor.history.model,
                  editor.details.leads.model):
        yield QAbstractItemModelTester(model, Fatal)


def header(editor: ActionEditor) -> str:
    """The editor's header as the user reads it, e.g. "1.2 · ▲ On track"."""
    if editor.detail is None:
        return ""
    shown = QTextDocument()
    shown.setHtml(editor.title.text())
    return shown.toPlainText()


def test_an_update_changes_the_status_and_undo_withdraws_it(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, action)
    testers = list(check_models(editor))
    assert header(editor) == "1.2 · ○ Not started"
    asked = []

    def answer(parent, current_status, user, action_ref="", *, today):  # type: ignore[no-untyped-def]
        asked.append((current_status, user, action_ref))
        return UpdateValues(Status.AT_RISK, dt.date(2026, 11, 2), "Data shared monthly", "Audit")

    monkeypatch.setattr(update_dialog, "ask_update", answer)
    editor.tabs.setCurrentWidget(editor.updates)
    qtbot.mouseClick(editor.updates.add, Qt.MouseButton.LeftButton)

    assert asked == [(Status.NOT_STARTED, USER, "1.2")]
    [update] = updates_of(demo_db, action)
    assert (update.status.label, update.author) == ("At risk", USER)
    assert update.done_text == "Data shared monthly"
    assert update.reported_on == dt.date(2026, 11, 2)
    assert header(editor) == "1.2 · ◆ At risk"
    assert editor.tabs.tabText(1) == "&Updates (1)"
    model = editor.updates.model
    assert model.index(0, UpdateColumn.STATUS).data() == "◆ At risk"
    assert model.index(0, UpdateColumn.BY).data() == USER

    assert isinstance(ops.undo(), Done)
    [update] = updates_of(demo_db, action)
    assert update.withdrawn_at is not None and update.withdrawn_reason == "Undone"
    assert header(editor) == "1.2 · ○ Not started"
    assert "Withdrawn by" in model.index(0, UpdateColumn.DONE).data()
    assert model.index(0, UpdateColumn.DATE).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert not editor.updates.withdraw.isEnabled()  # already withdrawn
    assert testers


def test_ctrl_u_opens_the_update_dialog(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = open_editor(qtbot, ops, action_id(demo_db, "Children's Services", "1.3"))
    asked = []
    monkeypatch.setattr(update_dialog, "ask_update", lambda *args, **kw: asked.append(args))
    editor.details.ref.setFocus()
    qtbot.waitUntil(editor.details.ref.hasFocus)
    qtbot.keyClick(editor.details.ref, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 1  # cancelled: nothing recorded
    assert editor.tabs.currentWidget() is editor.updates
    assert ops.history.undo_label is None


def test_typed_text_is_stored_when_focus_moves_and_shows_in_history(
    qtbot, ops: Operations, demo_db: Database
) -> None:
    action = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, action)
    before = stored(demo_db, Action, action).text
    field = editor.details.text
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(field, " Reviewed quarterly.")
    assert stored(demo_db, Action, action).text == before  # nothing saved while typing

    editor.details.outcome.setFocus()
    qtbot.waitUntil(lambda: not field.hasFocus())

    assert stored(demo_db, Action, action).text == before + " Reviewed quarterly."
    assert ops.history.undo_label == "Edit action 1.2 text"
    newest = editor.history.model.index(0, 0).data(ROW_ROLE)
    assert (newest.what, newest.author, newest.new) == ("Text", USER, field.toPlainText())
    assert editor.tabs.tabText(3).startswith("&History (")
    editor.tabs.setCurrentWidget(editor.history)
    editor.history.table.selectRow(0)
    assert "Reviewed quarterly." in editor.history.preview.toPlainText()
    assert field.toPlainText() == before + " Reviewed quarterly."  # nothing lost


def test_a_refused_edit_puts_the_field_back(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = open_editor(qtbot, ops, action_id(demo_db, "Children's Services", "1.2"))
    told = []
    monkeypatch.setattr(ask, "refuse", lambda parent, title, message: told.append(message))
    ref = editor.details.ref
    ref.setFocus()
    qtbot.waitUntil(ref.hasFocus)
    ref.selectAll()
    qtbot.keyClicks(ref, "1.3")
    qtbot.keyClick(ref, Qt.Key.Key_Return)
    assert told == ["Another action in this plan is already 1.3."]
    assert ref.text() == "1.2"
    assert header(editor).startswith("1.2 ")


def change_due_date(qtbot, editor: ActionEditor, day: QDate) -> None:  # type: ignore[no-untyped-def]
    due = editor.details.due
    due.setFocus()
    qtbot.waitUntil(due.hasFocus)
    due.setDate(day)
    qtbot.keyClick(due, Qt.Key.Key_Return)


def test_changing_the_due_date_asks_why_and_keeps_the_original(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, action)
    assert editor.details.due.text() == "31 Jul 2023"
    asked = []

    def reason(parent, title, label, value=""):  # type: ignore[no-untyped-def]
        asked.append(label)
        return "Waiting on partner data"

    monkeypatch.setattr(ask, "text", reason)
    change_due_date(qtbot, editor, QDate(2023, 9, 30))

    assert len(asked) == 1 and "31 Jul 2023" in asked[0] and "30 Sep 2023" in asked[0]
    row = stored(demo_db, Action, action)
    assert row.due_date == dt.date(2023, 9, 30)
    assert row.original_due_date == dt.date(2023, 7, 31)
    assert row.due_date_reason == "Waiting on partner data"
    note = editor.details.due_note.text()
    assert "Originally due 31 Jul 2023" in note and "Waiting on partner data" in note
    assert ops.history.undo_label == "Change action 1.2 due date"


def test_cancelling_the_reason_leaves_the_due_date(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, action)
    monkeypatch.setattr(ask, "text", lambda *args: None)
    change_due_date(qtbot, editor, QDate(2023, 9, 30))
    assert stored(demo_db, Action, action).due_date == dt.date(2023, 7, 31)
    assert editor.details.due.date() == QDate(2023, 7, 31)
    assert ops.history.undo_label is None


def test_ticking_a_step_done(qtbot, ops: Operations, demo_db: Database) -> None:
    editor = open_editor(qtbot, ops, action_id(demo_db, "Corporate Services", "C2"))
    testers = list(check_models(editor))
    editor.tabs.setCurrentWidget(editor.steps)
    assert editor.tabs.tabText(2) == "&Steps (5)"
    table, model = editor.steps.table, editor.steps.model
    tick = model.index(0, StepColumn.DONE)
    step = tick.data(ROW_ROLE)
    assert not step.done
    table.setFocus()
    table.setCurrentIndex(tick)
    qtbot.keyClick(table, Qt.Key.Key_Space)

    assert stored(demo_db, Step, step.id).done
    assert model.index(0, StepColumn.DONE).data(Qt.ItemDataRole.CheckStateRole) == \
        Qt.CheckState.Checked
    assert ops.history.undo_label == "Tick step of action C2"
    assert editor.history.model.index(0, 0).data(ROW_ROLE).what == "Step: done"
    ops.undo()
    assert not stored(demo_db, Step, step.id).done
    assert testers


def test_an_action_without_steps_explains_them(qtbot, ops: Operations, demo_db: Database) -> None:
    editor = open_editor(qtbot, ops, action_id(demo_db, "Children's Services", "1.2"))
    editor.tabs.setCurrentWidget(editor.steps)
    assert editor.tabs.tabText(2) == "&Steps (0)"
    assert editor.steps.explanation.isVisible()
    assert not editor.steps.table.isVisible()


def test_withdrawing_an_update(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = action_id(demo_db, "Children's Services", "1.4")
    for status, day in ((Status.ON_TRACK, 1), (Status.OFF_TRACK, 2)):
        ops.run("setup", lambda s, st=status, d=day: action_edits.add_update(
            s, action, status=st, reported_on=dt.date(2026, 10, d), author="Sam"))
    editor = open_editor(qtbot, ops, action)
    editor.tabs.setCurrentWidget(editor.updates)
    assert header(editor) == "1.4 · ▼ Off track"
    assert editor.updates.selected_update().status is Status.OFF_TRACK  # newest selected
    monkeypatch.setattr(ask, "text", lambda *args: "Entered against the wrong action")
    qtbot.mouseClick(editor.updates.withdraw, Qt.MouseButton.LeftButton)

    latest = updates_of(demo_db, action)[-1]
    assert (latest.withdrawn_by, latest.withdrawn_reason) == (
        USER, "Entered against the wrong action")
    assert header(editor) == "1.4 · ▲ On track"
    shown = editor.updates.model.index(0, UpdateColumn.DONE).data()
    assert shown.startswith("Withdrawn by Jo Bloggs: Entered against the wrong action")
    assert "Withdrawn by Jo Bloggs" in editor.updates.preview.toPlainText()
    assert not editor.updates.withdraw.isEnabled()


def test_leads_are_added_created_moved_and_removed(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, action)
    leads = editor.details.leads

    def names() -> list[str]:
        with demo_db.read() as session:
            return [lead.name for lead in queries.leads_by_action(session, [action])[action]]

    assert names() == ["Director of Children's Services"]
    leads.choose.setFocus()
    qtbot.keyClicks(leads.choose, "maria price")
    qtbot.keyClick(leads.choose, Qt.Key.Key_Return)
    assert names() == ["Director of Children's Services", "Maria Price"]
    assert leads.choose.currentText() == ""

    confirmed = []
    monkeypatch.setattr(ask, "confirm", lambda *args, **kw: confirmed.append(args[2]) or True)
    qtbot.keyClicks(leads.choose, "Youth Voice Officer")
    qtbot.mouseClick(leads.add, Qt.MouseButton.LeftButton)
    assert len(confirmed) == 1 and "Youth Voice Officer" in confirmed[0]
    assert names() == ["Director of Children's Services", "Maria Price", "Youth Voice Officer"]
    ops.undo()  # one edit: the new lead goes with its link
    assert names() == ["Director of Children's Services", "Maria Price"]
    with demo_db.read() as session:
        assert not queries.live(session, Lead, Lead.name == "Youth Voice Officer")

    leads.list.setCurrentIndex(leads.model.index(1, 0))
    qtbot.mouseClick(leads.up, Qt.MouseButton.LeftButton)
    assert names() == ["Maria Price", "Director of Children's Services"]
    assert leads.selected_row() == 0  # the moved lead stays selected
    qtbot.mouseClick(leads.remove, Qt.MouseButton.LeftButton)
    assert names() == ["Director of Children's Services"]
    with demo_db.read() as session:
        assert len(queries.live(session, ActionLead, ActionLead.action_id == action)) == 1


def test_timeframe_and_priority_from_their_lists(qtbot, ops: Operations, demo_db: Database) -> None:
    action = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, action)
    timeframe = editor.details.timeframe
    assert timeframe.currentText() == "0–3 months"
    timeframe.setFocus()
    qtbot.keyClick(timeframe, Qt.Key.Key_Down)
    assert stored(demo_db, Action, action).timeframe is Timeframe.MONTHS_3_6
    priority = editor.details.priority
    assert priority.currentText() == "1 Change"
    priority.setFocus()
    qtbot.keyClick(priority, Qt.Key.Key_Down)
    row = stored(demo_db, Action, action)
    assert priority.currentText() == "2 Leadership"
    assert row.priority_id == priority.currentData()


def test_empty_state_and_a_deleted_action(qtbot, ops: Operations, demo_db: Database) -> None:
    action = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, None)
    assert editor.stack.currentWidget() is editor.empty
    assert editor.empty.text() == EMPTY_TEXT
    editor.show_action(action)
    assert editor.stack.currentIndex() == 1
    with qtbot.waitSignal(editor.action_shown) as shown:
        ops.run("Delete action 1.2", lambda s: plan_care.delete_action(s, action))
    assert shown.args == [None]
    assert editor.action_id is None and editor.empty.isVisible()


def test_read_only_database_disables_every_input(
    qtbot, demo_db: Database, tmp_path: Path
) -> None:
    action = action_id(demo_db, "Corporate Services", "C2")
    ops_ = make_ops(demo_db, tmp_path)
    ops_.run("setup", lambda s: action_edits.add_update(
        s, action, status=Status.ON_TRACK, reported_on=dt.date(2026, 10, 1), author="Sam"))
    assert demo_db.path is not None
    read_only = open_database(demo_db.path, read_only=True)
    try:
        editor = open_editor(qtbot, make_ops(read_only, tmp_path), action)
        details = editor.details
        for field in (details.ref, details.text, details.outcome, details.measure,
                      details.impact, details.by_when):
            assert field.isReadOnly()
        for control in (details.due, details.no_date, details.timeframe, details.priority,
                        details.leads.choose, details.leads.add, editor.updates.add,
                        editor.updates.withdraw, editor.steps.add, editor.steps.delete):
            assert not control.isEnabled(), control.accessibleName()
        details.leads.list.setCurrentIndex(details.leads.model.index(0, 0))
        assert not details.leads.remove.isEnabled()
        tick = editor.steps.model.index(0, StepColumn.DONE)
        assert not tick.flags() & Qt.ItemFlag.ItemIsUserCheckable
        assert editor.read_only_note.isVisible()
        editor.add_update()  # Ctrl+U: nothing asked (the fixture fails on any dialog)
    finally:
        read_only.close()


def test_every_control_has_an_accessible_name_and_a_label_or_tip(
    qtbot, ops: Operations, demo_db: Database
) -> None:
    editor = open_editor(qtbot, ops, action_id(demo_db, "Corporate Services", "C2"))
    details, leads = editor.details, editor.details.leads
    controls = [details.ref, details.text, details.outcome, details.measure, details.impact,
                details.by_when, details.due, details.no_date, details.timeframe,
                details.priority, leads.list, leads.choose, leads.add, leads.remove, leads.up,
                leads.down, editor.updates.add, editor.updates.withdraw, editor.updates.table,
                editor.updates.preview, editor.steps.add, editor.steps.delete, editor.steps.table,
                editor.history.table, editor.tabs]
    assert [c for c in controls if not c.accessibleName()] == []
    labelled = {label.buddy() for label in editor.findChildren(QLabel) if label.buddy()}
    assert {details.ref, details.text, details.due, details.priority, leads.list} <= labelled
    assert "Ctrl+U" in editor.updates.add.toolTip()


def test_the_update_dialog_collects_values(qtbot) -> None:
    dialog = UpdateDialog(None, Status.AT_RISK, USER, "1.2", today=dt.date(2026, 11, 20))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.done_text.hasFocus)  # what was done is typed first
    assert dialog.status.currentData() is Status.AT_RISK
    assert dialog.reported_on.date() == QDate(2026, 11, 20)  # today by the window's clock
    assert dialog.reported_on.maximumDate() == QDate(2026, 11, 20)  # never in the future
    assert dialog.author.text() == USER
    dialog.status.setCurrentIndex(dialog.status.findData(Status.COMPLETE))
    qtbot.keyClicks(dialog.done_text, "Finished the audit")
    qtbot.keyClick(dialog.done_text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    values = dialog.values()
    assert (values.status, values.done, values.next_steps) == (Status.COMPLETE,
                                                               "Finished the audit", "")


def test_screenshots_of_each_tab(qtbot, ops: Operations, demo_db: Database,
                                 tmp_path: Path) -> None:
    action = action_id(demo_db, "Corporate Services", "C2")
    ops.run("setup", lambda s: action_edits.add_update(
        s, action, status=Status.ON_TRACK, reported_on=dt.date(2026, 10, 1), author=USER,
        done="Reviewed the levels of need document.", next_steps="Joint session in May"))
    editor = open_editor(qtbot, ops, action)
    editor.resize(520, 740)
    for number in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(number)
        tab = editor.tabs.tabText(number).split()[0].strip("&").lower()
        path = tmp_path / f"editor_{tab}.png"
        assert editor.grab().save(str(path))
        assert path.stat().st_size > 0


def test_showing_another_action_saves_the_field_being_typed(
    qtbot, ops: Operations, demo_db: Database
) -> None:
    first = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, first)
    field = editor.details.measure
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.selectAll()
    qtbot.keyClicks(field, "Fewer NEET care leavers")
    editor.show_action(action_id(demo_db, "Children's Services", "1.3"))
    assert stored(demo_db, Action, first).measure_of_success == "Fewer NEET care leavers"
    assert header(editor).startswith("1.3 ")
    assert field.toPlainText() != "Fewer NEET care leavers"  # now showing 1.3's


def test_no_date_asks_why_and_clears_the_due_date(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    action = action_id(demo_db, "Children's Services", "1.2")
    editor = open_editor(qtbot, ops, action)
    monkeypatch.setattr(ask, "text", lambda *args: "Waiting for the new strategy")
    qtbot.mouseClick(editor.details.no_date, Qt.MouseButton.LeftButton)
    row = stored(demo_db, Action, action)
    assert (row.due_date, row.original_due_date) == (None, dt.date(2023, 7, 31))
    assert editor.details.due.text() == "No date" and not editor.details.due.isEnabled()


def test_steps_are_added_and_deleted(
    qtbot, ops: Operations, demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = open_editor(qtbot, ops, action_id(demo_db, "Children's Services", "1.2"))
    editor.tabs.setCurrentWidget(editor.steps)
    answers = iter(["Brief the QPRM panel", "June 2024"])
    monkeypatch.setattr(ask, "text", lambda *args: next(answers))
    qtbot.mouseClick(editor.steps.add, Qt.MouseButton.LeftButton)
    assert editor.tabs.tabText(2) == "&Steps (1)"
    assert editor.steps.table.isVisible() and not editor.steps.explanation.isVisible()
    step = editor.steps.model.index(0, 0).data(ROW_ROLE)
    assert (step.text, step.timescale) == ("Brief the QPRM panel", "June 2024")

    monkeypatch.setattr(ask, "confirm", lambda *args, **kw: True)
    editor.steps.table.selectRow(0)
    qtbot.mouseClick(editor.steps.delete, Qt.MouseButton.LeftButton)
    assert stored(demo_db, Step, step.id).deleted_at is not None
    assert editor.tabs.tabText(2) == "&Steps (0)"


def test_next_steps_get_a_column_only_when_both_texts_can_be_read(
    open_window, demo_db, qtbot
) -> None:
    from perfdesk.ui.plan.editor.updates_page import UpdatesPage

    window = open_window(demo_db)
    page = UpdatesPage(window.ops)
    qtbot.addWidget(page)
    page.resize(430, 400)  # the editor beside the list, at 1366 px
    page.show()
    assert page.table.isColumnHidden(UpdateColumn.NEXT)
    assert page.table.columnWidth(UpdateColumn.DONE) >= page.table.fontMetrics().horizontalAdvance(
        "What was done")
    page.resize(900, 400)  # the editor widened (F7 hides the priorities)
    assert not page.table.isColumnHidden(UpdateColumn.NEXT)
