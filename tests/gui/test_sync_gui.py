"""Update bundles in the window: a laptop sends, the master receives through
File > Receive updates…, and the secretariat decides the one collision in
the side-by-side conflicts dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from perfdesk.services.actions import edits as action_edits
from perfdesk.services.sync.receive import receive
from perfdesk.services.sync.send import send
from perfdesk.store.database import Database, open_database
from perfdesk.ui import ask
from perfdesk.ui.commands import sync as sync_commands
from perfdesk.ui.dialogs.conflicts_dialog import ConflictsDialog
from perfdesk.ui.main_window import MainWindow
from tests.sync.laptops import action_field, action_id, add_update, laptop, pending, set_text


@pytest.fixture
def collided(demo_db: Database, tmp_path: Path) -> Path:
    """A bundle from Ana whose impact for 2.2 collides with the master's."""
    assert demo_db.path is not None
    ana = laptop(demo_db.path, tmp_path, "ana")
    set_text(demo_db, "2.2", "impact", "Master's words")
    set_text(ana, "2.2", "impact", "Ana's words")
    add_update(ana, "1.1", "Ana's progress")
    path = send(ana, tmp_path / "ana.perfdesk-updates").path
    ana.close()
    return path


def test_receiving_through_the_menu_applies_and_opens_the_conflicts(
    qtbot, open_window: Callable[[Database], MainWindow], demo_db: Database, collided: Path,
    monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    assert not window.unsent.isVisible()  # a master has nobody to send to
    monkeypatch.setattr(ask, "open_paths", lambda *_a: [str(collided)])
    shown: list[ConflictsDialog] = []
    monkeypatch.setattr(sync_commands, "exec_dialog", shown.append)
    window.act_receive.trigger()

    title, text = messages[-1]
    assert title == "Updates received" and "1 applied, 1 conflict" in text
    assert len(shown) == 1 and shown[0].model.rowCount() == 1  # the collision, shown at once
    assert "1 conflict to decide" in window.conflicts.text()
    tab = window.current_plan_tab()
    assert tab is not None


def test_the_dialog_shows_both_sides_and_each_decision_is_kept_and_undoable(
    qtbot, open_window: Callable[[Database], MainWindow], demo_db: Database, collided: Path,
) -> None:
    receive(demo_db, [collided])
    window = open_window(demo_db)
    assert "1 conflict to decide" in window.conflicts.text()
    tab = window.current_plan_tab()
    assert tab is not None
    tab.select_action(action_id(demo_db, "2.2"))
    assert tab.editor.waiting_note.isVisible()
    assert "impact (from ana) waits for a decision" in tab.editor.waiting_note.text()
    assert window.ops is not None
    dialog = ConflictsDialog(window.ops, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 1).data() == "Children's Services, action 2.2"
    assert dialog.model.index(0, 2).data() == "impact"
    assert "Publish Audit Framework Review" in dialog.context.text()  # the action itself
    assert dialog.master.toPlainText() == "Master's words"
    assert dialog.incoming.toPlainText() == "Ana's words"
    assert dialog.base.toPlainText().startswith('"I always')  # the plan's own statement
    dialog.grab().save(str(Path(demo_db.path).parent / "conflicts.png"))  # type: ignore[arg-type]

    dialog.edited.setPlainText("Master's and Ana's words together")
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 0
    assert "No conflicts are pending" in dialog.summary.text()
    assert action_field(demo_db, "2.2", "impact") == "Master's and Ana's words together"
    assert pending(demo_db) == []

    assert not tab.editor.waiting_note.isVisible()  # decided: the editor says so at once
    window.ops.undo()  # the decision's value can be undone like any edit
    assert action_field(demo_db, "2.2", "impact") == "Master's words"


def test_keep_and_take_decide_with_one_click(
    qtbot, open_window: Callable[[Database], MainWindow], demo_db: Database, collided: Path,
    tmp_path: Path,
) -> None:
    receive(demo_db, [collided])
    window = open_window(demo_db)
    assert window.ops is not None
    dialog = ConflictsDialog(window.ops, window)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.take_button, Qt.MouseButton.LeftButton)
    assert action_field(demo_db, "2.2", "impact") == "Ana's words"
    assert dialog.model.rowCount() == 0 and not dialog.keep_button.isEnabled()


def test_send_my_updates_writes_a_bundle_the_master_can_take(
    qtbot, open_window: Callable[[Database], MainWindow], demo_db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
) -> None:
    assert demo_db.path is not None
    master = demo_db.path
    ana = laptop(master, tmp_path, "ana")
    add_update(ana, "1.1", "Done from the window")
    window = open_window(ana)
    assert window.unsent.text().startswith("1 change to send")
    assert window.ops is not None
    row = window.plan_tabs()[0].model.shown_rows()[0]
    window.ops.run("Edit", lambda s: action_edits.set_text(s, row.id, "impact", "Typed here"))
    assert window.unsent.text().startswith("2 changes to send")
    out = tmp_path / "sent.perfdesk-updates"
    monkeypatch.setattr(ask, "save_path", lambda *_a: str(out))
    window.act_send.trigger()
    assert messages[-1][0] == "Updates ready to send" and "2 changes" in messages[-1][1]
    assert window.unsent.text().startswith("All sent")
    report = receive(demo_db, [out])
    assert report.applied == 2


def test_refresh_from_master_in_the_window_keeps_what_was_typed_here(
    qtbot, open_window: Callable[[Database], MainWindow], demo_db: Database, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, messages: list[tuple[str, str]],
) -> None:
    assert demo_db.path is not None
    ana = laptop(demo_db.path, tmp_path, "ana")
    set_text(ana, "1.3", "impact", "Ana's unsent words")
    set_text(demo_db, "1.1", "impact", "News from the master")
    ana_path = ana.path
    window = open_window(ana)
    monkeypatch.setattr(ask, "open_path", lambda *_a: str(demo_db.path))
    monkeypatch.setattr(ask, "confirm", lambda *_a, **_k: True)
    window.act_refresh_master.trigger()
    assert messages[-1][0] == "Refreshed" and "1 change" in messages[-1][1]
    assert window.db is not None and window.db.path == ana_path
    fresh = open_database(ana_path)  # type: ignore[arg-type]
    assert action_field(fresh, "1.1", "impact") == "News from the master"
    assert action_field(fresh, "1.3", "impact") == "Ana's unsent words"
    fresh.close()
