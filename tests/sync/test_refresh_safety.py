"""A refresh stopped at any point loses nothing: the laptop is the old file,
whole, with its identity and unsent changes, or the refreshed one, whole;
what a stopped refresh left behind does not confuse the next one."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from perfdesk.errors import DatabaseBusy
from perfdesk.services.sync import copies as sync_copies
from perfdesk.services.sync.copies import publish, refresh
from perfdesk.store import sync_state
from perfdesk.store.database import Database, open_database
from tests.sync.laptops import action_field, add_update, laptop, set_text


@pytest.fixture
def office(demo_db: Database, tmp_path: Path) -> tuple[Path, Path, str]:
    """A published master and a laptop with unsent work: (published, laptop, its id)."""
    published = publish(demo_db, tmp_path / "published.sqlite")
    ana = laptop(published, tmp_path, "ana")
    set_text(ana, "1.2", "impact", "Typed on the laptop")
    add_update(ana, "1.3", "Unsent update")
    own = ana.database_id
    ana.close()
    return published, tmp_path / "ana.sqlite", own


def _unsent(path: Path) -> int:
    db = open_database(path)
    try:
        with db.read() as session:
            return sync_state.count_unsent(session, db.database_id)
    finally:
        db.close()


def _identity(path: Path) -> str:
    db = open_database(path)
    db.close()
    return db.database_id


def _contents(path: Path) -> bytes:
    """The laptop's data, whichever journal mode the file is in."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return "\n".join(conn.iterdump()).encode()
    finally:
        conn.close()


@pytest.mark.parametrize("stop_at", ["building", "checking", "backing up"])
def test_a_refresh_stopped_before_the_swap_leaves_the_laptop_whole(
        office: tuple[Path, Path, str], stop_at: str, monkeypatch: pytest.MonkeyPatch) -> None:
    published, ana_path, own = office
    before, unsent = _contents(ana_path), _unsent(ana_path)

    def stop(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt  # as sudden as it gets without killing the test

    target = {"building": "_become_copy", "checking": "_missing", "backing up": "os.replace"}
    if stop_at == "backing up":  # os.replace: the backup before is renamed first
        monkeypatch.setattr(sync_copies.os, "replace", stop)
    else:
        monkeypatch.setattr(sync_copies, target[stop_at], stop)
    with pytest.raises(KeyboardInterrupt):
        refresh(ana_path, published, author="ana")
    monkeypatch.undo()

    assert _contents(ana_path) == before
    assert _identity(ana_path) == own and _unsent(ana_path) == unsent == 2
    assert not list(ana_path.parent.glob(".*.part*"))


def test_a_refresh_keeps_identity_and_unsent_changes_and_leaves_no_stale_log(
        office: tuple[Path, Path, str]) -> None:
    published, ana_path, own = office
    result = refresh(ana_path, published, author="ana")
    assert result.kept == 2
    assert _identity(ana_path) == own and _unsent(ana_path) == 2
    ana = open_database(ana_path)
    assert action_field(ana, "1.2", "impact") == "Typed on the laptop"
    ana.close()
    conn = sqlite3.connect(ana_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert not list(ana_path.parent.glob(".*.part*"))


def test_what_a_stopped_refresh_left_does_not_confuse_the_next(
        office: tuple[Path, Path, str]) -> None:
    published, ana_path, own = office
    dead = 2 ** 22 + 17  # no such process
    left = ana_path.with_name(f".{ana_path.name}.refresh.{dead}.part")
    shutil.copy(published, left)  # the master's identity, half made into the laptop
    left.with_name(left.name + "-journal").write_bytes(b"junk" * 100)
    refresh(ana_path, published, author="ana")
    assert not left.exists() and not left.with_name(left.name + "-journal").exists()
    assert _identity(ana_path) == own and _unsent(ana_path) == 2


def test_a_refresh_while_another_perfdesk_has_the_laptop_open_changes_nothing(
        office: tuple[Path, Path, str]) -> None:
    published, ana_path, own = office
    other = open_database(ana_path, author="ana")  # the window, say, left open
    try:
        with other.read() as session:
            sync_state.own_id(session)
        with pytest.raises(DatabaseBusy):
            refresh(ana_path, published, author="ana")
    finally:
        other.close()
    assert _identity(ana_path) == own and _unsent(ana_path) == 2
    assert not list(ana_path.parent.glob(".*.part*"))


def test_a_new_laptop_is_not_spoilt_by_a_stale_log_of_a_deleted_file(
        office: tuple[Path, Path, str], tmp_path: Path) -> None:
    published, ana_path, _ = office
    ben = tmp_path / "ben.sqlite"
    shutil.copy(ana_path, ben)
    db = open_database(ben)  # leave a -wal with something in it, then lose the file
    conn = sqlite3.connect(ben)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE plan SET title = 'From a deleted file'")
    conn.commit()
    shutil.copy(ben.with_name("ben.sqlite-wal"), tmp_path / "stale-wal")
    conn.close()
    db.close()
    ben.unlink()
    shutil.copy(tmp_path / "stale-wal", ben.with_name("ben.sqlite-wal"))

    result = refresh(ben, published, author="ben")
    assert result.created
    check = sqlite3.connect(ben)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "From a deleted file" not in {r[0] for r in check.execute("SELECT title FROM plan")}
    check.close()
