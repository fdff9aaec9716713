"""`perfdesk check`: is the database sound, and which schema is it on?"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from perfdesk.store import migrate
from perfdesk.store.database import Database, translate
from perfdesk.store.enum_text import unknown_words
from perfdesk.store.schema import SYNCED_TABLES


@dataclass
class CheckReport:
    schema: str | None
    head: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def invariant_problems(conn: Connection) -> list[str]:
    """The rules every PerfDesk database keeps, checked on `conn`: inside a
    caller's write transaction this sees its uncommitted changes, so outside
    data (a bundle) can be refused before it is committed."""
    problems = []
    if conn.dialect.name == "sqlite":
        for row in conn.execute(text("PRAGMA foreign_key_check")):
            problems.append(f"broken reference in {row[0]} row {row[1]} to {row[2]}")
    tombstoned_parents = conn.execute(text(
        "SELECT a.ref FROM action a JOIN plan p ON p.id = a.plan_id "
        "WHERE a.deleted_at IS NULL AND p.deleted_at IS NOT NULL"
    )).fetchall()
    for (ref,) in tombstoned_parents:
        problems.append(f"action {ref} is live but its plan is deleted")
    return problems


def check_database(db: Database) -> CheckReport:
    """A file too damaged for SQLite to read through is refused in plain
    words (NotPerfDeskDatabase), like any damaged file PerfDesk opens."""
    try:
        return _check(db)
    except (DBAPIError, sqlite3.Error) as exc:
        error = translate(exc, db.location)
        if error is exc:
            raise
        raise error from exc


def _check(db: Database) -> CheckReport:
    with db.engine.connect() as conn:
        schema = db.upgraded_from or migrate.current_revision(conn)
        report = CheckReport(schema=schema, head=migrate.head_revision())
        if db.engine.dialect.name == "sqlite":
            for (line,) in conn.execute(text("PRAGMA integrity_check")):
                if line != "ok":
                    report.problems.append(f"integrity: {line}")
        report.problems += invariant_problems(conn)
        report.problems += unknown_words(conn, (model.__table__ for model in SYNCED_TABLES))
    if schema != report.head and not db.upgraded_from:  # older is fine: upgraded when changed
        report.problems.append(f"schema {schema} is not this PerfDesk's schema {report.head}")
    return report
