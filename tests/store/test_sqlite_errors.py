"""SQLite failures are told apart by SQLite's result code, not its wording."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from perfdesk.errors import DatabaseBusy, DatabaseReadOnly, NotPerfDeskDatabase, StorageFailure
from perfdesk.store.sqlite_errors import is_busy, sqlite_code, translate


def _error_from(path: Path, sql: str, *, timeout: float = 0.0, uri: bool = False) -> sqlite3.Error:
    try:
        conn = sqlite3.connect(str(path), timeout=timeout, uri=uri)
        try:
            conn.execute(sql)
            conn.commit()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return exc
    raise AssertionError(f"{sql} did not fail")


def test_a_locked_database_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        exc = _error_from(path, "INSERT INTO t VALUES (1)")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert is_busy(exc)
    error = translate(exc, "a.sqlite")
    assert isinstance(error, DatabaseBusy)
    assert "a.sqlite is in use by another PerfDesk" in str(error)


def test_writing_a_read_only_file_is_read_only(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    exc = _error_from(Path(f"{path.as_uri()}?mode=ro"), "INSERT INTO t VALUES (1)", uri=True)
    assert isinstance(translate(exc, "a.sqlite"), DatabaseReadOnly)
    assert not is_busy(exc)


def test_a_file_that_is_not_sqlite_is_refused_with_sqlites_own_words(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database" * 100)
    exc = _error_from(path, "SELECT * FROM sqlite_master")
    assert sqlite_code(exc) == sqlite3.SQLITE_NOTADB
    error = translate(exc, "notes.sqlite")
    assert isinstance(error, NotPerfDeskDatabase)
    assert "(file is not a database)" in str(error)


@pytest.mark.skipif(os.name == "nt", reason="a missing folder is the same on every system")
def test_a_file_in_a_missing_folder_cannot_be_opened(tmp_path: Path) -> None:
    exc = _error_from(tmp_path / "no-such-folder" / "a.sqlite", "CREATE TABLE t (x)")
    error = translate(exc, "a.sqlite")
    assert isinstance(error, StorageFailure)
    assert "cannot be opened" in str(error)


def test_an_error_wrapped_by_sqlalchemy_is_classified_by_its_original(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"x" * 4096)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(DBAPIError) as caught, engine.connect() as conn:
            conn.execute(text("SELECT * FROM sqlite_master"))
    finally:
        engine.dispose()
    assert isinstance(translate(caught.value, "notes.sqlite"), NotPerfDeskDatabase)


def test_the_words_of_a_message_alone_classify_nothing() -> None:
    """An error that merely mentions a lock, without SQLite's code, is not
    taken for one: it is a bug to be seen, not a busy database."""
    made_up = sqlite3.OperationalError("database is locked")
    assert sqlite_code(made_up) is None
    assert translate(made_up, "a.sqlite") is made_up
    syntax = _error_from(Path(":memory:"), "SELEC 1")
    assert translate(syntax, "a.sqlite") is syntax
