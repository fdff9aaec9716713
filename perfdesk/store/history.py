"""Change history, recorded as the session flushes.

Every insert, field change, tombstone and restore of a synchronised row adds
`Change` rows in the same transaction as the change itself, and bumps the
row's version. Hard deletes are refused: a deletion must be a tombstone.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from perfdesk.store.schema import Change, Synced, utc_now

_UNTRACKED = frozenset({"version", "updated_at"})


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):  # an enumerated column: its stored word
        return str(value.value)
    return str(value)


def _row_snapshot(obj: Synced) -> str:
    values = {c.key: as_text(getattr(obj, c.key)) for c in inspect(obj).mapper.column_attrs}
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    author = session.info.get("author", "")
    database_id = session.info.get("database_id", "")
    now = utc_now()

    recorded = session.info.setdefault("recorded", [])

    def change(obj: Synced, kind: str, field: str = "", old: Any = None, new: Any = None) -> None:
        row = Change(
            changed_at=now, author=author, database_id=database_id,
            table_name=obj.__tablename__, row_id=obj.id, kind=kind, field=field,
            old_value=as_text(old), new_value=as_text(new),
            row_version=obj.version,
        )
        session.add(row)
        recorded.append(row)

    for obj in list(session.deleted):
        if isinstance(obj, Synced | Change):
            raise RuntimeError(f"rows of {obj.__tablename__} are never deleted; set deleted_at")
    for obj in list(session.dirty):
        if isinstance(obj, Change) and session.is_modified(obj):
            raise RuntimeError("recorded changes are never altered")
        if not isinstance(obj, Synced) or not session.is_modified(obj):
            continue
        state = inspect(obj)
        changed = []
        for attr in state.mapper.column_attrs:
            if attr.key in _UNTRACKED:
                continue
            hist = state.attrs[attr.key].history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old == new:
                continue
            changed.append((attr.key, old, new))
        if not changed:
            continue
        obj.version = (obj.version or 1) + 1
        obj.updated_at = now
        for key, old, new in changed:
            if key == "deleted_at":
                change(obj, "delete" if new is not None else "restore", key, old, new)
            else:
                change(obj, "update", key, old, new)
    for obj in list(session.new):
        if isinstance(obj, Synced):
            obj.updated_at = now
            change(obj, "insert", new=_row_snapshot(obj))


def recorded(session: Session) -> list[Change]:
    """The changes this session has recorded so far, in order (flush first)."""
    return list(session.info.get("recorded", []))


def install(session: Session) -> None:
    """Record changes made through this session."""
    if not event.contains(session, "before_flush", _before_flush):
        event.listen(session, "before_flush", _before_flush)
