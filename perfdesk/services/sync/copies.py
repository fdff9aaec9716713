"""The master published as a file, and laptops refreshed from it.

`publish` writes a consistent copy of the master for laptops to take. A
laptop's `refresh` replaces its plans with the published master's and then
puts its own unsent changes back on top - every change it holds that the
master does not - so nothing typed on the laptop is lost, and those changes
still go in its next bundle with the values they were made from (the master
then sees any collision). The laptop keeps its own identity throughout.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from perfdesk.clock import Clock, system_clock
from perfdesk.errors import DatabaseBusy, PerfDeskError, StorageFailure
from perfdesk.services.sync.apply import Applier, Tally
from perfdesk.services.sync.send import travelling
from perfdesk.store import backup, backup_check, restore, sqlite_files, sync_state
from perfdesk.store.database import Database, open_database
from perfdesk.store.schema import Change, SyncExchange, new_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshResult:
    path: Path
    kept: int  # local changes put back on top
    created: bool  # the laptop copy was made by this refresh


def publish(db: Database, out: Path, author: str | None = None) -> Path:
    """A copy of this database for laptops to refresh from (or start with),
    written beside `out` and put in its place in one rename when complete."""
    if db.path is None:
        raise PerfDeskError(f"{db.location} is not a database file; only a file can be published.")
    if out.resolve() == db.path.resolve():
        raise PerfDeskError("Publish to another file: that is the master itself.")
    sqlite_files.remove_stale_temporaries(out.parent)
    copy = sqlite_files.temporary_beside(out, "publish")
    try:
        sqlite_files.copy_database(db.path, copy, source_read_only=True)
        published = open_database(copy, author=db.author, clock=db.clock)
        try:
            _become_copy(published, new_id(), author or db.author, "published", db.path.name)
        finally:
            published.close()
        sqlite_files.make_self_contained(copy)
        sqlite_files.fsync_file(copy)
        sqlite_files.remove_with_sidecars(out.with_name(out.name + "-wal"))  # not the new file's
        os.replace(copy, out)
        sqlite_files.fsync_folder(out.parent)
    finally:
        sqlite_files.remove_with_sidecars(copy)
    with db.write(author, record=False) as session:
        session.add(SyncExchange(kind="published", author=author or db.author,
                                 file_name=out.name))
    log.info("published %s to %s", db.path, out)
    return out


def refresh(db_path: Path, master: Path, author: str = "", *,
            clock: Clock = system_clock,
            progress: Callable[[int, int], None] | None = None) -> RefreshResult:
    """Make the laptop database at `db_path` the master's plans plus its own
    changes the master has not got (creating it from the master when it does
    not exist yet). The laptop is backed up first.

    Crash-safe: the refreshed laptop is built under a temporary name beside
    the old file, checked (integrity, its own identity, every change kept),
    made durable, and only then put in the old file's place in one rename,
    while the old file is folded into one self-contained file (no -wal) and
    held with an exclusive lock. Stopped at any point, the laptop is either
    the old file, whole and untouched, or the new one, whole; a temporary
    file left by a stopped refresh is cleared away by the next.

    `progress(step, 4)` is called only before the old file is replaced: one
    that raises (a cancel) leaves the laptop as it was."""

    def step(done: int) -> None:
        if progress is not None:
            progress(done, 4)

    master, db_path = Path(master), Path(db_path)
    if not master.is_file():
        raise PerfDeskError(f"No master file at {master}; nothing was changed.")
    if db_path.exists() and db_path.resolve() == master.resolve():
        raise PerfDeskError("That is this database itself: choose the master's published file.")
    sqlite_files.remove_stale_temporaries(db_path.parent)
    staged = sqlite_files.temporary_beside(db_path, "refresh")
    with tempfile.TemporaryDirectory(prefix="perfdesk-refresh-") as scratch:
        source = restore.checked_source(master, Path(scratch))
        try:
            step(1)
            if not db_path.exists():
                _build(staged, source, new_id(), author, master.name, clock)
                step(4)
                for sidecar in ("-wal", "-shm", "-journal"):  # of no file: stale
                    db_path.with_name(db_path.name + sidecar).unlink(missing_ok=True)
                os.replace(staged, db_path)
                sqlite_files.fsync_folder(db_path.parent)
                return RefreshResult(db_path, 0, True)
            master_family, master_ids = _master_facts(source)
            laptop = open_database(db_path, author=author, clock=clock)
            try:
                with laptop.read() as session:
                    own = sync_state.own_id(session)
                    if sync_state.family(session) != master_family:
                        _refuse_other_master(session, own, master.name)
                        kept = []  # everything was sent to its own master: nothing to keep
                    else:
                        kept = [travelling(c) for c in _all_changes(session)
                                if c.id not in master_ids]
                    log_rows = [SyncExchange(**r.model_dump())
                                for r in sync_state.exchanges(session)]
                    mark = _history_mark(session)
            finally:
                laptop.close()
            step(2)
            backup.backup(db_path, "before-refresh", clock())
            step(3)
            _build(staged, source, own, author, master.name, clock, log_rows, kept)
            step(4)
            with sqlite_files.held_alone(db_path) as old:
                if _history_mark(old) != mark:
                    raise DatabaseBusy(
                        f"{db_path} was changed by another PerfDesk while it was being "
                        "refreshed; nothing was changed. Close the other PerfDesk and try again.")
                if os.name != "nt":
                    os.replace(staged, db_path)  # the old file has no -wal: nothing stale is left
            if os.name == "nt":  # Windows cannot replace a file held open: right after letting go
                os.replace(staged, db_path)
            sqlite_files.fsync_folder(db_path.parent)
        finally:
            sqlite_files.remove_with_sidecars(staged)
    log.info("refreshed %s from %s keeping %d local change(s)", db_path, master, len(kept))
    return RefreshResult(db_path, len(kept), False)


def _build(staged: Path, source: Path, identity: str, author: str, master_name: str,
           clock: Clock, log_rows: list[SyncExchange] | None = None,
           kept: list[Any] | None = None) -> None:
    """The refreshed laptop, complete and checked, in the file `staged`."""
    sqlite_files.remove_with_sidecars(staged)
    sqlite_files.copy_database(source, staged, source_read_only=True)
    laptop = open_database(staged, author=author, clock=clock)
    try:
        _become_copy(laptop, identity, author, "refreshed", master_name, log_rows)
        if kept:
            with laptop.write(author, record=False) as session:
                applier, tally = Applier(session, "", local_wins=True), Tally()
                applier.load(kept)
                for change in kept:
                    applier.apply(change, tally)
                applier.finish()
    finally:
        laptop.close()
    sqlite_files.make_self_contained(staged)
    check = backup_check.check_backup(staged)
    problem = check.problem or ("" if check.database_id == identity else
                                f"its identity is {check.database_id}, not {identity}")
    if not problem and kept:
        missing = _missing(staged, {c.id for c in kept})
        problem = f"{missing} change(s) made here were not put back" if missing else ""
    if problem:
        raise StorageFailure(f"The refreshed copy could not be checked ({problem}); "
                             "nothing was changed.")
    sqlite_files.fsync_file(staged)


def _missing(path: Path, ids: set[str]) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        held = {r[0] for r in conn.execute("SELECT id FROM change")}
        held |= {r[0] for r in conn.execute("SELECT change_id FROM sync_seen")}
    finally:
        conn.close()
    return len(ids - held)


def _history_mark(source: Session | sqlite3.Connection) -> tuple[int, int]:
    """How many changes the history holds, and the last one's rowid: any edit
    made meanwhile moves it."""
    query = "SELECT count(*), coalesce(max(rowid), 0) FROM change"
    if isinstance(source, sqlite3.Connection):
        row = source.execute(query).fetchone()
    else:
        row = source.execute(text(query)).one()
    return int(row[0]), int(row[1])


def _become_copy(
    db: Database, identity: str, author: str, kind: str, source_name: str,
    log_rows: list[SyncExchange] | None = None,
) -> None:
    """Give a copied database its own identity and a fresh exchange state
    (`restore.become_copy`, the one rule a restore of another database's
    backup follows too)."""
    with db.write(author, record=False) as session:
        restore.become_copy(session, identity, author, kind, source_name, log_rows)
    db.database_id = identity


def _refuse_other_master(session: Session, own: str, name: str) -> None:
    """Moving a laptop to another master is fine once it has sent everything;
    its unsent changes belong with the master it came from."""
    unsent = len(sync_state.unsent(session, own))
    if unsent:
        raise PerfDeskError(
            f"{name} is a copy of a different master from the one this database came from, "
            f"and {unsent} change{'s' if unsent != 1 else ''} made here "
            f"{'have' if unsent != 1 else 'has'} not been sent yet. Send them to your own "
            "master first (Send my updates); nothing was changed.")


def _master_facts(source: Path) -> tuple[str, set[str]]:
    """The master's family, and every change it holds or has seen (and
    perhaps decided against)."""
    master = open_database(source, read_only=True)
    try:
        with master.read() as session:
            return sync_state.family(session), sync_state.held_or_seen(session)
    finally:
        master.close()


def _all_changes(session: Session) -> list[Change]:
    return list(session.exec(select(Change).order_by(sync_state.change_rowid)).all())
