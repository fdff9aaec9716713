"""The main window as a head of service and the secretariat use it."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from perfdesk import presentation
from perfdesk.domain.status import Status
from perfdesk.services.actions import edits as action_edits
from perfdesk.store import queries
from perfdesk.store.database import open_database
from perfdesk.store.schema import Action
from perfdesk.ui import ask
from perfdesk.ui.dialogs import update_dialog
from perfdesk.ui.models.action_table_model import Column
from perfdesk.ui.ops import Refused
from perfdesk.ui.plan.tab import PlanTab

SHOTS = Path(os.environ.get("PERFDESK_SCREENSHOTS", "")) if os.environ.get(
    "PERFDESK_SCREENSHOTS") else None


def _tab(window, name: str) -> PlanTab:
    for tab in window.plan_tabs():
        if tab.outline and tab.outline.short_name == name:
            window.tabs.setCurrentWidget(tab)
            return tab
    raise AssertionError(f"no tab {name}")


def _shown_refs(tab: PlanTab) -> list[str]:
    return [row.ref for row in tab.model.shown_rows()]


def test_demo_opens_with_a_tab_per_plan_and_every_action_grouped(open_window, demo_db) -> None:
    window = open_window(demo_db)
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert names == ["Children's Services", "Corporate Services", "Partnership", "Overview"]
    tab = _tab(window, "Children's Services")
    assert tab.model.total == 39 and tab.model.shown == 39
    headings = [tab.model.index(row, 0).data() for row in tab.model.heading_rows()]
    assert [h.split(" — ")[0] for h in headings] == ["0–3 months", "3–6 months", "6–12 months"]
    assert "39 of 39" in window.counts.text()
    QAbstractItemModelTester(tab.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    if SHOTS:
        tab.select_action(tab.model.shown_rows()[1].id)
        window.grab().save(str(SHOTS / "main_window.png"))


def test_search_finds_an_action_by_its_words_and_lead(open_window, demo_db, qtbot) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    window.act_find.trigger()
    assert tab.filters.search.hasFocus()
    qtbot.keyClicks(tab.filters.search, "b&b hotel")
    assert _shown_refs(tab) == ["1.1"]
    assert "Showing 1 of 39" in tab.filters.summary.text()
    tab.filters.clear.click()
    assert tab.model.shown == 39 and tab.filters.search.text() == ""


def test_filters_by_lead_and_overdue_combine(open_window, demo_db) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    lead = tab.filters.lead.findText("Head of Service Corporate Parenting")
    assert lead > 0
    tab.filters.lead.setCurrentIndex(lead)
    led = _shown_refs(tab)
    assert led and all("Head of Service Corporate Parenting" in r.leads
                       for r in tab.model.shown_rows())
    tab.filters.overdue.setChecked(True)
    overdue = tab.model.shown_rows()
    assert {r.ref for r in overdue} <= set(led)
    assert all(r.due_date < dt.date(2023, 10, 2) and not r.status.is_finished for r in overdue)
    assert "overdue" in tab.filters.summary.text()



def test_typing_word_by_word_under_a_lead_shows_what_a_fresh_search_shows(
        open_window, demo_db, qtbot) -> None:
    """Typing narrows what is shown key by key (only new words are looked
    for); each step must show exactly the rows the whole filter passes."""
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    tab.filters.lead.setCurrentIndex(tab.filters.lead.findText(
        "Head of Service Corporate Parenting"))
    typed, counts = "", set()
    for key in "care  plan c":
        qtbot.keyClicks(tab.filters.search, key)
        typed += key
        passes = tab.filters.current().predicate()
        expected = [r.ref for r in tab.model.all_rows() if passes(r)]
        assert sorted(_shown_refs(tab)) == sorted(expected), typed
        counts.add(len(expected))
    assert len(counts) > 2  # the words did narrow what was shown, step by step
    for _ in typed:
        qtbot.keyClick(tab.filters.search, Qt.Key.Key_Backspace)
    assert tab.model.shown == len([r for r in tab.model.all_rows()
                                   if "Head of Service Corporate Parenting" in r.leads])

def test_update_in_editor_survives_reopening_and_undo_restores(
    open_window, demo_db, reopen, monkeypatch
) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    row = next(r for r in tab.model.shown_rows() if r.ref == "1.2")
    before = row.status
    tab.select_action(row.id)
    monkeypatch.setattr(update_dialog, "ask_update", lambda *a, **k: update_dialog.UpdateValues(
        status=Status.OFF_TRACK, reported_on=dt.date(2023, 9, 30),
        done="Panel met twice", next_steps="Escalate to DCS"))
    window.act_update.trigger()
    assert tab.current_row().status == Status.OFF_TRACK

    window.act_undo.trigger()  # the database goes back: the update is withdrawn
    assert tab.current_row().status == before
    with demo_db.read() as s:
        added = [u for u in queries.updates_by_action(s, [row.id])[row.id]
                 if u.done_text == "Panel met twice"]
    assert len(added) == 1 and added[0].withdrawn_at is not None

    window.act_redo.trigger()
    window.close()  # no save step: closing at any moment loses nothing

    db = reopen()
    with db.read() as s:
        latest = next(u for u in queries.updates_by_action(s, [row.id])[row.id]
                      if u.done_text == "Panel met twice")
    assert (latest.status.label, latest.author, latest.withdrawn_at) == (
        "Off track", "Alex Tester", None)
    window = open_window(db)
    tab = _tab(window, "Children's Services")
    tab.select_action(row.id)
    assert tab.current_row().status == Status.OFF_TRACK


def test_undo_and_redo_walk_through_edits_in_the_database(open_window, demo_db) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    row = tab.model.shown_rows()[0]
    window.ops.run("Add update", lambda s: action_edits.add_update(
        s, row.id, status=Status.AT_RISK, reported_on=dt.date(2023, 9, 1), author="A"))
    window.ops.run("Edit text", lambda s: action_edits.set_text(s, row.id, "text", "New words"))
    assert window.act_undo.text() == "&Undo Edit text"
    window.act_undo.trigger()
    with demo_db.read() as s:
        assert s.get(Action, row.id).text == row.text
    window.act_undo.trigger()
    assert tab.model.row_at(tab.model.index_of(row.id)).status == row.status
    with demo_db.read() as s:
        ups = queries.updates_by_action(s, [row.id])[row.id]
        assert all(u.withdrawn_at is not None for u in ups if u.status is Status.AT_RISK)
    window.act_redo.trigger()
    window.act_redo.trigger()
    with demo_db.read() as s:
        assert s.get(Action, row.id).text == "New words"
    assert tab.model.row_at(tab.model.index_of(row.id)).status == Status.AT_RISK


def test_delete_asks_first_and_undo_brings_the_action_back(
    open_window, demo_db, monkeypatch
) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    row = tab.model.shown_rows()[3]
    tab.select_action(row.id)
    monkeypatch.setattr(ask, "confirm", lambda *a, **k: False)
    window.act_delete_action.trigger()
    assert tab.model.total == 39
    monkeypatch.setattr(ask, "confirm", lambda *a, **k: True)
    window.act_delete_action.trigger()
    assert tab.model.total == 38 and row.ref not in _shown_refs(tab)
    window.act_undo.trigger()
    assert tab.model.total == 39 and row.ref in _shown_refs(tab)


def test_roll_forward_carries_open_actions_into_a_new_tab(open_window, demo_db, monkeypatch):
    from perfdesk.ui.dialogs import plan_dialogs

    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    window.ops.run("Complete", lambda s: action_edits.add_update(
        s, tab.model.shown_rows()[0].id, status=Status.COMPLETE,
        reported_on=dt.date(2023, 9, 1), author="A"))
    monkeypatch.setattr(plan_dialogs, "ask_roll_forward", lambda *a, **k: plan_dialogs.RollValues(
        title="Children's Services Action Plan 2024/25", short_name="Children's 2024/25",
        period_start=dt.date(2024, 4, 1), period_end=dt.date(2025, 3, 31),
        as_at=dt.date(2023, 10, 2)))
    window.act_roll.trigger()
    new = _tab(window, "Children's 2024/25")
    assert window.current_plan_tab() is new
    assert new.model.total == 38
    assert len(window.plan_tabs()) == 4


def test_read_only_database_opens_with_a_banner(open_window, demo_db, db_path) -> None:
    demo_db.close()
    db = open_database(db_path, read_only=True)
    window = open_window(db)
    assert window.banner.isVisible() and "Read-only" in window.banner.text()
    assert "read-only, as asked" in window.banner.text()
    assert not window.act_add_action.isEnabled() and not window.act_update.isEnabled()
    assert _tab(window, "Children's Services").model.total == 39


def test_unwritable_file_opens_read_only_saying_why(
    open_window, demo_db, db_path, monkeypatch
) -> None:
    demo_db.close()
    # As root (CI) file permissions do not bite, so the operating system's
    # answer is what is replaced: this file may be read but not written.
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
        False if mode == os.W_OK and str(path).startswith(str(db_path)) else
        real_access(path, mode, **kw)))
    window = open_window(open_database(db_path))
    assert window.db.read_only
    assert "does not let PerfDesk change the file" in window.banner.text()
    assert not window.act_update.isEnabled()


def test_every_control_has_an_accessible_name(open_window, demo_db) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
    )

    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    tab.select_action(tab.model.shown_rows()[0].id)
    kinds = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit,
             QPlainTextEdit, QTextEdit)
    unnamed = []
    from PySide6.QtWidgets import QWidget

    for widget in window.findChildren(QWidget):
        if not isinstance(widget, kinds):
            continue
        qt_part = (widget.objectName().startswith("qt_") or widget.inherits("QHeaderView")
                   or widget.parent().inherits("QComboBox"))  # named through their owner
        if not widget.isVisibleTo(window) or qt_part:
            continue
        named = widget.accessibleName() or (
            isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip())
        if not named:
            unnamed.append(f"{type(widget).__name__} {widget.objectName()} "
                           f"in {type(widget.parent()).__name__}")
    assert unnamed == []


def test_an_edit_while_another_perfdesk_holds_the_file_is_refused_and_lost_nowhere(
    open_window, db_path, demo_db, messages
) -> None:
    demo_db.close()
    db = open_database(db_path, author="tester", busy_timeout_ms=50)
    window = open_window(db)
    tab = _tab(window, "Children's Services")
    row = tab.model.shown_rows()[0]
    other = sqlite3.connect(db_path)
    other.execute("BEGIN IMMEDIATE")
    try:
        done = window.ops.run("Edit text", lambda s: action_edits.set_text(
            s, row.id, "text", "changed"))
    finally:
        other.rollback()
        other.close()
    assert isinstance(done, Refused) and done.for_now  # busy: what was typed is kept
    assert "in use by another PerfDesk" in done.message
    assert messages and "in use by another PerfDesk" in messages[-1][1]
    assert window.act_undo.isEnabled() is False
    with db.read() as s:
        assert s.get(Action, row.id).text == row.text


def test_layout_and_last_tab_are_remembered(open_window, demo_db, reopen, settings) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Corporate Services")
    tab.view.horizontalHeader().resizeSection(1, 333)
    window.close()
    window = open_window(reopen())
    assert window.current_plan_tab().outline.short_name == "Corporate Services"
    assert window.current_plan_tab().view.horizontalHeader().sectionSize(1) == 333


def test_status_is_shown_by_symbol_and_word_not_colour_alone(open_window, demo_db) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    index = tab.model.index_of(tab.model.shown_rows()[0].id)
    status = index.siblingAtColumn(Column.STATUS)
    text = status.data(Qt.ItemDataRole.DisplayRole)
    row = tab.model.row_at(index)
    assert text == presentation.badge(row.status)


def test_move_and_renumber_from_the_plan_menu(open_window, demo_db, monkeypatch) -> None:
    from perfdesk.ui.dialogs import plan_dialogs

    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    row = next(r for r in tab.model.shown_rows() if r.ref == "1.2")
    tab.select_action(row.id)
    leadership = next(p for p in tab.outline.priorities if p.title == "Leadership")
    monkeypatch.setattr(plan_dialogs, "ask_move",
                        lambda *a, **k: (leadership.id, "6–12 months"))
    window.act_move_action.trigger()
    moved = tab.model.row_at(tab.model.index_of(row.id))
    assert (moved.priority_id, moved.group) == (leadership.id, "6–12 months")
    window.act_renumber.trigger()
    refs = [r.ref for r in tab.model.all_rows()]
    assert len(set(refs)) == 39
    assert tab.model.row_at(tab.model.index_of(row.id)).ref.startswith("2.")
    assert "1.2" in refs  # the gap in priority 1 was closed


def test_new_blank_plan_gets_its_own_tab(open_window, demo_db, monkeypatch) -> None:
    from perfdesk.ui.dialogs import plan_dialogs

    window = open_window(demo_db)
    monkeypatch.setattr(plan_dialogs, "ask_new_plan", lambda *a, **k: plan_dialogs.NewPlanValues(
        title="SEND Improvement Plan", short_name="SEND", organisation="Devon County Council",
        board="SEND Board", period_start=dt.date(2024, 4, 1), period_end=dt.date(2025, 3, 31)))
    window.act_new_plan.trigger()
    assert window.current_plan_tab().outline.short_name == "SEND"
    window.act_add_action.trigger()
    assert window.current_plan_tab().model.total == 1
    window.act_undo.trigger()
    assert window.current_plan_tab().model.total == 0


def test_export_then_import_a_workbook_through_the_file_menu(
    open_window, demo_db, monkeypatch, tmp_path
) -> None:
    window = open_window(demo_db)
    _tab(window, "Partnership")
    out = tmp_path / "partnership.xlsx"
    monkeypatch.setattr(ask, "save_path", lambda *a, **k: str(out))
    window.act_export.trigger()
    assert out.exists()
    monkeypatch.setattr(ask, "open_path", lambda *a, **k: str(out))
    monkeypatch.setattr(ask, "confirm", lambda *a, **k: True)  # yes, replace it
    window.act_import.trigger()
    tab = window.current_plan_tab()
    assert tab.outline.short_name == "Partnership" and tab.model.total == 10
    assert len(window.plan_tabs()) == 3


def test_a_broken_workbook_is_refused_saying_where(
    open_window, demo_db, monkeypatch, tmp_path, messages
) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook at all")
    window = open_window(demo_db)
    monkeypatch.setattr(ask, "open_path", lambda *a, **k: str(bad))
    window.act_import.trigger()
    assert messages and "broken.xlsx" in messages[-1][1]
    assert len(window.plan_tabs()) == 3


def test_panes_can_be_hidden_to_see_every_column(open_window, demo_db) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    window.act_show_editor.trigger()
    assert not tab.editor.isVisible()
    window.act_show_editor.trigger()
    assert tab.editor.isVisible()


def test_typed_text_survives_a_busy_database_and_is_saved_on_retry(
    open_window, db_path, demo_db, messages, qtbot
) -> None:
    demo_db.close()
    db = open_database(db_path, author="tester", busy_timeout_ms=50)
    window = open_window(db)
    tab = _tab(window, "Children's Services")
    row = tab.model.shown_rows()[0]
    tab.select_action(row.id)
    field = tab.editor.details.text
    other = sqlite3.connect(db_path)
    other.execute("BEGIN IMMEDIATE")  # another PerfDesk is saving, for too long
    try:
        field.setFocus()
        qtbot.waitUntil(field.hasFocus)
        field.setPlainText("Rewritten while the file was busy")
        tab.editor.details.outcome.setFocus()
        qtbot.waitUntil(lambda: not field.hasFocus())
    finally:
        other.rollback()
        other.close()
    assert "in use by another PerfDesk" in messages[-1][1]
    assert field.toPlainText() == "Rewritten while the file was busy"  # nothing lost
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    tab.editor.details.outcome.setFocus()  # leaving the field again saves it
    qtbot.waitUntil(lambda: not field.hasFocus())
    with db.read() as s:
        assert s.get(Action, row.id).text == "Rewritten while the file was busy"


def test_closing_while_typing_keeps_the_text(open_window, demo_db, reopen, qtbot) -> None:
    window = open_window(demo_db)
    tab = _tab(window, "Children's Services")
    row = tab.model.shown_rows()[2]
    tab.select_action(row.id)
    field = tab.editor.details.text
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.setPlainText("Typed just before closing")
    window.act_quit.trigger()  # no focus change first
    db = reopen()
    with db.read() as s:
        assert s.get(Action, row.id).text == "Typed just before closing"
    db.close()


def test_every_menu_gives_each_command_its_own_alt_key(open_window, demo_db) -> None:
    """Alt+F then one letter must reach one command, never two."""
    import re

    window = open_window(demo_db)
    for top in window.menuBar().actions():
        letters = [m[1].casefold() for a in top.menu().actions() if not a.isSeparator()
                   if (m := re.search(r"&(\w)", a.text()))]
        assert len(letters) == len(set(letters)), (top.text(), sorted(letters))
