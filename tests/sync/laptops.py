"""Helpers for the exchange tests: laptop copies of a master, edits made on
them as a head of service would, and a fingerprint of what the plans hold."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from perfdesk.cli.actions import find_action
from perfdesk.domain.status import Status
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.sync.copies import refresh
from perfdesk.store import queries
from perfdesk.store.database import Database, open_database
from perfdesk.store.edits import perform
from perfdesk.store.schema import SYNCED_TABLES, Action, SyncConflict, new_id

PLAN = "Children's Services"


def laptop(master: Path, folder: Path, name: str) -> Database:
    """A laptop's own copy, made the way a head of service gets one."""
    path = folder / f"{name}.sqlite"
    refresh(path, master, author=name)
    return open_database(path, author=name)


def separate_database(template: Path, path: Path) -> Path:
    """A database with the same plans that is not a copy of the master: as if
    someone ran `perfdesk demo` on their own laptop."""
    shutil.copy(template, path)
    db = open_database(path)
    with db.write(record=False) as session:
        session.execute(text("UPDATE database_info SET id = :id"), {"id": new_id()})
    db.close()
    return path


def action_id(db: Database, ref: str, plan: str = PLAN) -> str:
    with db.read() as session:
        return find_action(session, queries.find_plan(session, plan), ref).id


def set_text(db: Database, ref: str, field: str, value: str) -> None:
    target = action_id(db, ref)
    perform(db, f"{field} of {ref}",
            lambda s: action_edits.set_text(s, target, field, value))


def set_by_when(db: Database, ref: str, text: str) -> None:
    target = action_id(db, ref)
    perform(db, f"by when of {ref}", lambda s: action_edits.set_by_when(s, target, text))


def add_update(db: Database, ref: str, done: str, status: Status = Status.ON_TRACK) -> str:
    target = action_id(db, ref)
    update, _ = perform(db, f"update to {ref}", lambda s: action_edits.add_update(
        s, target, status=status, reported_on=dt.date(2023, 11, 1), author=db.author,
        done=done))
    return update.id


def action_field(db: Database, ref: str, field: str) -> str:
    with db.read() as session:
        return getattr(session.get(Action, action_id(db, ref)), field)


def pending(db: Database) -> list[SyncConflict]:
    with db.read() as session:
        return list(session.exec(
            select(SyncConflict).where(SyncConflict.resolved_at.is_(None))  # type: ignore[union-attr]
        ).all())


def fingerprint(db: Database) -> str:
    """Every synchronised row's values, ignoring bookkeeping (version, time of
    the last write), so two databases that hold the same plans match."""
    digest = hashlib.sha256()
    with db.read() as session:
        for table in SYNCED_TABLES:
            digest.update(_table_text(session, table).encode())
    return digest.hexdigest()


def _table_text(session: Session, table: type) -> str:
    rows = session.exec(select(table).order_by(table.id)).all()
    skip = {"version", "updated_at"}
    return "\n".join(
        repr(sorted((k, str(v)) for k, v in row.model_dump().items() if k not in skip))
        for row in rows
    )
