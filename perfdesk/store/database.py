"""Opening a PerfDesk database, and the units of work every edit runs in.

`open_database` checks the file before trusting it (missing, not SQLite, not
PerfDesk, written by a newer PerfDesk), backs it up through SQLite's online
backup API before migrating, and returns a `Database`. `Database.write()` is
the one unit of work: one transaction, committed on success, rolled back on
any error, with known SQLite failures turned into plain messages.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, select

from perfdesk import __version__
from perfdesk.clock import Clock, system_clock
from perfdesk.errors import (
    DatabaseBusy,
    DatabaseMissing,
    DatabaseReadOnly,
    DatabaseTooNew,
    NotPerfDeskDatabase,
    PerfDeskError,
    StorageFailure,
)
from perfdesk.store import backup, history, migrate
from perfdesk.store.engine import (
    DEFAULT_BUSY_TIMEOUT_MS,
    WRITE_OPTION,
    sqlite_engine,
    url_engine,
)
from perfdesk.store.network import is_network_path
from perfdesk.store.schema import DatabaseInfo

log = logging.getLogger(__name__)
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass
class Database:
    engine: Engine
    location: str
    path: Path | None
    database_id: str
    read_only: bool
    author: str = ""
    warning: str = ""
    read_only_reason: str = ""
    clock: Clock = system_clock  # "now" for backups and stamps; tests stop it

    def now(self) -> dt.datetime:
        return self.clock()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._translated(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, author: str | None = None, *, record: bool = True) -> Iterator[Session]:
        """One transaction for one user edit: committed on success, rolled
        back on any error, every change recorded in the history.

        `record=False` is for copying changes already recorded elsewhere (an
        update bundle), whose own history rows are added as they came."""
        if self.read_only:
            raise DatabaseReadOnly(f"{self.location} is open read-only; nothing was changed.")
        bind = self.engine.execution_options(**{WRITE_OPTION: True})
        with self._translated(), Session(bind, expire_on_commit=False) as session:
            session.info["author"] = self.author if author is None else author
            session.info["database_id"] = self.database_id
            if record:
                history.install(session)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (OperationalError, DBAPIError, sqlite3.Error) as exc:
            raise translate(exc, self.location) from exc

    def close(self) -> None:
        self.engine.dispose()


def translate(exc: BaseException, location: str) -> PerfDeskError | BaseException:
    """A known SQLite failure as a plain message; anything else unchanged."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"{location} is in use by another PerfDesk (it stayed locked); "
            "nothing was changed. Try again in a moment."
        )
    if "readonly" in text or "read-only" in text:
        return DatabaseReadOnly(f"{location} can only be read; nothing was changed.")
    if "disk is full" in text or "disk i/o" in text:
        return StorageFailure(f"{location}: the disk is full or failing; nothing was changed.")
    if "not a database" in text or "malformed" in text:
        return NotPerfDeskDatabase(f"{location} is not a PerfDesk database (or it is damaged).")
    return exc


def open_database(
    target: str | os.PathLike[str],
    *,
    create: bool = False,
    read_only: bool = False,
    author: str = "",
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    clock: Clock = system_clock,
) -> Database:
    """Open (and, if needed, create or migrate) a PerfDesk database.

    `target` is a file path or an SQLAlchemy URL. A missing file is created
    only when `create` is set."""
    text = os.fspath(target)
    if "://" in text:
        engine = url_engine(text)
        db = _prepare(engine, text, None, read_only=read_only, author=author)
        db.clock = clock
        db.read_only_reason = "it was opened read-only, as asked" if read_only else ""
        return db
    path = Path(text).expanduser()
    warning = reason = ""
    if is_network_path(path):
        warning = (
            f"{path} looks like a network folder: SQLite's locking is unreliable there. "
            "Keep the database on this computer's own disk and share updates as files."
        )
        log.warning(warning)
    if path.is_dir():
        raise NotPerfDeskDatabase(f"{path} is a folder, not a PerfDesk database file.")
    if not path.exists():
        if not create:
            raise DatabaseMissing(
                f"No database at {path}. Create one with `perfdesk demo --db {path}` "
                f"or `perfdesk import-plan WORKBOOK --db {path}`."
            )
        if read_only:
            raise DatabaseReadOnly(f"No database at {path} to open read-only.")
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        _check_header(path)
        _refuse_foreign(str(path), *_peek(path))  # before our connections change the file
        if read_only:
            reason = "it was opened read-only, as asked"
        elif not _writable(path):
            read_only = True
            reason = ("this computer does not let PerfDesk change the file or its folder "
                      "(check its permissions, or copy it somewhere you can write)")
    engine = sqlite_engine(path, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
    db = _prepare(engine, str(path), path, read_only=read_only, author=author)
    db.warning = warning
    db.read_only_reason = reason if read_only else ""
    db.clock = clock
    return db


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageFailure(f"{path} cannot be read: {exc.strerror}.") from exc
    if header and header != SQLITE_HEADER:
        raise NotPerfDeskDatabase(f"{path} is not a PerfDesk database (not an SQLite file).")


def _peek(path: Path) -> tuple[set[str], str | None]:
    """Tables and schema revision, read without changing the file."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {r[0] for r in rows}
            current = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                current = row[0] if row else None
            return tables, current
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise translate(exc, str(path)) from exc


def _refuse_foreign(location: str, tables: set[str], current: str | None) -> None:
    """Refuse a database that is not ours, or is from a newer PerfDesk."""
    known = migrate.known_revisions()
    if tables and (current is None or "database_info" not in tables):
        raise NotPerfDeskDatabase(f"{location} is not a PerfDesk database (it holds other tables).")
    if current is not None and current not in known:
        raise DatabaseTooNew(
            f"{location} was written by a newer PerfDesk (schema {current}; this is "
            f"PerfDesk {__version__}, schema {known[-1]}). Update PerfDesk to open it; "
            "the file was left untouched."
        )


def _writable(path: Path) -> bool:
    """Writable file in a writable folder (SQLite needs both for its journal)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _prepare(
    engine: Engine, location: str, path: Path | None, *, read_only: bool, author: str
) -> Database:
    try:
        database_id = _check_and_migrate(engine, location, path, read_only)
    except (OperationalError, DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        raise translate(exc, location) from exc
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, location, path, database_id, read_only, author)


def _check_and_migrate(engine: Engine, location: str, path: Path | None, read_only: bool) -> str:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        current = migrate.current_revision(conn)
    _refuse_foreign(location, tables, current)
    known = migrate.known_revisions()
    if current != known[-1]:
        if read_only:
            raise DatabaseReadOnly(
                f"{location} needs its schema upgraded, which cannot be done read-only."
            )
        if current is not None and path is not None:
            backup.backup(path, f"before-schema-{known[-1]}")
        migrate.upgrade(engine)
    with Session(engine) as session:
        info = session.exec(select(DatabaseInfo)).first()
        if info is not None:
            return info.id
    if read_only:
        raise NotPerfDeskDatabase(f"{location} is not a PerfDesk database (no identity).")
    with Session(engine.execution_options(**{WRITE_OPTION: True})) as session:
        info = DatabaseInfo(created_by=f"PerfDesk {__version__}")
        session.add(info)
        session.commit()
        return info.id
