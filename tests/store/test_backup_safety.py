"""Backups that cannot be restored are never offered or restored; a backup
stopped part-way leaves nothing that looks like one; a restore is all or
nothing; time comes from the caller; another database's backup needs a
decision about identity."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from perfdesk.cli import main
from perfdesk.clock import fixed_clock
from perfdesk.store import sync_state
from perfdesk.store.backup import backup, backup_folder, list_backups, usable_backups
from perfdesk.store.backup_check import check_backup
from perfdesk.store.database import Database, open_database
from perfdesk.store.restore import Identity, OtherDatabasesBackup, restore
from perfdesk.store.schema import Plan
from tests.databases import make_schema_0001, plan_titles

NOW = dt.datetime(2026, 11, 23, 14, 5)


def _add_plan(db_path: Path, title: str) -> None:
    db = open_database(db_path, author="tester")
    with db.write() as session:
        session.add(Plan(title=title, short_name=title))
    db.close()


def _identity(db_path: Path) -> str:
    db = open_database(db_path)
    db.close()
    return db.database_id


def _integrity(db_path: Path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def with_backup(empty_db: Database, db_path: Path) -> Path:
    """A database holding plan "Before", one good backup of it, then "After"."""
    empty_db.close()
    _add_plan(db_path, "Before")
    saved = backup(db_path, "manual", NOW)
    _add_plan(db_path, "After")
    return saved


def _zero_bytes(good: Path, bad: Path) -> None:
    bad.write_bytes(b"")


def _truncated(good: Path, bad: Path) -> None:
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])


def _corrupt(good: Path, bad: Path) -> None:
    data = bytearray(good.read_bytes())
    for page in range(2, len(data) // 4096):  # scribble over every page but the first
        start = page * 4096 + 8
        data[start:start + 64] = b"\xa5" * 64
    bad.write_bytes(bytes(data))


def _stopped_part_way(good: Path, bad: Path) -> None:
    """What a backup killed part-way used to leave: pages and a hot journal."""
    _truncated(good, bad)
    bad.with_name(bad.name + "-journal").write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" * 64)


BROKEN = {"zero bytes": _zero_bytes, "truncated": _truncated, "corrupt": _corrupt,
          "stopped part-way": _stopped_part_way}


@pytest.mark.parametrize("kind", list(BROKEN))
def test_restore_refuses_a_broken_backup_and_changes_nothing(
        kind: str, with_backup: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = with_backup.with_name(f"{db_path.stem}-20261123-150000-000000-manual.sqlite")
    BROKEN[kind](with_backup, bad)
    original = db_path.read_bytes()

    code = main(["restore", str(bad), "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert len(err.splitlines()) == 1 and str(bad) in err and "cannot be restored" in err
    assert db_path.read_bytes() == original
    assert not check_backup(bad).ok
    assert [b.path for b in usable_backups(db_path)] == [with_backup]  # never offered

    code = main(["backups", "--db", str(db_path)])
    out, _ = capsys.readouterr()
    numbered = [line for line in out.splitlines() if line.split()[0].isdigit()]
    assert code == 0 and len(numbered) == 1 and numbered[0].endswith(str(with_backup))
    assert f"{bad}: " in out and "Damaged - cannot be restored" in out
    code = main(["restore", "1", "--db", str(db_path)])  # number 1 is the good one
    assert code == 0 and plan_titles(db_path) == {"Before"}


def test_a_checked_backup_reports_its_plans(with_backup: Path) -> None:
    check = check_backup(with_backup)
    assert check.ok and check.plans == ("Before",) and check.describe_plans() == "1 plan (Before)"


def test_a_backup_is_written_under_a_temporary_name_and_leftovers_are_cleared(
        with_backup: Path, db_path: Path) -> None:
    folder = backup_folder(db_path)
    # What a backup killed part-way leaves now: a hidden temporary of a process that is gone.
    dead = 2 ** 22 + 17  # above the usual pid range: no such process
    left = folder / f".{db_path.stem}-20261123-150000-000000-manual.sqlite.backup.{dead}.part"
    shutil.copy(with_backup, left)
    left.with_name(left.name + "-journal").write_bytes(b"x" * 512)
    assert [b.path for b in list_backups(db_path)] == [with_backup]  # never listed

    later = backup(db_path, "manual", NOW + dt.timedelta(minutes=1))
    assert not left.exists() and not left.with_name(left.name + "-journal").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted([with_backup.name, later.name])
    assert check_backup(later).ok and check_backup(later).plans == ("After", "Before")
    assert not any(folder.glob("*-wal")) and not any(folder.glob("*-journal"))


def test_backups_are_named_by_the_time_given_even_when_it_stands_still(
        with_backup: Path, db_path: Path) -> None:
    again = backup(db_path, "manual", NOW)  # the same instant: a microsecond later, both kept
    assert with_backup.name.startswith(f"{db_path.stem}-20261123-140500-000000-")
    assert again.name.startswith(f"{db_path.stem}-20261123-140500-000001-")
    assert {b.taken_at for b in list_backups(db_path)} == {NOW, NOW + dt.timedelta(microseconds=1)}


def test_a_schema_upgrade_backup_is_named_by_the_database_clock(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    make_schema_0001(old)
    open_database(old, clock=fixed_clock(dt.datetime(2031, 2, 3, 4, 5, 6))).close()
    [taken] = list_backups(old)
    assert taken.taken_at == dt.datetime(2031, 2, 3, 4, 5, 6)
    assert taken.reason.startswith("before-schema-")


def test_a_restore_is_all_or_nothing_for_a_reader(with_backup: Path, db_path: Path) -> None:
    reader = sqlite3.connect(db_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM plan").fetchone()[0] == 2
        restore(db_path, with_backup, NOW)
        # A reader that was reading goes on seeing the old contents, whole...
        assert reader.execute("SELECT count(*) FROM plan").fetchone()[0] == 2
        reader.execute("COMMIT")
        # ...and its next read sees the new, whole.
        assert reader.execute("SELECT count(*) FROM plan").fetchone()[0] == 1
    finally:
        reader.close()
    assert _integrity(db_path) == "ok" and plan_titles(db_path) == {"Before"}
    assert not list(db_path.parent.glob(".*.part*"))  # the staged copy is gone


def test_a_restore_stopped_before_it_replaced_anything_leaves_the_database_as_it_was(
        with_backup: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from perfdesk.store import restore as module

    original = db_path.read_bytes()
    real = module.copy_database

    def fail_into_the_database(source: Path, dest: Path, **kw: object) -> None:
        if Path(dest) == db_path:
            raise OSError("the machine stopped")
        real(source, dest, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "copy_database", fail_into_the_database)
    with pytest.raises(OSError):
        restore(db_path, with_backup, NOW)
    assert db_path.read_bytes() == original
    assert not list(db_path.parent.glob(".*.part*"))


# --- another database's backup -------------------------------------------------


@pytest.fixture
def foreign(with_backup: Path, tmp_path: Path) -> Path:
    """A backup of another database (its own identity, and a laptop of some master)."""
    other = tmp_path / "elsewhere" / "other.sqlite"
    other.parent.mkdir()
    shutil.copy(with_backup, other)
    db = open_database(other)
    with db.write(record=False) as session:
        from sqlalchemy import text

        session.execute(text("UPDATE database_info SET id = 'other-db'"))
        sync_state.put(session, sync_state.MASTER, "their-master")
    db.close()
    return other


def test_another_databases_backup_is_refused_without_force(
        foreign: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original, own = db_path.read_bytes(), _identity(db_path)
    code = main(["restore", str(foreign), "--db", str(db_path)])
    _, err = capsys.readouterr()
    assert code == 1 and len(err.splitlines()) == 1
    assert "backup of another database (identity other-db, holding 1 plan (Before))" in err
    assert "--force" in err and "keeps" in err
    assert db_path.read_bytes() == original and _identity(db_path) == own


def test_force_restores_the_plans_and_keeps_this_databases_identity(
        foreign: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    own = _identity(db_path)
    assert main(["restore", str(foreign), "--db", str(db_path), "--force"]) == 0
    assert plan_titles(db_path) == {"Before"} and _identity(db_path) == own
    db = open_database(db_path)
    with db.read() as session:
        # a copy of that database: in its family, nothing of its own to send
        assert sync_state.family(session) == "their-master"
        assert sync_state.count_unsent(session, own) == 0
    db.close()
    assert main(["check", "--db", str(db_path)]) == 0


def test_take_identity_restores_it_as_that_database(foreign: Path, db_path: Path) -> None:
    assert main(["restore", str(foreign), "--db", str(db_path), "--take-identity"]) == 0
    assert plan_titles(db_path) == {"Before"} and _identity(db_path) == "other-db"


def test_the_store_asks_whose_identity_rather_than_choosing(foreign: Path, db_path: Path) -> None:
    with pytest.raises(OtherDatabasesBackup) as refused:
        restore(db_path, foreign, NOW)
    assert refused.value.check.database_id == "other-db"
    assert refused.value.own_id == _identity(db_path)
    restore(db_path, foreign, NOW, identity=Identity.KEEP)
    assert _identity(db_path) == refused.value.own_id


def test_a_backup_of_this_same_database_needs_no_decision(with_backup: Path,
                                                          db_path: Path) -> None:
    own = _identity(db_path)
    restore(db_path, with_backup, NOW)
    assert _identity(db_path) == own and plan_titles(db_path) == {"Before"}
