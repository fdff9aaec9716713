"""`perfdesk check`: is the database sound, and which schema is it on?"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from perfdesk.store import migrate
from perfdesk.store.database import Database


@dataclass
class CheckReport:
    schema: str | None
    head: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(db: Database) -> CheckReport:
    with db.engine.connect() as conn:
        schema = migrate.current_revision(conn)
        report = CheckReport(schema=schema, head=migrate.head_revision())
        if db.engine.dialect.name == "sqlite":
            for (line,) in conn.execute(text("PRAGMA integrity_check")):
                if line != "ok":
                    report.problems.append(f"integrity: {line}")
            for row in conn.execute(text("PRAGMA foreign_key_check")):
                report.problems.append(f"broken reference in {row[0]} row {row[1]} to {row[2]}")
        tombstoned_parents = conn.execute(text(
            "SELECT a.ref FROM action a JOIN plan p ON p.id = a.plan_id "
            "WHERE a.deleted_at IS NULL AND p.deleted_at IS NOT NULL"
        )).fetchall()
        for (ref,) in tombstoned_parents:
            report.problems.append(f"action {ref} is live but its plan is deleted")
    if schema != report.head:
        report.problems.append(f"schema {schema} is not this PerfDesk's schema {report.head}")
    return report
