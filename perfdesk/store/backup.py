"""Backups through SQLite's online backup API - never a copy of a live file.

A backup is `<stem>-backups/<stem>-<YYYYmmdd-HHMMSS-ffffff>-<reason>.sqlite`
beside the database. Backups are thinned by age after each one is taken
(`perfdesk.domain.backup_policy`), by the numbers in `keep.json` in that
folder when they have been set (`set_policy`); a restore first backs up the state it
replaces, so it can itself be undone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from perfdesk.domain.backup_policy import KeepPolicy, backups_to_keep
from perfdesk.errors import DatabaseReadOnly, NotFound, PerfDeskError, StorageFailure
from perfdesk.files import write_atomically

log = logging.getLogger(__name__)
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>.+)\.sqlite")
_SIDECARS = ("-wal", "-shm", "-journal")
POLICY_FILE = "keep.json"  # how many backups to keep, beside them


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int

    def as_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "taken_at": self.taken_at.isoformat(),
                "reason": self.reason, "size": self.size}


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / f"{db_path.stem}-backups"


def backup(db_path: Path, reason: str) -> Path:
    """Copy the database consistently into its backups folder, thin the
    folder by age (the newest, this one, is always kept); return the copy."""
    target = _take(db_path, reason)
    prune(db_path)
    return target


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The database's backups, newest first (files not named by us are ignored)."""
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
        found.append(BackupInfo(path, taken_at, match["reason"], path.stat().st_size))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


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


def set_policy(db_path: Path, policy: KeepPolicy) -> list[Path]:
    """Keep backups of this database by `policy` from now on; thin them now
    (returns what was removed)."""
    folder = backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageFailure(f"The backup folder {folder} cannot be made: {exc.strerror}.") from exc
    text = json.dumps(asdict(policy), indent=1)
    write_atomically(policy_file(db_path), lambda handle: handle.write(text.encode("utf-8")))
    return prune(db_path)


def prune(db_path: Path, now: dt.datetime | None = None, **policy: Any) -> list[Path]:
    """Delete the backups the policy drops (see `backups_to_keep`); return
    them. The database's own policy applies unless one is given."""
    backups = list_backups(db_path)
    chosen = policy or asdict(read_policy(db_path))
    keep = backups_to_keep([b.taken_at for b in backups], now or dt.datetime.now(), **chosen)
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


def restore(db_path: Path, backup_path: Path) -> Path:
    """Put a backup's contents into the database; return the backup of the
    state it replaced ("before-restore"), which restoring undoes this.

    The backup is checked first (a PerfDesk database this PerfDesk can open);
    if it is refused, nothing is written anywhere."""
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise NotFound(f"No backup file at {backup_path}; nothing was changed.")
    if not db_path.is_file():
        raise NotFound(f"No database at {db_path} to restore into; nothing was changed.")
    if backup_path.resolve() == db_path.resolve():
        raise PerfDeskError(f"{backup_path} is the database itself; nothing was changed.")
    with tempfile.TemporaryDirectory(prefix="perfdesk-restore-") as scratch:
        source = checked_source(backup_path, Path(scratch))
        before = _take(db_path, "before-restore")
        copy_database(source, db_path)
    log.info("restored %s from %s (previous state in %s)", db_path, backup_path, before)
    prune(db_path)
    return before


def checked_source(backup_path: Path, scratch: Path) -> Path:
    """The file to restore from, once it is known to be a PerfDesk database.

    Refuses (NotPerfDeskDatabase, DatabaseTooNew, ...) with the message
    `open_database` gives. A backup from an older schema cannot be checked
    read-only, so a copy of it is upgraded and checked instead."""
    from perfdesk.store.database import open_database  # database.py imports this module

    try:
        open_database(backup_path, read_only=True).close()
        return backup_path
    except DatabaseReadOnly:
        pass
    copy = scratch / "restore.sqlite"
    copy_database(backup_path, copy)
    open_database(copy).close()
    return copy


def _take(db_path: Path, reason: str) -> Path:
    folder = backup_folder(db_path)
    stamp = dt.datetime.now().strftime(STAMP_FORMAT)
    target = folder / f"{db_path.stem}-{stamp}-{reason}.sqlite"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageFailure(f"The backup folder {folder} cannot be made: {exc.strerror}; "
                             "nothing was changed.") from exc
    copy_database(db_path, target, source_read_only=True)
    log.info("backed up %s to %s", db_path, target)
    return target


def copy_database(source_path: Path, dest_path: Path, *, source_read_only: bool = False) -> None:
    """Copy one SQLite database into another through the online backup API."""
    mode = "?mode=ro" if source_read_only else ""
    try:
        source = sqlite3.connect(f"{source_path.resolve().as_uri()}{mode}", uri=True)
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
