"""SQLAlchemy engines for PerfDesk databases, with SQLite set up properly.

Every connection gets foreign keys on, a busy timeout (a second PerfDesk on
the same file waits rather than fails), and, when writable, the WAL journal
with synchronous=FULL. Transactions are begun by us: BEGIN IMMEDIATE for a
write, so a write that cannot get the lock fails before it changes anything.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

DEFAULT_BUSY_TIMEOUT_MS = 5000
WRITE_OPTION = "perfdesk_write"


def sqlite_engine(
    path: Path, read_only: bool = False, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    uri: str | None = None,
) -> Engine:
    """`uri`, when given, is how to open `path` (e.g. `database.read_only_uri`)."""
    uri = uri or f"{path.resolve().as_uri()}?mode={'ro' if read_only else 'rwc'}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False,
        )

    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)
    _set_up(engine, read_only, busy_timeout_ms)
    return engine


def url_engine(url: str) -> Engine:
    """Any other SQLAlchemy URL (a server database can follow later)."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _set_up(engine, False, DEFAULT_BUSY_TIMEOUT_MS)
    return engine


def _set_up(engine: Engine, read_only: bool, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            if not read_only:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        if write:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            # Checked at commit: rows of one edit may be flushed in any order.
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        else:
            conn.exec_driver_sql("BEGIN")
