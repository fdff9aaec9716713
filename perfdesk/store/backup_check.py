"""Checking a backup file: can it be restored, and what does it hold?

Every file is checked before it is listed as restorable
(`list_backups(..., checked=True)`), before it is restored, and once a backup
has been written and before it is given its real name: it opens, SQLite's
integrity check passes, it is a PerfDesk database, and this PerfDesk can read
it. A check reads the file without changing it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from perfdesk.errors import DatabaseTooNew, NotPerfDeskDatabase, PerfDeskError
from perfdesk.store.sqlite_files import SQLITE_HEADER, cut_short, missing_schema


class BackupUnusable(NotPerfDeskDatabase):
    """A backup that cannot be restored: empty, cut short, damaged, or not
    a PerfDesk database at all."""


@dataclass(frozen=True)
class BackupCheck:
    """What a backup file holds, or why it cannot be restored."""

    path: Path
    problem: str = ""  # "" when it can be restored
    database_id: str = ""
    family: str = ""  # the master it belongs with (sync), else its own id
    schema: str = ""
    plans: tuple[str, ...] = ()
    too_new: bool = False

    @property
    def ok(self) -> bool:
        return not self.problem

    def describe_plans(self) -> str:
        if not self.plans:
            return "no plans"
        shown = ", ".join(self.plans[:4]) + (", …" if len(self.plans) > 4 else "")
        return f"{len(self.plans)} plan{'s' if len(self.plans) != 1 else ''} ({shown})"

    def refusal(self) -> PerfDeskError:
        message = f"{self.path} cannot be restored: {self.problem}; nothing was changed."
        return DatabaseTooNew(message) if self.too_new else BackupUnusable(message)


def check_backup(path: Path) -> BackupCheck:
    """Whether `path` can be restored, and what it holds - read without
    changing the file. Refused: missing, empty, left by a backup that was
    stopped (its rollback journal beside it), cut short, failing SQLite's
    integrity check, not a PerfDesk database, or from a newer PerfDesk."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return BackupCheck(path, "there is no such file")
    except OSError as exc:
        return BackupCheck(path, f"it cannot be read ({exc.strerror})")
    if size == 0:
        return BackupCheck(path, "it is empty (0 bytes), not a backup")
    journal = path.with_name(path.name + "-journal")
    if journal.is_file() and journal.stat().st_size > 0:
        return BackupCheck(path, "it is incomplete: the backup was stopped while it was being "
                                 f"written ({journal.name} is beside it)")
    if not header.startswith(SQLITE_HEADER):
        return BackupCheck(path, "it is not a PerfDesk database (not an SQLite file)")
    if len(header) < 100:
        return BackupCheck(path, f"it is cut short ({size} bytes)")
    short = cut_short(header, size)
    if short:
        return BackupCheck(path, short)
    wal = path.with_name(path.name + "-wal")
    immutable = "" if wal.is_file() and wal.stat().st_size > 0 else "&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{immutable}", uri=True)
    except sqlite3.Error as exc:
        return BackupCheck(path, f"it cannot be opened ({exc})")
    try:
        return _check_open(path, conn)
    except sqlite3.Error as exc:
        return BackupCheck(path, f"it is damaged ({exc})")
    finally:
        conn.close()


def _check_open(path: Path, conn: sqlite3.Connection) -> BackupCheck:
    from perfdesk.store import migrate  # imports Alembic's helpers lazily

    result = [r[0] for r in conn.execute("PRAGMA integrity_check(5)").fetchall()]
    if result != ["ok"]:
        return BackupCheck(path, f"it is damaged (SQLite's integrity check: {result[0]})")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "database_info" not in tables or "alembic_version" not in tables or "plan" not in tables:
        why = "it holds other tables" if tables else "it holds no tables"
        return BackupCheck(path, f"it is not a PerfDesk database ({why})")
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    schema = row[0] if row else ""
    known = migrate.known_revisions()
    if schema not in known:
        return BackupCheck(path, f"it was written by a newer PerfDesk (schema {schema}; this "
                                 f"PerfDesk reads up to schema {known[-1]}); update PerfDesk "
                                 "to restore it", schema=schema, too_new=True)
    missing = missing_schema(conn, tables) if schema == known[-1] else ""
    if missing:  # older schemas are checked once upgraded, on the staged copy
        return BackupCheck(path, f"it is incomplete: {missing}", schema=schema)
    row = conn.execute("SELECT id FROM database_info").fetchone()
    database_id = str(row[0]) if row else ""  # an old file gets one when it is opened
    family = ""
    if "sync_state" in tables:
        found = conn.execute("SELECT value FROM sync_state WHERE key = 'master'").fetchone()
        family = str(found[0]) if found and found[0] else ""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(plan)")}
    live = " WHERE deleted_at IS NULL" if "deleted_at" in columns else ""
    plans = tuple(str(r[0]) for r in conn.execute(
        f"SELECT short_name FROM plan{live} ORDER BY short_name"))
    return BackupCheck(path, "", database_id, family or database_id, schema, plans)
