"""Restoring a backup into the database, even a damaged one.

A restore first backs up the state it replaces (`perfdesk.store.backup`), so
it can itself be undone; a damaged database is kept whole beside the backups
instead. The backup is checked (`perfdesk.store.backup_check`) before
anything is written, and again once copied and upgraded. A backup of
another database (another identity) needs a decision about whose identity
this database keeps (`Identity`); `become_copy` is that rule, shared with
refreshing a laptop from the master.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfdesk.errors import (
    DatabaseBusy,
    DatabaseTooNew,
    NotFound,
    NotPerfDeskDatabase,
    PerfDeskError,
    StorageFailure,
)
from perfdesk.store.backup import (
    backup_folder,
    free_name,
    made_folder,
    prune,
    take,
    usable_backups,
)
from perfdesk.store.backup_check import BackupCheck, BackupUnusable, check_backup
from perfdesk.store.sqlite_errors import is_busy
from perfdesk.store.sqlite_files import (
    SIDECARS,
    SQLITE_HEADER,
    copy_database,
    cut_short,
    fsync_file,
    fsync_folder,
    make_self_contained,
    missing_schema,
    remove_stale_temporaries,
    remove_with_sidecars,
    temporary_beside,
)

log = logging.getLogger(__name__)


class OtherDatabasesBackup(PerfDeskError):
    """The backup is of another database (another identity): restoring it
    needs a decision about whose identity this database keeps."""

    def __init__(self, message: str, check: BackupCheck, own_id: str) -> None:
        super().__init__(message)
        self.check = check
        self.own_id = own_id


class Identity(enum.Enum):
    """Whose identity a database keeps when another database's backup is
    restored into it (a backup of this same database needs no decision)."""

    REFUSE = "refuse"  # do not restore another database's backup
    KEEP = "keep"  # keep this database's identity: it becomes a copy of that one
    TAKE = "take"  # take the backup's identity: only when that database is gone for good


def own_identity(db_path: Path) -> str:
    """This database file's identity, read without changing it ("" when it
    cannot be read: a damaged database is restored without asking)."""
    try:
        conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT id FROM database_info").fetchone()
            return str(row[0]) if row else ""
        finally:
            conn.close()
    except sqlite3.Error:
        return ""


def restore(db_path: Path, backup_path: Path, now: dt.datetime, *,
            identity: Identity = Identity.REFUSE, author: str = "",
            progress: Callable[[int, int], None] | None = None) -> Path:
    """Put a backup's contents into the database; return the backup of the
    state it replaced ("before-restore"), which restoring undoes this - or,
    when the database was damaged, the copy of the damaged file that was
    kept (`is_damaged_copy`).

    The database is never opened as PerfDesk opens it, so a damaged one (empty,
    cut short, corrupt pages) can still be restored: that is when a restore is
    needed most. The backup is checked first (`check_backup`); if it is
    refused, nothing is written anywhere. A backup of another database is
    refused unless `identity` says whose identity to keep (see `Identity`).

    Whose backup it is, when the database is damaged and its identity cannot
    be read: the database is taken to be what its own newest usable backup
    (in `<stem>-backups/` beside it) says it was, so restoring the latest
    backup of what was this database asks nothing. A backup from elsewhere,
    when there is no backup of its own to compare with, needs a decision:
    KEEP then makes the database a copy of that one under a new identity of
    its own, TAKE takes the backup's.

    Crash-safe: the backup is copied to a temporary file beside the database,
    upgraded and checked there. A sound database is then replaced page by
    page through SQLite's backup API in ONE write transaction, so it is at
    every instant either all the old contents or all the new (a reader with
    a transaction open keeps seeing the old until it ends). A damaged one is
    first copied whole (with its -wal/-journal) to
    `<stem>-backups/<stem>-damaged-<stamp>.sqlite`, which is never thinned;
    then its stale -wal/-shm/-journal are removed and the checked copy is
    renamed over it (os.replace), so the database's name always holds either
    the damaged file or the restored one.

    `progress(step, 3)` is called only before the database is touched: one
    that raises (a cancel) changes nothing."""

    def step(done: int) -> None:
        if progress is not None:
            progress(done, 3)

    backup_path, db_path = Path(backup_path), Path(db_path)
    if not db_path.is_file():
        raise NotFound(f"No database at {db_path} to restore into; nothing was changed.")
    if backup_path.exists() and backup_path.resolve() == db_path.resolve():
        raise PerfDeskError(f"{backup_path} is the database itself; nothing was changed.")
    if not backup_path.is_file():
        raise NotFound(f"No backup file at {backup_path}; nothing was changed.")
    check = check_backup(backup_path)
    if not check.ok:
        raise check.refusal()
    step(1)
    live = inspect_live(db_path)  # refuses another application's file, or a newer PerfDesk's
    own = live.identity
    if not own and live.damaged:
        own = _identity_from_own_backups(db_path)
    unknown = live.damaged and not own and bool(check.database_id)
    other = unknown or (bool(own) and bool(check.database_id) and check.database_id != own)
    if other and identity is Identity.REFUSE:
        raise _other_refusal(db_path, backup_path, check, own, live)
    if unknown and identity is Identity.KEEP:
        from perfdesk.store.schema import new_id

        own = new_id()  # a copy of that database, under an identity of its own
    remove_stale_temporaries(db_path.parent)
    staged = temporary_beside(db_path, "restore")
    try:
        copy_database(backup_path, staged, source_read_only=True)
        step(2)
        try:
            _upgrade(staged)
        except (sqlite3.Error, PerfDeskError, KeyError, ValueError) as exc:
            log.warning("could not bring %s up to date: %s", backup_path, exc, exc_info=exc)
            raise BackupUnusable(f"{backup_path} cannot be restored: its schema cannot be "
                                 "brought up to date (it is incomplete or damaged); nothing "
                                 "was changed.") from exc
        if other and identity is Identity.KEEP:
            _adopt(staged, own, author, backup_path.name)
        staged_check = check_backup(staged)
        if not staged_check.ok:
            raise BackupUnusable(f"{backup_path} cannot be restored: once copied, "
                                 f"{staged_check.problem}; nothing was changed.")
        step(3)  # the last moment to stop: from here the database is replaced
        if live.damaged:
            before = _replace_damaged(db_path, staged, now)
        else:
            before = take(db_path, "before-restore", now)
            copy_database(staged, db_path)  # one transaction: all old, or all new
    finally:
        remove_with_sidecars(staged)
    if live.damaged:
        log.info("restored %s from %s; it was damaged (%s) and is kept as %s",
                 db_path, backup_path, live.damaged, before)
    else:
        log.info("restored %s from %s (previous state in %s)", db_path, backup_path, before)
    prune(db_path, now)
    return before


def _other_refusal(db_path: Path, backup_path: Path, check: BackupCheck, own: str,
                   live: LiveDatabase) -> OtherDatabasesBackup:
    if not own:
        return OtherDatabasesBackup(
            f"{db_path.name} is damaged ({live.damaged}) and its identity cannot be read, and "
            f"{backup_path} is not one of its backups (in {backup_folder(db_path)}): it is a "
            f"backup of database {check.database_id}, holding {check.describe_plans()}; "
            "nothing was changed. Restoring it with --force puts its plans here as a copy of "
            "that database under a new identity of its own. Use --take-identity instead only "
            "if the database the backup came from is gone for good.", check, own)
    return OtherDatabasesBackup(
        f"{backup_path} is a backup of another database (identity {check.database_id}, "
        f"holding {check.describe_plans()}), not of {db_path.name} (identity {own}); "
        "nothing was changed. Restoring it with --force puts its plans here and keeps "
        f"{db_path.name}'s own identity, so this database becomes a copy of that one "
        "(its own unsent changes are replaced). Use --take-identity instead only if the "
        "database the backup came from is gone for good.", check, own)


@dataclass(frozen=True)
class LiveDatabase:
    """The database a restore goes into, as found without opening it the way
    PerfDesk does (which refuses a damaged file)."""

    path: Path
    damaged: str = ""  # why it cannot be opened; "" when it is sound
    identity: str = ""  # its database id, when it can be read


def inspect_live(db_path: Path) -> LiveDatabase:
    """Is the database file sound, or damaged (empty, cut short, corrupt)?
    Refuses (nothing changed) a file that is sound but not PerfDesk's to
    replace: another application's SQLite file, or a newer PerfDesk's; and
    one another program holds locked."""
    db_path = Path(db_path)
    try:
        size = db_path.stat().st_size
        with db_path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StorageFailure(f"{db_path} cannot be read ({exc.strerror}); nothing was "
                             "changed.") from exc
    if size == 0:
        return LiveDatabase(db_path, "it is empty (0 bytes)")
    if not header.startswith(SQLITE_HEADER):
        return LiveDatabase(db_path, "its first page is not an SQLite header")
    if len(header) < 100:
        return LiveDatabase(db_path, f"it is cut short ({size} bytes)")
    short = cut_short(header, size)
    if short:
        return LiveDatabase(db_path, short.removeprefix("it is "))
    # Read-only, so that nothing of a damaged file (nor its -wal) changes
    # before it is kept - unless a hot journal must first be rolled back.
    journal = db_path.with_name(db_path.name + "-journal")
    hot = journal.is_file() and journal.stat().st_size > 0
    uri = db_path.resolve().as_uri() + ("" if hot else "?mode=ro")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5)
    except sqlite3.Error as exc:
        return LiveDatabase(db_path, f"it cannot be opened ({exc})")
    try:
        return _inspect_open(db_path, conn)
    except sqlite3.OperationalError as exc:  # not damage: the file stays as it is
        if is_busy(exc):
            raise DatabaseBusy(f"{db_path} is in use by another program ({exc}); close it "
                               "there and try again. Nothing was changed.") from exc
        raise StorageFailure(f"{db_path} cannot be read ({exc}); nothing was changed.") from exc
    except sqlite3.Error as exc:
        return LiveDatabase(db_path, f"it is damaged ({exc})")
    finally:
        conn.close()


def _inspect_open(db_path: Path, conn: sqlite3.Connection) -> LiveDatabase:
    from perfdesk.store import migrate

    identity = ""
    with suppress(sqlite3.Error):
        row = conn.execute("SELECT id FROM database_info").fetchone()
        identity = str(row[0]) if row and row[0] else ""
    result = [r[0] for r in conn.execute("PRAGMA integrity_check(5)").fetchall()]
    if result != ["ok"]:
        return LiveDatabase(db_path, f"SQLite's integrity check: {result[0]}", identity)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return LiveDatabase(db_path, "it holds no tables")
    if "database_info" not in tables or "alembic_version" not in tables or "plan" not in tables:
        raise NotPerfDeskDatabase(f"{db_path} is not a PerfDesk database (it holds other "
                                  "tables); nothing was restored into it and nothing was "
                                  "changed.")
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    schema = row[0] if row else ""
    known = migrate.known_revisions()
    if schema not in known:
        raise DatabaseTooNew(f"{db_path} was written by a newer PerfDesk (schema {schema}); "
                             "update PerfDesk to restore into it. Nothing was changed.")
    missing = missing_schema(conn, tables) if schema == known[-1] else ""
    if missing:
        return LiveDatabase(db_path, f"it is incomplete: {missing}", identity)
    return LiveDatabase(db_path, "", identity)


def _identity_from_own_backups(db_path: Path) -> str:
    """The identity this database last had, by its newest usable backup."""
    for info in usable_backups(db_path):
        found = check_backup(info.path).database_id
        if found:
            return found
    return ""


_DAMAGED = re.compile(r".+-damaged-\d{8}-\d{6}-\d{6}\.sqlite")


def is_damaged_copy(path: Path) -> bool:
    """Is this the copy of a damaged database that a restore kept?"""
    return _DAMAGED.fullmatch(Path(path).name) is not None


def _replace_damaged(db_path: Path, staged: Path, now: dt.datetime) -> Path:
    """Keep the damaged database, then put the checked `staged` file in its
    place; return the kept copy. The order keeps every step safe to stop:
    the copy is durable before anything of the damaged file is removed, its
    stale -wal/-shm/-journal (which SQLite would otherwise replay into the
    new file) go before the new file takes the name, and the name goes from
    the damaged file to the restored one in one rename."""
    folder = made_folder(db_path)
    kept = free_name(folder, lambda stamp: f"{db_path.stem}-damaged-{stamp}.sqlite", now)
    try:
        for suffix in ("", "-wal", "-journal"):  # the damaged file, whole
            source = db_path.with_name(db_path.name + suffix)
            if suffix and not source.is_file():
                continue
            target = kept.with_name(kept.name + suffix)
            part = temporary_beside(target, "damaged")
            try:
                shutil.copyfile(source, part)
                fsync_file(part)
                os.replace(part, target)
            finally:
                with suppress(OSError):
                    part.unlink()
        fsync_folder(folder)
        fsync_file(staged)
        for suffix in SIDECARS:
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        fsync_folder(db_path.parent)
        os.replace(staged, db_path)
        fsync_folder(db_path.parent)
    except OSError as exc:
        raise StorageFailure(f"{db_path} could not be replaced ({exc.strerror or exc}); "
                             f"the damaged file is kept as {kept}.") from exc
    return kept


def checked_source(backup_path: Path, scratch: Path) -> Path:
    """The file to copy from (a master to refresh from), once it is known to
    be a PerfDesk database that this PerfDesk can read; an older schema is
    upgraded on a copy in `scratch`. Refuses with a plain message."""
    check = check_backup(backup_path)
    if not check.ok:
        message = f"{backup_path} cannot be used: {check.problem}; nothing was changed."
        raise DatabaseTooNew(message) if check.too_new else BackupUnusable(message)
    from perfdesk.store import migrate

    if check.schema == migrate.known_revisions()[-1]:
        return backup_path
    copy = scratch / "upgraded.sqlite"
    copy_database(backup_path, copy, source_read_only=True)
    _upgrade(copy)
    return copy


def _upgrade(path: Path) -> None:
    """Bring a staged copy's schema to this PerfDesk's (no backup: it is a copy)."""
    from perfdesk.store import migrate
    from perfdesk.store.engine import sqlite_engine

    engine = sqlite_engine(path)
    try:
        with engine.connect() as conn:
            current = migrate.current_revision(conn)
        if current != migrate.known_revisions()[-1]:
            migrate.upgrade(engine)
    finally:
        engine.dispose()
    make_self_contained(path)


def _adopt(staged: Path, own: str, author: str, source_name: str) -> None:
    """Another database's contents, as a copy of it that keeps `own` identity."""
    from sqlmodel import Session

    from perfdesk.store.engine import WRITE_OPTION, sqlite_engine

    engine = sqlite_engine(staged)
    try:
        with Session(engine.execution_options(**{WRITE_OPTION: True})) as session:
            become_copy(session, own, author, "restored", source_name)
            session.commit()
    finally:
        engine.dispose()
    make_self_contained(staged)


def become_copy(session: Any, identity: str, author: str, kind: str, source_name: str,
                log_rows: list[Any] | None = None) -> None:
    """Give a copied database `identity` and a fresh exchange state: it has
    sent nothing, holds none of the origin's pending decisions, and its next
    bundle starts after everything it was copied with. It joins the copied
    database's family (the master it belongs with) and keeps its list of
    changes seen but not applied, so a refresh does not put back a change
    the master has already decided."""
    from sqlalchemy import delete, text, update

    from perfdesk.store import sync_state
    from perfdesk.store.schema import SyncConflict, SyncExchange, SyncSeen

    family = sync_state.family(session)  # the copied database's, before the identity changes
    session.execute(text("UPDATE database_info SET id = :id"), {"id": identity})
    sync_state.put(session, sync_state.MASTER, family)
    session.execute(update(SyncSeen).values(conflict_id=None))  # the origin's to decide
    for table in (SyncConflict, SyncExchange):
        session.execute(delete(table))
    session.add_all(log_rows or [])
    session.add(SyncExchange(kind=kind, author=author, file_name=source_name))
    session.flush()
    sync_state.put(session, sync_state.SENT_THROUGH, str(sync_state.last_change_rowid(session)))
