"""Edits: one user operation, one transaction, and how to reverse it.

`perform` runs an operation in its own write transaction and returns the
changes the history hook recorded for it. `reverse` undoes those changes in a
new transaction, itself recorded in the history: a field goes back to its old
value, an inserted row is tombstoned (an inserted progress update is withdrawn
instead, since updates are never erased), a tombstoned row is restored.
Reversing the reversal redoes the edit. Undo is therefore a property of the
data, not of the widget that made the edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session

from perfdesk.errors import Conflict
from perfdesk.store import history
from perfdesk.store.database import Database
from perfdesk.store.schema import SYNCED_TABLES, ProgressUpdate, Synced, utc_now
from perfdesk.store.values import column_value, same_value

T = TypeVar("T")
TABLES: dict[str, type[Synced]] = {t.__tablename__: t for t in SYNCED_TABLES}
UNDONE_REASON = "Undone"


@dataclass(frozen=True)
class RecordedChange:
    table: str
    row_id: str
    kind: str  # insert, update, delete, restore
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Edit:
    """What one operation changed, in order."""

    label: str
    changes: tuple[RecordedChange, ...]

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(c.table for c in self.changes)

    def row_ids(self, table: str) -> frozenset[str]:
        return frozenset(c.row_id for c in self.changes if c.table == table)

    def touches(self, table: str, *fields: str) -> bool:
        """Whether any row of `table` (or any of those fields of it) changed."""
        return any(
            c.table == table and (not fields or c.field in fields or c.kind == "insert")
            for c in self.changes
        )

    @property
    def structural(self) -> bool:
        """Rows were added, tombstoned or restored (lists need reloading)."""
        return any(c.kind != "update" for c in self.changes)


def perform(
    db: Database, label: str, operation: Callable[[Session], T], author: str | None = None
) -> tuple[T, Edit]:
    """Run `operation` as one committed transaction and say what it changed."""
    with db.write(author) as session:
        result = operation(session)
        session.flush()
        changes = tuple(_recorded(c) for c in history.recorded(session))
    return result, Edit(label, changes)


def reverse(db: Database, edit: Edit, author: str | None = None) -> Edit:
    """Undo `edit` in a new transaction. Refused, changing nothing, when a
    field has been changed again since (by this or another window)."""

    def undo(session: Session) -> None:
        now = utc_now()
        who = db.author if author is None else author
        for change in reversed(edit.changes):
            _reverse_one(session, edit.label, change, now, who)

    _, done = perform(db, edit.label, undo, author)
    return done


def _reverse_one(
    session: Session, label: str, change: RecordedChange, now: dt.datetime, who: str
) -> None:
    model = TABLES.get(change.table)
    if model is None:
        raise Conflict(f"“{label}” cannot be undone: it changed {change.table} rows.")
    row = session.get(model, change.row_id)
    if row is None:
        raise Conflict(f"“{label}” cannot be undone: the {change.table} row has gone.")
    if change.kind == "insert":
        if isinstance(row, ProgressUpdate):
            if row.withdrawn_at is None:
                row.withdrawn_at, row.withdrawn_by = now, who
                row.withdrawn_reason = UNDONE_REASON
        elif row.deleted_at is None:
            row.deleted_at = now
        return
    current = getattr(row, change.field)
    if not same_value(current, change.new):
        raise Conflict(
            f"“{label}” cannot be undone: {_describe(change)} has been changed again since "
            f"(it is now {history.as_text(current) or 'blank'}). Nothing was changed."
        )
    setattr(row, change.field, column_value(model, change.field, change.old))


def _describe(change: RecordedChange) -> str:
    return f"the {change.field.replace('_', ' ')} of this {change.table.replace('_', ' ')}"


def _recorded(row: Any) -> RecordedChange:
    return RecordedChange(
        row.table_name, row.row_id, row.kind, row.field, row.old_value, row.new_value
    )
