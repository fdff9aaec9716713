"""Send my updates: this database's own changes since its last bundle, written
as one bundle file. Nothing here changes the plans; the file only records
how far it has sent, so the next bundle starts after this one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from perfdesk import __version__
from perfdesk.errors import PerfDeskError
from perfdesk.services.sync.bundle import Bundle, BundleChange, write_bundle
from perfdesk.store import migrate, sync_state
from perfdesk.store.database import Database
from perfdesk.store.schema import Change, SyncExchange, new_id, utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    path: Path
    bundle_id: str
    changes: int


def travelling(change: Change) -> BundleChange:
    """A recorded change as a bundle carries it."""
    base = 0 if change.kind == "insert" else max(change.row_version - 1, 0)
    changed_at = change.changed_at
    if changed_at.tzinfo is None:  # SQLite hands UTC back without its zone
        changed_at = changed_at.replace(tzinfo=utc_now().tzinfo)
    return BundleChange(
        id=change.id, table=change.table_name, row_id=change.row_id, kind=change.kind,
        field=change.field, old=change.old_value, new=change.new_value, base_version=base,
        author=change.author, changed_at=changed_at.isoformat(), database_id=change.database_id,
    )


def unsent_count(session: Session) -> int:
    return sync_state.count_unsent(session, sync_state.own_id(session))


def unsent_on_a_copy(session: Session) -> int | None:
    """How many changes made here wait for the next bundle, on a copy of a
    master (None on a master itself, which has nobody to send to)."""
    if sync_state.family(session) == sync_state.own_id(session):
        return None
    return sync_state.count_unsent(session, sync_state.own_id(session))


def send(
    db: Database, out: Path, author: str | None = None, everything: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SendResult:
    """Write the changes made here since the last bundle (`everything`: since
    the start, for a bundle that went astray; the master ignores what it has).
    Refused, writing nothing, when there is nothing to send. `progress(done,
    total)` is called only before the bundle is written: one that raises (a
    cancel) leaves no file and changes nothing."""
    who = db.author if author is None else author
    with db.read() as session:
        own = sync_state.own_id(session)
        family = sync_state.family(session)
        rows = sync_state.unsent(session, own, after=0 if everything else None)
    if not rows:
        raise PerfDeskError("Nothing to send: no changes have been made here since the last "
                            "bundle. If a bundle went astray, send everything made here "
                            "again; the master ignores what it already has.")
    changes = []
    for number, (_, change) in enumerate(rows):
        if progress is not None and number % 1000 == 0:
            progress(number, len(rows))
        changes.append(travelling(change))
    if progress is not None:
        progress(len(rows), len(rows))
    bundle = Bundle(
        bundle_id=new_id(), created_at=utc_now().isoformat(), author=who, database_id=own,
        database_name=db.path.name if db.path else db.location, schema=migrate.head_revision(),
        perfdesk_version=__version__, changes=tuple(changes), family=family,
    )
    write_bundle(bundle, out)
    with db.write(who, record=False) as session:
        last = max(rowid for rowid, _ in rows)
        if last > sync_state.sent_through(session):
            sync_state.put(session, sync_state.SENT_THROUGH, str(last))
        session.add(SyncExchange(bundle_id=bundle.bundle_id, kind="sent", author=who,
                                 other_database="", file_name=out.name,
                                 changes=len(rows), applied=0, conflicts=0))
    log.info("sent %d changes in %s", len(rows), out)
    return SendResult(out, bundle.bundle_id, len(rows))
