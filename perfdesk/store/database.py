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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, select

from perfdesk import __version__
from perfdesk.clock import Clock, system_clock
from perfdesk.errors import (
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
from perfdesk.store.sqlite_errors import translate
from perfdesk.store.sqlite_files import SQLITE_HEADER, copy_from_uri

log = logging.getLogger(__name__)


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
    writes: int = 0  # transactions committed through write(): did this run change anything?
    cleanup: Callable[[], None] | None = None  # run by close(), e.g. to remove a scratch copy
    upgraded_from: str | None = None  # the file's own (older) schema, read via an upgraded copy

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
            why = f" ({self.read_only_reason})" if self.read_only_reason else ""
            raise DatabaseReadOnly(f"{self.location} is open read-only{why}; nothing was changed.")
        bind = self.engine.execution_options(**{WRITE_OPTION: True})
        with self._translated(), Session(bind, expire_on_commit=False) as session:
            session.info["author"] = self.author if author is None else author
            session.info["database_id"] = self.database_id
            if record:
                history.install(session)
            try:
                yield session
                session.commit()
                self.writes += 1
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
        if self.cleanup is not None:
            cleanup, self.cleanup = self.cleanup, None
            cleanup()


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
        file = sqlite_file(text)
        if file is None:
            db = _prepare(_url_engine(text), text, None, read_only=read_only, author=author,
                          clock=clock)
            db.read_only_reason = "it was opened read-only, as asked" if read_only else ""
            return db
        text = file  # a plain sqlite:///FILE gets every check a file path gets
    path = Path(text).expanduser()
    warning = reason = ""
    if is_network_path(path):
        warning = (
            f"{path} looks like a network folder: SQLite's locking is unreliable there. "
            "Keep the database on this computer's own disk and share updates as files."
        )
        log.warning(warning)
    if path.is_dir():
        raise NotPerfDeskDatabase(f"{path} is a folder, not a PerfDesk database file; "
                                  "give the database file's name.")
    if not path.exists():
        if not create:
            raise DatabaseMissing(
                f"No database at {path}. Create one with `perfdesk demo --db {path}` "
                f"or `perfdesk import-plan WORKBOOK --db {path}`."
            )
        if read_only:
            raise DatabaseReadOnly(f"No database at {path} to open read-only.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageFailure(f"The folder {path.parent} cannot be made: {exc.strerror}; "
                                 "nothing was changed. Choose a folder you can write.") from exc
        uri = None
    else:
        _check_header(path, create and not read_only)
        if path.stat().st_size == 0:  # an empty file is new only to a command that creates
            uri = None
        else:
            if read_only:
                reason = "it was opened read-only, as asked"
            elif not _writable(path):
                read_only = True
                reason = ("this computer does not let PerfDesk change the file or its folder "
                          "(check its permissions, or copy it somewhere you can write)")
            uri, note = read_only_uri(path)
            if note:
                reason = f"{reason}; {note}" if reason else note
            tables, current = _peek(path, uri)
            _refuse_foreign(str(path), tables, current)  # before anything can change the file
            if read_only and current is not None and current != migrate.known_revisions()[-1]:
                db = _upgraded_copy(path, uri, reason, author, clock, warning)
                db.upgraded_from = current
                return db
            if not read_only:
                uri = None
    engine = sqlite_engine(path, read_only=read_only, busy_timeout_ms=busy_timeout_ms, uri=uri)
    db = _prepare(engine, str(path), path, read_only=read_only, author=author, clock=clock)
    db.warning = warning
    db.read_only_reason = reason if read_only else ""
    return db


def sqlite_file(url: str) -> str | None:
    """The file of a plain `sqlite:///FILE` URL, which is then opened as a
    file; None for any other URL. A URL nothing can read is refused."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise PerfDeskError(
            f"{url} is not a database address PerfDesk understands ({exc}). "
            "Give a database file, e.g. --db plans.sqlite."
        ) from exc
    if parsed.get_backend_name() != "sqlite" or parsed.query:
        return None
    if parsed.database in (None, "", ":memory:"):
        return None
    return parsed.database


def _url_engine(url: str) -> Engine:
    from sqlalchemy.exc import ArgumentError

    try:
        return url_engine(url)
    except (ArgumentError, ImportError) as exc:  # an unknown scheme, or its driver missing
        scheme = url.split("://", 1)[0]
        raise PerfDeskError(
            f"{url}: PerfDesk cannot open a {scheme!r} database ({exc}). "
            "Give a database file, e.g. --db plans.sqlite."
        ) from exc


def _check_header(path: Path, create: bool = False) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageFailure(f"{path} cannot be read: {exc.strerror}; check its permissions.") \
            from exc
    if not header and not create:
        raise NotPerfDeskDatabase(
            f"{path} is empty, not a PerfDesk database; nothing was changed. Check the file "
            f"name, or make a new database there with `perfdesk demo --db {path}`."
        )
    if header and header != SQLITE_HEADER:
        raise NotPerfDeskDatabase(f"{path} is not a PerfDesk database (not an SQLite file); "
                                  "nothing was changed. Check the file name.")


def read_only_uri(path: Path) -> tuple[str, str]:
    """The URI that reads `path` without changing it, and a note for the
    banner when reading it has a catch.

    `mode=ro` is SQLite's read-only mode. A database in WAL mode also needs
    its -shm index, which a read-only connection creates if the folder lets
    it. When it cannot (a folder this user may not write, and no -shm
    there), the file is opened `immutable=1`, which reads the main file
    alone: right only when the -wal file is absent or empty, since immutable
    ignores it. With committed changes waiting in the -wal, the file is
    refused rather than shown without them (https://sqlite.org/wal.html#readonly).
    """
    base = path.resolve().as_uri()
    uri = f"{base}?mode=ro"
    try:
        _probe(uri)
        return uri, ""
    except sqlite3.Error as exc:
        first = exc
    wal = path.with_name(path.name + "-wal")
    if not _wal_mode(path) or os.access(path.parent, os.W_OK):
        raise translate(first, str(path)) from first
    try:
        waiting = wal.stat().st_size
    except FileNotFoundError:
        waiting = 0
    except OSError as exc:
        raise StorageFailure(f"{wal} cannot be read: {exc.strerror}; nothing was changed.") \
            from exc
    if waiting:
        raise DatabaseReadOnly(
            f"{path} has changes waiting in {wal.name} that cannot be read from a folder this "
            "computer does not let PerfDesk write to; nothing was changed. Open it once where "
            f"it can be written, or copy {path.name} and {wal.name} together to a folder you "
            "can write."
        )
    uri = f"{base}?mode=ro&immutable=1"
    try:
        _probe(uri)
    except sqlite3.Error as exc:
        raise translate(exc, str(path)) from exc
    return uri, ("its folder cannot be written, so changes made elsewhere while it is open "
                 "will not show until it is opened again")


def _probe(uri: str) -> None:
    conn = sqlite3.connect(uri, uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def _wal_mode(path: Path) -> bool:
    """Bytes 18 and 19 of the header are 2 for a database in WAL mode."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18:20] == b"\x02\x02"


def _peek(path: Path, uri: str) -> tuple[set[str], str | None]:
    """Tables and schema revision, read without changing the file."""
    try:
        conn = sqlite3.connect(uri, uri=True)
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


def _upgraded_copy(path: Path, uri: str, reason: str, author: str, clock: Clock,
                   warning: str) -> Database:
    """A database from an older PerfDesk, opened read-only: the file cannot
    be upgraded, so a scratch copy of it is (in a private temporary folder,
    removed on close), and that is what is read. The file is not touched."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="perfdesk-read-"))
    copy = scratch / path.name
    try:
        copy_from_uri(uri, copy)
        engine = sqlite_engine(copy)
        db = _prepare(engine, str(path), None, read_only=False, author=author, clock=clock)
    except sqlite3.Error as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise translate(exc, str(path)) from exc
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    db.path, db.read_only, db.warning = path, True, warning
    note = ("it was written by an older PerfDesk and is shown through an upgraded copy; "
            "the file itself is left as it was")
    db.read_only_reason = f"{reason}; {note}" if reason else note
    db.cleanup = lambda: shutil.rmtree(scratch, ignore_errors=True)
    return db


def _writable(path: Path) -> bool:
    """Writable file in a writable folder (SQLite needs both for its journal)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _prepare(
    engine: Engine, location: str, path: Path | None, *, read_only: bool, author: str,
    clock: Clock = system_clock,
) -> Database:
    try:
        database_id = _check_and_migrate(engine, location, path, read_only, clock)
    except (OperationalError, DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        raise translate(exc, location) from exc
    except BaseException:
        engine.dispose()
        raise
    return Database(engine, location, path, database_id, read_only, author, clock=clock)


def _check_and_migrate(engine: Engine, location: str, path: Path | None, read_only: bool,
                       clock: Clock = system_clock) -> str:
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
            backup.backup(path, f"before-schema-{known[-1]}", clock())
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
