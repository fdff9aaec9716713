"""Backups through SQLite's online backup API - never a copy of a live file.

A backup is `<stem>-backups/<stem>-<YYYYmmdd-HHMMSS-ffffff>-<reason>.sqlite`
beside the database. It is written under a temporary name in that folder
(`.<name>.<pid>.part`, which no listing matches), checked (it opens, SQLite's
integrity check passes, it is a PerfDesk database), made durable, and only
then renamed to its real name: a backup that was stopped part-way is never
listed or restored, and the next one clears it away.

Backups are thinned by age after each one is taken
(`perfdesk.domain.backup_policy`), by the numbers in `keep.json` in that
folder when they have been set (`set_policy`); a restore first backs up the
state it replaces, so it can itself be undone. Every file is checked again
before it is listed as restorable (`list_backups(..., checked=True)`) and
before it is restored.

Time is an input here: every function that names or thins backups takes
`now` from its caller (a `Database`'s `db.now()`, or the real clock at the
command line and window edges).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from perfdesk.domain.backup_policy import KeepPolicy, backups_to_keep
from perfdesk.errors import (
    DatabaseBusy,
    DatabaseTooNew,
    NotFound,
    NotPerfDeskDatabase,
    PerfDeskError,
    StorageFailure,
)
from perfdesk.files import write_atomically

log = logging.getLogger(__name__)
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>.+)\.sqlite")
_SIDECARS = ("-wal", "-shm", "-journal")
# A file being written under a temporary name: `.NAME.PURPOSE.PID.part` (+ SQLite's sidecars).
_TEMPORARY = re.compile(r"\..+\.(?P<pid>\d+)\.part(?:-wal|-shm|-journal)?")
POLICY_FILE = "keep.json"  # how many backups to keep, beside them
SQLITE_HEADER = b"SQLite format 3\x00"


class BackupUnusable(NotPerfDeskDatabase):
    """A backup that cannot be restored: empty, cut short, damaged, or not
    a PerfDesk database at all."""


class OtherDatabasesBackup(PerfDeskError):
    """The backup is of another database (another identity): restoring it
    needs a decision about whose identity this database keeps."""

    def __init__(self, message: str, check: BackupCheck, own_id: str) -> None:
        super().__init__(message)
        self.check = check
        self.own_id = own_id


class Identity(enum.Enum):
    """Whose identity a database keeps when another database's backup is
    restored into it (a backup of this same database needs no decision)."""

    REFUSE = "refuse"  # do not restore another database's backup
    KEEP = "keep"  # keep this database's identity: it becomes a copy of that one
    TAKE = "take"  # take the backup's identity: only when that database is gone for good


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


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int
    problem: str = ""  # set by a checked listing when the file cannot be restored
    plans: tuple[str, ...] = field(default=())

    @property
    def usable(self) -> bool:
        return not self.problem

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"path": str(self.path), "taken_at": self.taken_at.isoformat(),
                                 "reason": self.reason, "size": self.size,
                                 "plans": list(self.plans)}
        if self.problem:
            found["problem"] = self.problem
        return found


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / f"{db_path.stem}-backups"


def backup(db_path: Path, reason: str, now: dt.datetime) -> Path:
    """Copy the database consistently into its backups folder, thin the
    folder by age (the newest, this one, is always kept); return the copy."""
    target = _take(db_path, reason, now)
    prune(db_path, now)
    return target


def list_backups(db_path: Path, *, checked: bool = False) -> list[BackupInfo]:
    """The database's backups, newest first (files not named by us are ignored,
    and so are temporary files of a backup still being written or stopped).

    `checked` opens each one and checks it (`check_backup`): a file that
    cannot be restored then carries its `problem` and is never to be offered."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    prefix = f"{db_path.stem}-"
    found = []
    for path in folder.glob("*.sqlite"):
        match = _NAME.fullmatch(path.name[len(prefix):]) if path.name.startswith(prefix) else None
        if match is None or not path.is_file():
            continue
        try:
            taken_at = dt.datetime.strptime(match["stamp"], STAMP_FORMAT)
        except ValueError:
            continue
        info = BackupInfo(path, taken_at, match["reason"], path.stat().st_size)
        if checked:
            check = check_backup(path)
            info = replace(info, problem=check.problem, plans=check.plans)
        found.append(info)
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def usable_backups(db_path: Path) -> list[BackupInfo]:
    """The backups that can be restored, newest first: `perfdesk backups`
    numbers these, and only these are offered for restore."""
    return [b for b in list_backups(db_path, checked=True) if b.usable]


def policy_file(db_path: Path) -> Path:
    return backup_folder(db_path) / POLICY_FILE


def read_policy(db_path: Path) -> KeepPolicy:
    """How many backups of this database to keep (the default unless set).
    An unreadable setting falls back to the default: thinning must never
    stop a backup, and the default keeps plenty."""
    path = policy_file(db_path)
    if not path.is_file():
        return KeepPolicy()
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
        return KeepPolicy(days=int(values["days"]), weeks=int(values["weeks"]),
                          months=None if values.get("months") is None else int(values["months"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring %s (%s); keeping backups by the default policy", path, exc)
        return KeepPolicy()


def set_policy(db_path: Path, policy: KeepPolicy, now: dt.datetime) -> list[Path]:
    """Keep backups of this database by `policy` from now on; thin them now
    (returns what was removed)."""
    folder = backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageFailure(f"The backup folder {folder} cannot be made: {exc.strerror}.") from exc
    text = json.dumps(asdict(policy), indent=1)
    write_atomically(policy_file(db_path), lambda handle: handle.write(text.encode("utf-8")))
    return prune(db_path, now)


def prune(db_path: Path, now: dt.datetime, **policy: Any) -> list[Path]:
    """Delete the backups the policy drops (see `backups_to_keep`); return
    them. The database's own policy applies unless one is given."""
    backups = list_backups(db_path)
    chosen = policy or asdict(read_policy(db_path))
    keep = backups_to_keep([b.taken_at for b in backups], now, **chosen)
    removed = []
    for info in backups:
        if info.taken_at in keep:
            continue
        try:
            info.path.unlink()
            for sidecar in _SIDECARS:
                info.path.with_name(info.path.name + sidecar).unlink(missing_ok=True)
        except OSError as exc:  # thinning is housekeeping: never fail the caller's work
            log.warning("could not remove old backup %s: %s", info.path, exc)
            continue
        removed.append(info.path)
    if removed:
        log.info("removed %d old backup(s) of %s", len(removed), db_path)
    return removed


# --- checking a file ------------------------------------------------------------


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
    short = _cut_short(header, size)
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


def _cut_short(header: bytes, size: int) -> str:
    """The file is shorter than its header says it is (a copy cut off)."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]  # the page count is trusted only then
    if page_size < 512 or page_size & (page_size - 1):
        return "it is damaged (its header is not a valid SQLite header)"
    if valid and pages and size < pages * page_size:
        return f"it is cut short ({size} of {pages * page_size} bytes): an incomplete copy"
    return ""


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
    missing = _missing(conn, tables) if schema == known[-1] else ""
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


def _missing(conn: sqlite3.Connection, tables: set[str]) -> str:
    """The tables or columns this PerfDesk's schema has that the file lacks
    ("" when it has them all)."""
    from sqlmodel import SQLModel

    import perfdesk.store.schema  # noqa: F401 - the tables, on SQLModel.metadata

    expected = SQLModel.metadata.tables
    absent = sorted(set(expected) - tables)
    if absent:
        return f"it has no {', '.join(absent)} table{'s' if len(absent) > 1 else ''}"
    for name, table in sorted(expected.items()):
        have = {r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')}
        lacking = sorted(c.name for c in table.columns if c.name not in have)
        if lacking:
            return f"its {name} table has no {', '.join(lacking)} column"
    return ""


def own_identity(db_path: Path) -> str:
    """This database file's identity, read without changing it ("" when it
    cannot be read: a damaged database is restored without asking)."""
    try:
        conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT id FROM database_info").fetchone()
            return str(row[0]) if row else ""
        finally:
            conn.close()
    except sqlite3.Error:
        return ""


# --- restoring --------------------------------------------------------------------


def restore(db_path: Path, backup_path: Path, now: dt.datetime, *,
            identity: Identity = Identity.REFUSE, author: str = "") -> Path:
    """Put a backup's contents into the database; return the backup of the
    state it replaced ("before-restore"), which restoring undoes this - or,
    when the database was damaged, the copy of the damaged file that was
    kept (`is_damaged_copy`).

    The database is never opened as PerfDesk opens it, so a damaged one (empty,
    cut short, corrupt pages) can still be restored: that is when a restore is
    needed most. The backup is checked first (`check_backup`); if it is
    refused, nothing is written anywhere. A backup of another database is
    refused unless `identity` says whose identity to keep (see `Identity`).

    Whose backup it is, when the database is damaged and its identity cannot
    be read: the database is taken to be what its own newest usable backup
    (in `<stem>-backups/` beside it) says it was, so restoring the latest
    backup of what was this database asks nothing. A backup from elsewhere,
    when there is no backup of its own to compare with, needs a decision:
    KEEP then makes the database a copy of that one under a new identity of
    its own, TAKE takes the backup's.

    Crash-safe: the backup is copied to a temporary file beside the database,
    upgraded and checked there. A sound database is then replaced page by
    page through SQLite's backup API in ONE write transaction, so it is at
    every instant either all the old contents or all the new (a reader with
    a transaction open keeps seeing the old until it ends). A damaged one is
    first copied whole (with its -wal/-journal) to
    `<stem>-backups/<stem>-damaged-<stamp>.sqlite`, which is never thinned;
    then its stale -wal/-shm/-journal are removed and the checked copy is
    renamed over it (os.replace), so the database's name always holds either
    the damaged file or the restored one."""
    backup_path, db_path = Path(backup_path), Path(db_path)
    if not db_path.is_file():
        raise NotFound(f"No database at {db_path} to restore into; nothing was changed.")
    if backup_path.exists() and backup_path.resolve() == db_path.resolve():
        raise PerfDeskError(f"{backup_path} is the database itself; nothing was changed.")
    if not backup_path.is_file():
        raise NotFound(f"No backup file at {backup_path}; nothing was changed.")
    check = check_backup(backup_path)
    if not check.ok:
        raise check.refusal()
    live = inspect_live(db_path)  # refuses another application's file, or a newer PerfDesk's
    own = live.identity
    if not own and live.damaged:
        own = _identity_from_own_backups(db_path)
    unknown = live.damaged and not own and bool(check.database_id)
    other = unknown or (bool(own) and bool(check.database_id) and check.database_id != own)
    if other and identity is Identity.REFUSE:
        raise _other_refusal(db_path, backup_path, check, own, live)
    if unknown and identity is Identity.KEEP:
        from perfdesk.store.schema import new_id

        own = new_id()  # a copy of that database, under an identity of its own
    remove_stale_temporaries(db_path.parent)
    staged = temporary_beside(db_path, "restore")
    try:
        copy_database(backup_path, staged, source_read_only=True)
        try:
            _upgrade(staged)
        except (sqlite3.Error, PerfDeskError, KeyError, ValueError) as exc:
            log.warning("could not bring %s up to date: %s", backup_path, exc, exc_info=exc)
            raise BackupUnusable(f"{backup_path} cannot be restored: its schema cannot be "
                                 "brought up to date (it is incomplete or damaged); nothing "
                                 "was changed.") from exc
        if other and identity is Identity.KEEP:
            _adopt(staged, own, author, backup_path.name)
        staged_check = check_backup(staged)
        if not staged_check.ok:
            raise BackupUnusable(f"{backup_path} cannot be restored: once copied, "
                                 f"{staged_check.problem}; nothing was changed.")
        if live.damaged:
            before = _replace_damaged(db_path, staged, now)
        else:
            before = _take(db_path, "before-restore", now)
            copy_database(staged, db_path)  # one transaction: all old, or all new
    finally:
        remove_with_sidecars(staged)
    if live.damaged:
        log.info("restored %s from %s; it was damaged (%s) and is kept as %s",
                 db_path, backup_path, live.damaged, before)
    else:
        log.info("restored %s from %s (previous state in %s)", db_path, backup_path, before)
    prune(db_path, now)
    return before


def _other_refusal(db_path: Path, backup_path: Path, check: BackupCheck, own: str,
                   live: LiveDatabase) -> OtherDatabasesBackup:
    if not own:
        return OtherDatabasesBackup(
            f"{db_path.name} is damaged ({live.damaged}) and its identity cannot be read, and "
            f"{backup_path} is not one of its backups (in {backup_folder(db_path)}): it is a "
            f"backup of database {check.database_id}, holding {check.describe_plans()}; "
            "nothing was changed. Restoring it with --force puts its plans here as a copy of "
            "that database under a new identity of its own. Use --take-identity instead only "
            "if the database the backup came from is gone for good.", check, own)
    return OtherDatabasesBackup(
        f"{backup_path} is a backup of another database (identity {check.database_id}, "
        f"holding {check.describe_plans()}), not of {db_path.name} (identity {own}); "
        "nothing was changed. Restoring it with --force puts its plans here and keeps "
        f"{db_path.name}'s own identity, so this database becomes a copy of that one "
        "(its own unsent changes are replaced). Use --take-identity instead only if the "
        "database the backup came from is gone for good.", check, own)


@dataclass(frozen=True)
class LiveDatabase:
    """The database a restore goes into, as found without opening it the way
    PerfDesk does (which refuses a damaged file)."""

    path: Path
    damaged: str = ""  # why it cannot be opened; "" when it is sound
    identity: str = ""  # its database id, when it can be read


def inspect_live(db_path: Path) -> LiveDatabase:
    """Is the database file sound, or damaged (empty, cut short, corrupt)?
    Refuses (nothing changed) a file that is sound but not PerfDesk's to
    replace: another application's SQLite file, or a newer PerfDesk's; and
    one another program holds locked."""
    db_path = Path(db_path)
    try:
        size = db_path.stat().st_size
        with db_path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StorageFailure(f"{db_path} cannot be read ({exc.strerror}); nothing was "
                             "changed.") from exc
    if size == 0:
        return LiveDatabase(db_path, "it is empty (0 bytes)")
    if not header.startswith(SQLITE_HEADER):
        return LiveDatabase(db_path, "its first page is not an SQLite header")
    if len(header) < 100:
        return LiveDatabase(db_path, f"it is cut short ({size} bytes)")
    short = _cut_short(header, size)
    if short:
        return LiveDatabase(db_path, short.removeprefix("it is "))
    # Read-only, so that nothing of a damaged file (nor its -wal) changes
    # before it is kept - unless a hot journal must first be rolled back.
    journal = db_path.with_name(db_path.name + "-journal")
    hot = journal.is_file() and journal.stat().st_size > 0
    uri = db_path.resolve().as_uri() + ("" if hot else "?mode=ro")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5)
    except sqlite3.Error as exc:
        return LiveDatabase(db_path, f"it cannot be opened ({exc})")
    try:
        return _inspect_open(db_path, conn)
    except sqlite3.OperationalError as exc:  # not damage: the file stays as it is
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseBusy(f"{db_path} is in use by another program ({exc}); close it "
                               "there and try again. Nothing was changed.") from exc
        raise StorageFailure(f"{db_path} cannot be read ({exc}); nothing was changed.") from exc
    except sqlite3.Error as exc:
        return LiveDatabase(db_path, f"it is damaged ({exc})")
    finally:
        conn.close()


def _inspect_open(db_path: Path, conn: sqlite3.Connection) -> LiveDatabase:
    from perfdesk.store import migrate

    identity = ""
    with suppress(sqlite3.Error):
        row = conn.execute("SELECT id FROM database_info").fetchone()
        identity = str(row[0]) if row and row[0] else ""
    result = [r[0] for r in conn.execute("PRAGMA integrity_check(5)").fetchall()]
    if result != ["ok"]:
        return LiveDatabase(db_path, f"SQLite's integrity check: {result[0]}", identity)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return LiveDatabase(db_path, "it holds no tables")
    if "database_info" not in tables or "alembic_version" not in tables or "plan" not in tables:
        raise NotPerfDeskDatabase(f"{db_path} is not a PerfDesk database (it holds other "
                                  "tables); nothing was restored into it and nothing was "
                                  "changed.")
    row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    schema = row[0] if row else ""
    known = migrate.known_revisions()
    if schema not in known:
        raise DatabaseTooNew(f"{db_path} was written by a newer PerfDesk (schema {schema}); "
                             "update PerfDesk to restore into it. Nothing was changed.")
    missing = _missing(conn, tables) if schema == known[-1] else ""
    if missing:
        return LiveDatabase(db_path, f"it is incomplete: {missing}", identity)
    return LiveDatabase(db_path, "", identity)


def _identity_from_own_backups(db_path: Path) -> str:
    """The identity this database last had, by its newest usable backup."""
    for info in usable_backups(db_path):
        found = check_backup(info.path).database_id
        if found:
            return found
    return ""


_DAMAGED = re.compile(r".+-damaged-\d{8}-\d{6}-\d{6}\.sqlite")


def is_damaged_copy(path: Path) -> bool:
    """Is this the copy of a damaged database that a restore kept?"""
    return _DAMAGED.fullmatch(Path(path).name) is not None


def _replace_damaged(db_path: Path, staged: Path, now: dt.datetime) -> Path:
    """Keep the damaged database, then put the checked `staged` file in its
    place; return the kept copy. The order keeps every step safe to stop:
    the copy is durable before anything of the damaged file is removed, its
    stale -wal/-shm/-journal (which SQLite would otherwise replay into the
    new file) go before the new file takes the name, and the name goes from
    the damaged file to the restored one in one rename."""
    folder = backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageFailure(f"The backup folder {folder} cannot be made: {exc.strerror}; "
                             "nothing was changed.") from exc
    kept = _free_damaged_name(folder, db_path.stem, now)
    try:
        for suffix in ("", "-wal", "-journal"):  # the damaged file, whole
            source = db_path.with_name(db_path.name + suffix)
            if suffix and not source.is_file():
                continue
            target = kept.with_name(kept.name + suffix)
            part = temporary_beside(target, "damaged")
            try:
                shutil.copyfile(source, part)
                fsync_file(part)
                os.replace(part, target)
            finally:
                with suppress(OSError):
                    part.unlink()
        fsync_folder(folder)
        fsync_file(staged)
        for suffix in _SIDECARS:
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        fsync_folder(db_path.parent)
        os.replace(staged, db_path)
        fsync_folder(db_path.parent)
    except OSError as exc:
        raise StorageFailure(f"{db_path} could not be replaced ({exc.strerror or exc}); "
                             f"the damaged file is kept as {kept}.") from exc
    return kept


def _free_damaged_name(folder: Path, stem: str, now: dt.datetime) -> Path:
    moment = now
    while True:
        target = folder / f"{stem}-damaged-{moment.strftime(STAMP_FORMAT)}.sqlite"
        if not target.exists():
            return target
        moment += dt.timedelta(microseconds=1)


def checked_source(backup_path: Path, scratch: Path) -> Path:
    """The file to copy from (a master to refresh from), once it is known to
    be a PerfDesk database that this PerfDesk can read; an older schema is
    upgraded on a copy in `scratch`. Refuses with a plain message."""
    check = check_backup(backup_path)
    if not check.ok:
        message = f"{backup_path} cannot be used: {check.problem}; nothing was changed."
        raise DatabaseTooNew(message) if check.too_new else BackupUnusable(message)
    from perfdesk.store import migrate

    if check.schema == migrate.known_revisions()[-1]:
        return backup_path
    copy = scratch / "upgraded.sqlite"
    copy_database(backup_path, copy, source_read_only=True)
    _upgrade(copy)
    return copy


def _upgrade(path: Path) -> None:
    """Bring a staged copy's schema to this PerfDesk's (no backup: it is a copy)."""
    from perfdesk.store import migrate
    from perfdesk.store.engine import sqlite_engine

    engine = sqlite_engine(path)
    try:
        with engine.connect() as conn:
            current = migrate.current_revision(conn)
        if current != migrate.known_revisions()[-1]:
            migrate.upgrade(engine)
    finally:
        engine.dispose()
    make_self_contained(path)


def _adopt(staged: Path, own: str, author: str, source_name: str) -> None:
    """Another database's contents, as a copy of it that keeps `own` identity."""
    from sqlmodel import Session

    from perfdesk.store.engine import WRITE_OPTION, sqlite_engine

    engine = sqlite_engine(staged)
    try:
        with Session(engine.execution_options(**{WRITE_OPTION: True})) as session:
            become_copy(session, own, author, "restored", source_name)
            session.commit()
    finally:
        engine.dispose()
    make_self_contained(staged)


def become_copy(session: Any, identity: str, author: str, kind: str, source_name: str,
                log_rows: list[Any] | None = None) -> None:
    """Give a copied database `identity` and a fresh exchange state: it has
    sent nothing, holds none of the origin's pending decisions, and its next
    bundle starts after everything it was copied with. It joins the copied
    database's family (the master it belongs with) and keeps its list of
    changes seen but not applied, so a refresh does not put back a change
    the master has already decided."""
    from sqlalchemy import delete, text, update

    from perfdesk.store import sync_state
    from perfdesk.store.schema import SyncConflict, SyncExchange, SyncSeen

    family = sync_state.family(session)  # the copied database's, before the identity changes
    session.execute(text("UPDATE database_info SET id = :id"), {"id": identity})
    sync_state.put(session, sync_state.MASTER, family)
    session.execute(update(SyncSeen).values(conflict_id=None))  # the origin's to decide
    for table in (SyncConflict, SyncExchange):
        session.execute(delete(table))
    session.add_all(log_rows or [])
    session.add(SyncExchange(kind=kind, author=author, file_name=source_name))
    session.flush()
    sync_state.put(session, sync_state.SENT_THROUGH, str(sync_state.last_change_rowid(session)))


# --- taking a backup ----------------------------------------------------------------


def _take(db_path: Path, reason: str, now: dt.datetime) -> Path:
    folder = backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageFailure(f"The backup folder {folder} cannot be made: {exc.strerror}; "
                             "nothing was changed.") from exc
    remove_stale_temporaries(folder)
    target = _free_name(folder, db_path.stem, reason, now)
    staged = temporary_beside(target, "backup")
    try:
        copy_database(db_path, staged, source_read_only=True)
        make_self_contained(staged)
        check = check_backup(staged)
        if not check.ok:
            raise StorageFailure(f"The backup of {db_path} could not be checked after it was "
                                 f"written ({check.problem}); it was not kept.")
        fsync_file(staged)
        os.replace(staged, target)
        fsync_folder(folder)
    except OSError as exc:
        raise StorageFailure(f"The backup {target} could not be written: "
                             f"{exc.strerror or exc}.") from exc
    finally:
        remove_with_sidecars(staged)
    log.info("backed up %s to %s", db_path, target)
    return target


def _free_name(folder: Path, stem: str, reason: str, now: dt.datetime) -> Path:
    """The backup's name for `now`; a microsecond later if that is taken (a
    stopped clock, or two backups in the same instant)."""
    moment = now
    while True:
        target = folder / f"{stem}-{moment.strftime(STAMP_FORMAT)}-{reason}.sqlite"
        if not target.exists():
            return target
        moment += dt.timedelta(microseconds=1)


# --- files: temporary names, durability ----------------------------------------------


def temporary_beside(path: Path, purpose: str) -> Path:
    """A temporary name in `path`'s folder for a file that will replace it or
    be renamed to it; no listing matches it, and it names this process, so
    a later run knows it is stale once this process is gone."""
    return path.with_name(f".{path.name}.{purpose}.{os.getpid()}.part")


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove temporary files (and their sidecars) left in `folder` by a
    backup, restore or refresh whose process was stopped."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in folder.glob(".*.part*"):
        match = _TEMPORARY.fullmatch(path.name)
        if match is None or _alive(int(match["pid"])):
            continue
        with suppress(OSError):
            path.unlink()
            removed.append(path)
    if removed:
        log.info("removed %d file(s) left by a stopped backup, restore or refresh in %s",
                 len(removed), folder)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would end it there: leave such files alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_with_sidecars(path: Path) -> None:
    for name in (path.name, *(path.name + s for s in _SIDECARS)):
        with suppress(OSError):
            path.with_name(name).unlink()


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (not possible on every system)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_self_contained(path: Path) -> None:
    """Leave a database file that needs nothing beside it: its write-ahead
    log folded in and removed (rollback-journal mode), so the file can be
    renamed, copied or read without -wal/-shm files."""
    try:
        conn = sqlite3.connect(path, timeout=5)
        try:
            conn.execute("PRAGMA journal_mode = DELETE").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        from perfdesk.store.database import translate

        error = translate(exc, str(path))
        raise (error if error is not exc else
               StorageFailure(f"{path} could not be finished: {exc}.")) from exc


@contextmanager
def held_alone(path: Path) -> Iterator[sqlite3.Connection]:
    """The database at `path`, folded into one self-contained file and held
    with an exclusive lock, so that nothing else writes to it meanwhile.
    Refused (DatabaseBusy) while another PerfDesk has it open."""
    try:
        conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    except sqlite3.Error as exc:
        raise StorageFailure(f"{path} cannot be opened: {exc}; nothing was changed.") from exc
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise DatabaseBusy(f"{path} is open in another PerfDesk; close it there and try "
                               "again. Nothing was changed.")
        conn.execute("BEGIN EXCLUSIVE")
        yield conn
    except sqlite3.OperationalError as exc:
        raise DatabaseBusy(f"{path} is in use by another PerfDesk ({exc}); close it there and "
                           "try again. Nothing was changed.") from exc
    finally:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        conn.close()


def copy_database(source_path: Path, dest_path: Path, *, source_read_only: bool = False) -> None:
    """Copy one SQLite database into another through the online backup API,
    in one write transaction on the destination."""
    mode = "?mode=ro" if source_read_only else ""
    try:
        source = sqlite3.connect(f"{Path(source_path).resolve().as_uri()}{mode}", uri=True)
        try:
            dest = sqlite3.connect(dest_path, timeout=5)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        from perfdesk.store.database import translate

        error = translate(exc, str(dest_path))
        if error is exc:
            error = StorageFailure(f"{source_path} could not be copied to {dest_path}: {exc}.")
        raise error from exc

