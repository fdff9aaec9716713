"""Backups from the window: taken now and then while it is open, and a
restore that can itself be undone."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from perfdesk.services.actions import edits as action_edits
from perfdesk.store import backup, backup_check
from perfdesk.store.schema import Action
from perfdesk.ui import ask


def _text_of(window, action_id: str) -> str:
    with window.db.read() as s:
        return s.get(Action, action_id).text


def test_a_periodic_backup_is_taken_only_after_a_change(open_window, demo_db, db_path) -> None:
    window = open_window(demo_db)
    window.periodic_backup()
    assert backup.list_backups(db_path) == []  # nothing changed: nothing to keep
    row = window.plan_tabs()[0].model.shown_rows()[0]
    window.ops.run("Edit", lambda s: action_edits.set_text(s, row.id, "text", "Changed"))
    window.periodic_backup()
    window.periodic_backup()
    kept = backup.list_backups(db_path)
    assert [b.reason for b in kept] == ["periodic"]


def test_restore_from_backup_puts_the_plans_back_and_can_be_undone(
    open_window, demo_db, db_path, monkeypatch
) -> None:
    window = open_window(demo_db)
    row = window.plan_tabs()[0].model.shown_rows()[0]
    window.act_backup.trigger()
    window.ops.run("Edit", lambda s: action_edits.set_text(s, row.id, "text", "After backup"))
    monkeypatch.setattr(ask, "choose", lambda parent, title, label, items: 0)
    monkeypatch.setattr(ask, "confirm", lambda *a, **k: True)
    window.act_restore.trigger()
    assert _text_of(window, row.id) == row.text
    assert window.plan_tabs()[0].model.total == 39
    # The state before the restore was kept: restoring it undoes the restore.
    before = next(b for b in backup.list_backups(db_path) if b.reason == "before-restore")
    choices = backup.list_backups(db_path)
    monkeypatch.setattr(ask, "choose", lambda parent, title, label, items: choices.index(before))
    window.act_restore.trigger()
    assert _text_of(window, row.id) == "After backup"


def test_backups_to_keep_is_set_in_a_dialog(open_window, demo_db, db_path, monkeypatch) -> None:
    from perfdesk.domain.backup_policy import KeepPolicy
    from perfdesk.ui.dialogs import form

    window = open_window(demo_db)
    seen = []

    def answer(dialog) -> bool:
        seen.append((dialog.days.value(), dialog.weeks.value(), dialog.months.text()))
        dialog.days.setValue(7)
        dialog.months.setValue(12)
        return True

    monkeypatch.setattr(form, "run_form", answer)
    window.act_keep.trigger()
    assert seen == [(14, 8, "every month")]  # the default, shown as it is
    assert backup.read_policy(db_path) == KeepPolicy(days=7, weeks=8, months=12)
    assert "one a month for 12 months" in window.statusBar().currentMessage()


def _plans_and_identity(window) -> tuple[set[str], str]:
    from sqlalchemy import text
    from sqlmodel import select

    from perfdesk.store.schema import Plan

    with window.db.read() as s:
        plans = {p.short_name for p in s.exec(select(Plan)).all() if p.deleted_at is None}
        identity = s.execute(text("SELECT id FROM database_info")).scalar_one()
    return plans, identity


@pytest.mark.parametrize("answer", [None, 0, 1], ids=["cancel", "keep identity", "take identity"])
def test_another_databases_backup_asks_whose_identity_to_keep(
    open_window, demo_db, db_path, tmp_path, monkeypatch, answer
) -> None:
    from perfdesk.store.database import open_database
    from perfdesk.store.schema import Plan

    other_path = tmp_path / "elsewhere" / "other.sqlite"
    other_path.parent.mkdir()
    other = open_database(other_path, create=True, author="someone else")
    with other.write() as s:
        s.add(Plan(title="Their plan", short_name="Theirs"))
    other.close()
    theirs = backup_check.check_backup(
        backup.backup(other_path, "manual", dt.datetime(2031, 5, 6, 7, 8, 9))).database_id
    folder = backup.backup_folder(db_path)
    folder.mkdir()
    shutil.copyfile(backup.list_backups(other_path)[0].path,
                    folder / "plans-20310506-070809-000000-manual.sqlite")

    window = open_window(demo_db)
    plans, own = _plans_and_identity(window)
    asked = []

    def choose(parent, title, label, items):
        asked.append(title)
        return 0 if title == "Restore from backup" else answer

    monkeypatch.setattr(ask, "choose", choose)
    monkeypatch.setattr(ask, "confirm", lambda *a, **k: True)
    window.act_restore.trigger()
    assert asked == ["Restore from backup", "Another database's backup"]
    now_plans, now_identity = _plans_and_identity(window)
    if answer is None:  # cancelled: nothing changed, nothing backed up
        assert (now_plans, now_identity) == (plans, own)
        assert [b.reason for b in backup.list_backups(db_path)] == ["manual"]
        return
    assert now_plans == {"Theirs"}
    assert now_identity == (own if answer == 0 else theirs)
    assert "Restored" in window.statusBar().currentMessage()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())
            if "Theirs" in window.tabs.tabText(i)]


def test_a_damaged_database_at_start_up_is_offered_a_restore(demo_db, db_path,
                                                             monkeypatch) -> None:
    from perfdesk.store.database import open_database
    from perfdesk.ui.commands.file import restore_when_unopenable

    saved = backup.backup(db_path, "manual", dt.datetime(2031, 5, 6, 7, 8, 9))
    demo_db.close()
    db_path.write_bytes(b"")  # a disk failure
    told, asked = [], []
    monkeypatch.setattr(ask, "choose", lambda parent, title, label, items: asked.append(
        label) or None)
    assert not restore_when_unopenable(str(db_path), "It is empty.", "tester")  # declined
    assert db_path.read_bytes() == b"" and asked and asked[0].startswith("It is empty.")
    monkeypatch.setattr(ask, "choose", lambda parent, title, label, items: 0)
    monkeypatch.setattr(ask, "inform", lambda parent, title, message: told.append(message))
    assert restore_when_unopenable(str(db_path), "It is empty.", "tester")
    kept = next(backup.backup_folder(db_path).glob("plans-damaged-*.sqlite"))
    assert str(kept) in told[0]
    db = open_database(db_path)
    try:
        assert backup_check.check_backup(saved).plans == backup_check.check_backup(db_path).plans
    finally:
        db.close()
