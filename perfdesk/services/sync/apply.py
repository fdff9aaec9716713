"""Applying changes that were recorded in another copy of the database.

Each change is a three-way decision on one field: the value it was made
from (`old`), the value it set (`new`), and this database's value now.

- Already `new`: nothing to do (seen).
- Still `old`: nobody here changed it since the common value - applied.
- Anything else: both sides changed it. On the master this is a conflict,
  held in `sync_conflict` for a person to decide; on a laptop refreshing
  from the master, its own unsent change stays on top (`local_wins`).

A copy's run of changes to one field is judged as a whole, from the value it
started from. If its first change found this database already holding the
same value (someone else set it), a later change of that copy is not a
follow-up of this database's value but a different wish: a conflict, judged
from where the copy began (as a three-way merge of the two ends would).

Progress updates are only ever added (a mistaken one is withdrawn), so they
never conflict; nor does a row's place in a list (this database's order
stands). Deleting and restoring are states, not values: the change
applies unless the row is already in that state. Two copies adding the
same link or the same period's figure are matched by what they mean, not by
their ids. An applied change keeps its own id, author and time in this
database's history, so a second receipt finds it and does nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final

from sqlalchemy import insert
from sqlmodel import Session, col, select

from perfdesk.services.sync.bundle import BundleChange
from perfdesk.store import sync_state
from perfdesk.store.edits import TABLES
from perfdesk.store.history import as_text
from perfdesk.store.schema import (
    Change,
    ProgressUpdate,
    SyncConflict,
    Synced,
    SyncSeen,
    utc_now,
)
from perfdesk.store.values import column_value, same_value

# Rows that mean the same thing when these fields agree, whatever their ids.
SAME_MEANING: dict[str, tuple[str, ...]] = {
    "action_lead": ("action_id", "lead_id"),
    "measure_action": ("measure_id", "action_id"),
    "measure_value": ("measure_id", "period"),
    "benchmark": ("measure_id", "period", "comparator"),
}
# For those that carry a figure: the field that collides when the figures differ.
FIGURE_FIELD = {"measure_value": "value", "benchmark": "value"}
# Where a row sits in a list is not worth a person's decision: when both sides
# moved it, this database's order stands.
ORDER_FIELDS = frozenset({"display_order"})

APPLIED, SAME, CONFLICT, MISSING = "applied", "same", "conflict", "missing"


class _Held(Enum):
    ADDED = "added"  # a new row held back to be written in one plain INSERT (see _insert)


_ADDED: Final = _Held.ADDED


@dataclass
class Tally:
    """What happened to one bundle's changes."""

    applied: int = 0
    same: int = 0
    missing: int = 0  # still waiting for their row once every bundle was tried (receive)
    conflicts: list[int] = field(default_factory=list)  # SyncConflict ids, new or extended

    def count(self, outcome: str, conflict_id: int | None = None) -> None:
        if outcome == APPLIED:
            self.applied += 1
        elif outcome == SAME:
            self.same += 1
        elif outcome == CONFLICT and conflict_id is not None and conflict_id not in self.conflicts:
            self.conflicts.append(conflict_id)


class Applier:
    """Applies changes in one write transaction opened with `record=False`."""

    def __init__(self, session: Session, bundle_id: str, *, local_wins: bool = False) -> None:
        self.session = session
        self.bundle_id = bundle_id
        self.local_wins = local_wins
        self.now = utc_now()
        self.rows: dict[tuple[str, str], Synced | _Held | None] = {}
        self._history: list[dict[str, Any]] = []
        self._seen: list[dict[str, Any]] = []
        self._added: dict[type[Synced], list[dict[str, Any]]] = {}
        # (table, row, field, copy) -> the value that copy started from, when its
        # change found the value already here, set by someone else.
        self._met_here: dict[tuple[str, str, str, str], str | None] = {}

    def load(self, changes: list[BundleChange]) -> None:
        """Fetch every row these changes touch in a few queries, not one each."""
        wanted: dict[str, set[str]] = {}
        for change in changes:
            wanted.setdefault(change.table, set()).add(change.row_id)
        for table, ids in wanted.items():
            model = TABLES[table]
            listed = sorted(ids)
            for start in range(0, len(listed), 500):
                chunk = listed[start:start + 500]
                query = select(model).where(col(model.id).in_(chunk))
                for row in self.session.exec(query):
                    self.rows[(table, row.id)] = row

    def apply(self, change: BundleChange, tally: Tally) -> str:
        """Apply one change (after `load` of the batch it belongs to); say
        what became of it. A change whose row, or whose row's parent, has
        not arrived here is MISSING: nothing is recorded, so it applies when
        it is offered again after the change that brings that row."""
        model = TABLES[change.table]
        row = self.rows.get((change.table, change.row_id))
        if row is _ADDED:  # a later change to a row this batch added: write it first
            self._write_added()
            row = self.rows[(change.table, change.row_id)] = self.session.get(
                model, change.row_id)
        if change.kind == "insert":
            outcome, conflict = self._insert(model, row, change)
        elif row is None:
            outcome, conflict = MISSING, None
        elif change.kind in ("delete", "restore"):
            outcome, conflict = self._state(row, change), None
        else:
            outcome, conflict = self._update(model, row, change)
        tally.count(outcome, conflict)
        if outcome == APPLIED:
            self._keep_history(change)
        elif outcome != MISSING:
            self._seen.append({"change_id": change.id, "bundle_id": self.bundle_id,
                               "outcome": outcome, "conflict_id": conflict})
        return outcome

    def finish(self) -> None:
        """Write the history and seen rows gathered (plain inserts: many, cheap)."""
        self.session.flush()
        self._write_added()
        if self._history:
            self.session.execute(insert(Change), self._history)
        if self._seen:
            self.session.execute(insert(SyncSeen), self._seen)
        self._history, self._seen = [], []

    # ---------------------------------------------------------------- kinds

    def _insert(
        self, model: type[Synced], row: Synced | None, change: BundleChange
    ) -> tuple[str, int | None]:
        if row is not None:
            return SAME, None
        recorded = change.row_values()
        values = {k: column_value(model, k, v) for k, v in recorded.items()}
        if not self._parents_here(model, values):
            return MISSING, None
        twin = self._same_meaning(model, change.table, values)
        if twin is not None:
            figure = FIGURE_FIELD.get(change.table)
            if figure is None:
                return SAME, None  # the same link: already here
            if self.local_wins:
                self._set(twin, figure, values[figure])
                return APPLIED, None
            if same_value(getattr(twin, figure), recorded.get(figure)):
                return SAME, None
            return CONFLICT, self._conflict(twin, figure, None, recorded.get(figure), change)
        values["version"] = 1
        values["updated_at"] = self.now
        if change.table not in SAME_MEANING and set(values) == self._columns(model):
            # Most of a big bundle: whole new rows no query here looks for by
            # meaning. One plain INSERT for them all, not an ORM object each.
            self._added.setdefault(model, []).append(values)
            self.rows[(change.table, change.row_id)] = _ADDED
            return APPLIED, None
        added = model(**values)
        self.session.add(added)
        self.rows[(change.table, change.row_id)] = added
        return APPLIED, None

    @staticmethod
    def _columns(model: type[Synced]) -> set[str]:
        return set(model.__table__.c.keys())

    def _write_added(self) -> None:
        for model, rows in self._added.items():
            self.session.execute(insert(model), rows)
        self._added = {}

    def _state(self, row: Synced, change: BundleChange) -> str:
        wanted = column_value(type(row), "deleted_at", change.new)
        if (row.deleted_at is None) == (wanted is None):
            return SAME
        self._set(row, "deleted_at", wanted)
        return APPLIED

    def _update(
        self, model: type[Synced], row: Synced, change: BundleChange
    ) -> tuple[str, int | None]:
        current = getattr(row, change.field)
        run = (change.table, change.row_id, change.field, change.database_id)
        if not self.local_wins and run in self._met_here and same_value(current, change.old):
            return self._after_meeting(row, change, self._met_here.pop(run))
        if same_value(current, change.new):
            if not self.local_wins and not same_value(current, change.old):
                self._met_here[run] = change.old
            return SAME, None
        if self.local_wins or same_value(current, change.old):
            self._set(row, change.field, column_value(model, change.field, change.new))
            return APPLIED, None
        if isinstance(row, ProgressUpdate) or change.field in ORDER_FIELDS:
            return SAME, None  # append-only (a withdrawal here stands), or only an order
        return CONFLICT, self._conflict(row, change.field, change.old, change.new, change)

    def _after_meeting(
        self, row: Synced, change: BundleChange, began: str | None
    ) -> tuple[str, int | None]:
        """A copy changes on a value it had reached on its own, which this
        database had also reached: compare where the copy began with where
        it ends. Back where it began: this database's value stands."""
        if same_value(change.new, began) or isinstance(row, ProgressUpdate) \
                or change.field in ORDER_FIELDS:
            return SAME, None
        return CONFLICT, self._conflict(row, change.field, began, change.new, change)

    # ---------------------------------------------------------------- helpers

    def _set(self, row: Synced, name: str, value: Any) -> None:
        setattr(row, name, value)
        row.version = (row.version or 1) + 1
        row.updated_at = self.now

    def _parents_here(self, model: type[Synced], values: dict[str, Any]) -> bool:
        """Whether every row this new row refers to is here (an action for an
        update, a plan for an action...)."""
        for key in model.__table__.foreign_keys:
            value = values.get(key.parent.name)
            target = key.column.table.name
            if value is None or (target, value) in self.rows:
                continue
            parent_model = TABLES.get(target)
            parent = self.session.get(parent_model, value) if parent_model else None
            if parent is None:
                return False
            self.rows[(target, value)] = parent
        return True

    def _same_meaning(
        self, model: type[Synced], table: str, values: dict[str, Any]
    ) -> Synced | None:
        keys = SAME_MEANING.get(table)
        if keys is None:
            return None
        query = select(model).where(col(model.deleted_at).is_(None))
        for key in keys:
            query = query.where(getattr(model, key) == values.get(key))
        return self.session.exec(query).first()

    def _conflict(
        self, row: Synced, name: str, base: str | None, incoming: str | None,
        change: BundleChange,
    ) -> int:
        """A new pending conflict, or the pending one this change carries on
        (the same copy changing the same field again)."""
        table = row.__tablename__
        carried_on = self.session.exec(
            select(SyncConflict).where(
                SyncConflict.table_name == table, SyncConflict.row_id == row.id,
                SyncConflict.field == name, col(SyncConflict.resolved_at).is_(None),
                SyncConflict.incoming_database == change.database_id,
                SyncConflict.incoming_value == base,
            )
        ).first()
        at = dt.datetime.fromisoformat(change.changed_at)
        if carried_on is not None:
            carried_on.incoming_value, carried_on.incoming_at = incoming, at
            carried_on.incoming_author = change.author
            self.session.flush()
            assert carried_on.id is not None
            return carried_on.id
        conflict = SyncConflict(
            bundle_id=self.bundle_id, table_name=table, row_id=row.id, field=name,
            base_value=base, master_value=as_text(getattr(row, name)),
            incoming_value=incoming, incoming_author=change.author, incoming_at=at,
            incoming_database=change.database_id, detected_at=self.now,
        )
        self.session.add(conflict)
        self.session.flush()
        assert conflict.id is not None
        return conflict.id

    def _keep_history(self, change: BundleChange) -> None:
        self._history.append({
            "id": change.id, "changed_at": dt.datetime.fromisoformat(change.changed_at),
            "author": change.author, "database_id": change.database_id,
            "table_name": change.table, "row_id": change.row_id, "kind": change.kind,
            "field": change.field, "old_value": change.old, "new_value": change.new,
            "row_version": 1 if change.kind == "insert" else change.base_version + 1,
        })


def unknown_changes(session: Session, changes: list[BundleChange]) -> list[BundleChange]:
    """The changes this database has neither applied nor seen, in order, each once."""
    known = sync_state.known_change_ids(session, [c.id for c in changes])
    fresh = []
    for change in changes:
        if change.id not in known:
            known.add(change.id)
            fresh.append(change)
    return fresh
