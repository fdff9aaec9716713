"""Taking, listing and thinning backups - through SQLite's online backup API,
never a copy of a live file.

A backup is `<stem>-backups/<stem>-<YYYYmmdd-HHMMSS-ffffff>-<reason>.sqlite`
beside the database. It is written under a temporary name in that folder
(`.<name>.<pid>.part`, which no listing matches), checked
(`perfdesk.store.backup_check`), made durable, and only then renamed to its
real name: a backup that was stopped part-way is never listed or restored,
and the next one clears it away.

Backups are thinned by age after each one is taken
(`perfdesk.domain.backup_policy`), by the numbers in `keep.json` in that
folder when they have been set (`set_policy`). Restoring one is
`perfdesk.store.restore`.

Time is an input here: every function that names or thins backups takes
`now` from its caller (a `Database`'s `db.now()`, or the real clock at the
command line and window edges).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from perfdesk.domain.backup_policy import KeepPolicy, backups_to_keep
from perfdesk.errors import StorageFailure
from perfdesk.files import write_atomically
from perfdesk.store.backup_check import check_backup
from perfdesk.store.sqlite_files import (
    SIDECARS,
    copy_database,
    fsync_file,
    fsync_folder,
    make_self_contained,
    remove_stale_temporaries,
    remove_with_sidecars,
    temporary_beside,
)

log = logging.getLogger(__name__)
STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(r"(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<reason>.+)\.sqlite")
POLICY_FILE = "keep.json"  # how many backups to keep, beside them


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
    target = take(db_path, reason, now)
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
    made_folder(db_path)
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
            for sidecar in SIDECARS:
                info.path.with_name(info.path.name + sidecar).unlink(missing_ok=True)
        except OSError as exc:  # thinning is housekeeping: never fail the caller's work
            log.warning("could not remove old backup %s: %s", info.path, exc)
            continue
        removed.append(info.path)
    if removed:
        log.info("removed %d old backup(s) of %s", len(removed), db_path)
    return removed


def take(db_path: Path, reason: str, now: dt.datetime) -> Path:
    folder = made_folder(db_path)
    remove_stale_temporaries(folder)
    target = free_name(folder, lambda stamp: f"{db_path.stem}-{stamp}-{reason}.sqlite", now)
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


def free_name(folder: Path, name_for: Callable[[str], str], now: dt.datetime) -> Path:
    """`folder / name_for(stamp)` for the stamp of `now`; a microsecond later
    if that is taken (a stopped clock, or two files in the same instant)."""
    moment = now
    while True:
        target = folder / name_for(moment.strftime(STAMP_FORMAT))
        if not target.exists():
            return target
        moment += dt.timedelta(microseconds=1)


def made_folder(db_path: Path) -> Path:
    """The database's backups folder, made if need be (refused in plain
    words if it cannot be)."""
    folder = backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageFailure(f"The backup folder {folder} cannot be made: {exc.strerror}; "
                             "nothing was changed.") from exc
    return folder
