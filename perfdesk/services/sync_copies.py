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
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, text, update
from sqlmodel import Session, select

from perfdesk.errors import PerfDeskError
from perfdesk.services.sync_apply import Applier, Tally
from perfdesk.services.sync_send import travelling
from perfdesk.store import backup, sync_state
from perfdesk.store.database import Database, open_database
from perfdesk.store.schema import (
    Change,
    SyncConflict,
    SyncExchange,
    SyncSeen,
    new_id,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshResult:
    path: Path
    kept: int  # local changes put back on top
    created: bool  # the laptop copy was made by this refresh


def publish(db: Database, out: Path, author: str | None = None) -> Path:
    """A copy of this database for laptops to refresh from (or start with)."""
    if db.path is None:
        raise PerfDeskError(f"{db.location} is not a database file; only a file can be published.")
    if out.resolve() == db.path.resolve():
        raise PerfDeskError("Publish to another file: that is the master itself.")
    with tempfile.TemporaryDirectory(prefix="perfdesk-publish-", dir=out.parent) as scratch:
        copy = Path(scratch) / out.name
        backup.copy_database(db.path, copy, source_read_only=True)
        published = open_database(copy, author=db.author)
        try:
            _become_copy(published, new_id(), author or db.author, "published", db.path.name)
        finally:
            published.close()
        copy.replace(out)
    with db.write(author, record=False) as session:
        session.add(SyncExchange(kind="published", author=author or db.author,
                                 file_name=out.name))
    log.info("published %s to %s", db.path, out)
    return out


def refresh(db_path: Path, master: Path, author: str = "") -> RefreshResult:
    """Make the laptop database at `db_path` the master's plans plus its own
    changes the master has not got (creating it from the master when it does not exist yet).
    The laptop is backed up first; if anything fails it is put back."""
    master, db_path = Path(master), Path(db_path)
    if not master.is_file():
        raise PerfDeskError(f"No master file at {master}; nothing was changed.")
    if db_path.exists() and db_path.resolve() == master.resolve():
        raise PerfDeskError("That is this database itself: choose the master's published file.")
    with tempfile.TemporaryDirectory(prefix="perfdesk-refresh-") as scratch:
        source = backup.checked_source(master, Path(scratch))
        if not db_path.exists():
            backup.copy_database(source, db_path, source_read_only=True)
            laptop = open_database(db_path, author=author)
            try:
                _become_copy(laptop, new_id(), author, "refreshed", master.name)
            finally:
                laptop.close()
            return RefreshResult(db_path, 0, True)
        master_family, master_ids = _master_facts(source)
        laptop = open_database(db_path, author=author)
        try:
            with laptop.read() as session:
                own = sync_state.own_id(session)
                if sync_state.family(session) != master_family:
                    _refuse_other_master(session, own, master.name)
                    kept = []  # everything was sent to its own master: nothing to keep
                else:
                    kept = [travelling(c) for c in _all_changes(session)
                            if c.id not in master_ids]
                log_rows = [SyncExchange(**r.model_dump()) for r in sync_state.exchanges(session)]
        finally:
            laptop.close()
        before = backup.backup(db_path, "before-refresh")
        try:
            backup.copy_database(source, db_path, source_read_only=True)
            laptop = open_database(db_path, author=author)
            try:
                _become_copy(laptop, own, author, "refreshed", master.name, log_rows)
                with laptop.write(author, record=False) as session:
                    applier, tally = Applier(session, "", local_wins=True), Tally()
                    applier.load(kept)
                    for change in kept:
                        applier.apply(change, tally)
                    applier.finish()
            finally:
                laptop.close()
        except BaseException:
            log.exception("refresh failed; putting %s back", db_path)
            backup.copy_database(before, db_path, source_read_only=True)
            raise
    log.info("refreshed %s from %s keeping %d local change(s)", db_path, master, len(kept))
    return RefreshResult(db_path, len(kept), False)


def _become_copy(
    db: Database, identity: str, author: str, kind: str, source_name: str,
    log_rows: list[SyncExchange] | None = None,
) -> None:
    """Give a copied database its own identity and a fresh exchange state: it
    has sent nothing, holds none of the master's pending decisions, and its
    next bundle starts after everything it was copied with. It keeps the
    master's list of changes seen but not applied, so a laptop refreshing
    from it does not put back a change the master has already decided."""
    with db.write(author, record=False) as session:
        family = sync_state.family(session)  # the copied master's, before the identity changes
        session.execute(text("UPDATE database_info SET id = :id"), {"id": identity})
        sync_state.put(session, sync_state.MASTER, family)
        session.execute(update(SyncSeen).values(conflict_id=None))  # the master's to decide
        for table in (SyncConflict, SyncExchange):
            session.execute(delete(table))
        session.add_all(log_rows or [])
        session.add(SyncExchange(kind=kind, author=author, file_name=source_name))
        sync_state.put(session, sync_state.SENT_THROUGH, str(sync_state.last_change_rowid(session)))
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
