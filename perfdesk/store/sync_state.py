"""What this database file knows about its exchanges: where its last bundle
ended, which incoming changes it has already seen, and the exchange log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnClause, func, literal_column
from sqlmodel import Session, col, select

from perfdesk.store.schema import Change, DatabaseInfo, SyncExchange, SyncSeen, SyncState

SENT_THROUGH = "sent_through"  # the change table's rowid the last bundle went up to
MASTER = "master"  # the identity of the master this file is a copy of
change_rowid: ColumnClause[Any] = literal_column("change.rowid")


def get(session: Session, key: str, default: str = "") -> str:
    row = session.get(SyncState, key)
    return row.value if row is not None else default


def put(session: Session, key: str, value: str) -> None:
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value


def own_id(session: Session) -> str:
    info = session.exec(select(DatabaseInfo)).first()
    return info.id if info is not None else ""


def family(session: Session) -> str:
    """The master this database belongs with: the one it was copied from,
    else itself. Bundles only travel within a family, so a database that was
    never a copy of the master cannot add its plans to it a second time."""
    return get(session, MASTER) or own_id(session)


def sent_through(session: Session) -> int:
    return int(get(session, SENT_THROUGH, "0") or 0)


def last_change_rowid(session: Session) -> int:
    return int(session.exec(select(func.max(change_rowid)).select_from(Change)).one() or 0)


def unsent(
    session: Session, database_id: str, after: int | None = None
) -> list[tuple[int, Change]]:
    """This database's own changes after the last bundle (or after `after`),
    oldest first."""
    after = sent_through(session) if after is None else after
    rows = session.exec(
        select(change_rowid, Change)
        .where(change_rowid > after, Change.database_id == database_id)
        .order_by(change_rowid)
    ).all()
    return [(int(rowid), change) for rowid, change in rows]


def count_unsent(session: Session, database_id: str) -> int:
    after = sent_through(session)
    return int(session.exec(
        select(func.count()).select_from(Change)
        .where(change_rowid > after, Change.database_id == database_id)
    ).one())


def known_change_ids(session: Session, ids: list[str]) -> set[str]:
    """Which of these incoming change ids this database has applied or seen."""
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(session.exec(select(Change.id).where(col(Change.id).in_(chunk))).all())
        found.update(session.exec(
            select(SyncSeen.change_id).where(col(SyncSeen.change_id).in_(chunk))
        ).all())
    return found


def held_or_seen(session: Session) -> set[str]:
    """Every change id this database has applied or seen."""
    held = set(session.exec(select(Change.id)).all())
    return held | set(session.exec(select(SyncSeen.change_id)).all())


def exchanges(session: Session) -> list[SyncExchange]:
    return list(session.exec(select(SyncExchange).order_by(col(SyncExchange.at).desc())).all())
