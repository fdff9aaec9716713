"""Opening databases: new, migrated, refused, locked, read-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import select

from perfdesk.errors import (
    DatabaseBusy,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    NotPerfDeskDatabase,
)
from perfdesk.store.backup import backup_folder
from perfdesk.store.database import Database, open_database
from perfdesk.store.schema import Change, Plan
from tests.databases import make_schema_0001


def test_a_missing_file_is_refused_unless_creating(db_path: Path) -> None:
    with pytest.raises(DatabaseMissing, match="No database at"):
        open_database(db_path)
    assert not db_path.exists()
    db = open_database(db_path, create=True)
    db.close()
    assert db_path.exists()


def test_each_database_file_has_its_own_id(tmp_path: Path) -> None:
    a = open_database(tmp_path / "a.sqlite", create=True)
    b = open_database(tmp_path / "b.sqlite", create=True)
    assert a.database_id != b.database_id
    again = open_database(tmp_path / "a.sqlite")
    assert again.database_id == a.database_id
    for db in (a, b, again):
        db.close()


def test_sqlite_is_set_up_for_safety(empty_db: Database) -> None:
    with empty_db.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("foreign_keys") == 1
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("busy_timeout") > 0


def test_a_text_file_is_not_a_perfdesk_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("minutes of the last board meeting")
    with pytest.raises(NotPerfDeskDatabase, match="not an SQLite file"):
        open_database(path)
    assert path.read_text() == "minutes of the last board meeting"


def test_another_programs_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(NotPerfDeskDatabase, match="not a PerfDesk database"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_perfdesk_is_refused_untouched(db_path: Path) -> None:
    open_database(db_path, create=True).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="newer PerfDesk"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_upgrading_an_old_database_backs_it_up_first(db_path: Path) -> None:
    make_schema_0001(db_path)
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO plan (id, version, updated_at, title, short_name, organisation, board,"
            " marking, state, description) VALUES ('p1', 1, '2023-04-01 00:00:00',"
            " 'Kept through the upgrade', 'Kept', '', '', '', 'Draft', '')"
        )
    conn.close()
    db = open_database(db_path)
    with db.read() as session:
        plan = session.get(Plan, "p1")
        assert plan is not None and plan.title == "Kept through the upgrade"
        assert plan.rolled_from_id is None
    db.close()
    backups = list(backup_folder(db_path).glob("*.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT title FROM plan").fetchall() == [("Kept through the upgrade",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    conn.close()


def test_migrations_give_the_same_schema_as_the_models(empty_db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from perfdesk.store.schema import SQLModel

    with empty_db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_a_write_that_cannot_get_the_lock_changes_nothing(db_path: Path) -> None:
    open_database(db_path, create=True).close()
    db = open_database(db_path, busy_timeout_ms=50)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy, match="in use by another PerfDesk"), db.write() as s:
            s.add(Plan(title="Lost?", short_name="Lost"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with db.read() as s:
        assert s.exec(select(Plan)).all() == []
    db.close()


def test_read_only_opens_for_reading_and_refuses_writes(demo_db: Database) -> None:
    path = demo_db.path
    demo_db.close()
    db = open_database(path, read_only=True)
    with db.read() as s:
        assert len(s.exec(select(Plan)).all()) == 3
    with pytest.raises(DatabaseReadOnly, match="read-only"), db.write() as s:
        s.add(Plan(title="x", short_name="x"))
    db.close()


def test_every_edit_is_recorded_with_who_when_old_and_new(empty_db: Database) -> None:
    with empty_db.write(author="Sam") as s:
        plan = Plan(title="Draft plan", short_name="Draft")
        s.add(plan)
    with empty_db.write(author="Alex") as s:
        s.get(Plan, plan.id).title = "Final plan"
    with empty_db.read() as s:
        changes = s.exec(select(Change).where(Change.row_id == plan.id)).all()
        row = s.get(Plan, plan.id)
    kinds = [(c.kind, c.author, c.field, c.old_value, c.new_value) for c in changes]
    assert ("update", "Alex", "title", "Draft plan", "Final plan") in kinds
    assert any(k[0] == "insert" and k[1] == "Sam" for k in kinds)
    assert all(c.database_id == empty_db.database_id for c in changes)
    assert row.version == 2


def test_rows_are_never_hard_deleted_but_tombstoned(empty_db: Database) -> None:
    with empty_db.write() as s:
        plan = Plan(title="Old", short_name="Old")
        s.add(plan)
    with pytest.raises(RuntimeError, match="never deleted"), empty_db.write() as s:
        s.delete(s.get(Plan, plan.id))
    with empty_db.write() as s:
        from perfdesk.store.schema import utc_now

        s.get(Plan, plan.id).deleted_at = utc_now()
    with empty_db.read() as s:
        kinds = [c.kind for c in s.exec(select(Change).where(Change.row_id == plan.id))]
        assert s.get(Plan, plan.id) is not None
    assert "delete" in kinds


def test_a_failed_edit_rolls_back_entirely(empty_db: Database) -> None:
    with pytest.raises(ZeroDivisionError), empty_db.write() as s:
        s.add(Plan(title="Half done", short_name="Half"))
        s.flush()
        _ = 1 / 0
    with empty_db.read() as s:
        assert s.exec(select(Plan)).all() == []
        assert s.exec(select(Change)).all() == []
