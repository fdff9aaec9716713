"""The database file's commands: `check` (integrity and schema version),
`backup`, `backups` and `restore`.

`perfdesk.cli` adds these parsers with `add_parsers` and runs them through
`COMMANDS`, like its own: each takes the open database and the parsed
arguments and returns the exit status (0 done, 1 refused)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfdesk.cli.args import (
    EXIT_OK,
    EXIT_REFUSED,
    Command,
    Subparsers,
    add_json,
    plural,
    whole_number,
)
from perfdesk.errors import DatabaseReadOnly, NotFound, PerfDeskError
from perfdesk.store import backup as backups
from perfdesk.store import restore as restoring

if TYPE_CHECKING:  # the database layer loads only when a command runs
    from perfdesk.store.database import Database


def add_parsers(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    sub.add_parser("check", parents=[common], help="integrity and schema version")
    sub.add_parser("backup", parents=[common], help="take a backup now")
    listing = sub.add_parser("backups", parents=[common], help="the backups, newest first")
    add_json(listing)
    listing.add_argument("--keep-days", type=whole_number, metavar="N",
                         help="from now on keep one backup a day for N days")
    listing.add_argument("--keep-weeks", type=whole_number, metavar="N",
                         help="then one a week for N weeks")
    listing.add_argument("--keep-months", type=_months, metavar="N|all",
                         help="then one a month for N months, or every month ('all')")
    restore = sub.add_parser("restore", parents=[common],
                             help="put a backup back (the current state is backed up first)")
    restore.add_argument("backup", metavar="BACKUP",
                         help="a backup file, or its number in `perfdesk backups`")
    whose = restore.add_mutually_exclusive_group()
    whose.add_argument("--force", action="store_true",
                       help="restore another database's backup, keeping this database's "
                            "identity (it becomes a copy of that one)")
    whose.add_argument("--take-identity", action="store_true",
                       help="restore another database's backup as that database, identity "
                            "and all: only if that database is gone for good")


def _check(db: Database, args: argparse.Namespace) -> int:
    from perfdesk.services.health_check import check_database

    report = check_database(db)
    print(f"{db.location}: schema {report.schema} (this PerfDesk: {report.head}); "
          f"database id {db.database_id}")
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print("ok" if report.ok else f"{len(report.problems)} problem(s)")
    return EXIT_OK if report.ok else EXIT_REFUSED


def _file(db: Database) -> Path:
    if db.path is None:
        raise PerfDeskError(f"{db.location} is not a database file; only a file can be backed up.")
    return db.path


def _backup(db: Database, args: argparse.Namespace) -> int:
    saved = backups.backup(_file(db), "manual", db.now())
    print(f"Backed up to {saved}")
    return EXIT_OK


def _months(text: str) -> str:
    """A number of months, or "all" (every month is kept)."""
    return "all" if text.casefold() in ("all", "every") else str(whole_number(text))


def _set_policy(path: Path, args: argparse.Namespace, now: dt.datetime) -> None:
    from dataclasses import replace

    changes: dict[str, Any] = {  # KeepPolicy's fields: days, weeks (int), months (int | None)
        k: v for k, v in (("days", args.keep_days), ("weeks", args.keep_weeks)) if v is not None
    }
    if args.keep_months is not None:
        changes["months"] = None if args.keep_months == "all" else int(args.keep_months)
    policy = replace(backups.read_policy(path), **changes)
    removed = backups.set_policy(path, policy, now)
    print(f"From now on PerfDesk keeps {policy.describe()}."
          + (f" Removed {plural(len(removed), 'older backup')}."
             if removed else ""))


def _backups(db: Database, args: argparse.Namespace) -> int:
    """The backups that can be restored, numbered; any that cannot (cut
    short, damaged) are named after them, unnumbered, with the reason."""
    if (args.keep_days, args.keep_weeks, args.keep_months) != (None, None, None):
        _set_policy(_file(db), args, db.now())
    found = backups.list_backups(_file(db), checked=True)
    usable = [b for b in found if b.usable]
    damaged = [b for b in found if not b.usable]
    if args.json:
        print(json.dumps([b.as_json() for b in usable + damaged], indent=2,
                         ensure_ascii=False))
        return EXIT_OK
    if not found:
        print(f"No backups of {db.location} yet; take one with `perfdesk backup`.")
        return EXIT_OK
    print(f"Backups of {db.location}, newest first (keeping "
          f"{backups.read_policy(_file(db)).describe()})")
    for number, info in enumerate(usable, start=1):
        print(f"{number:3}  {_when(info.taken_at)}  {info.reason:24}  {_size(info.size):>8}  "
              f"{info.path}")
    if damaged:
        print(f"Damaged - cannot be restored ({len(damaged)}):")
        for info in damaged:
            print(f"  -  {_when(info.taken_at)}  {info.reason:24}  {info.path}: {info.problem}")
    return EXIT_OK


def _restore(db: Database, args: argparse.Namespace) -> int:
    """`restore` given an open database (`perfdesk.cli` does not open one for
    it: see `restore_without_open`)."""
    path = _file(db)
    if db.read_only and not args.read_only:
        raise DatabaseReadOnly(f"{db.location} cannot be changed here ({db.read_only_reason}); "
                               "nothing was restored.")
    db.close()  # the restore replaces the file's contents; nothing here may hold it
    return restore_without_open(args, str(path), db.author)


def restore_without_open(args: argparse.Namespace, location: str, author: str) -> int:
    """`perfdesk restore`, run without opening the database first: opening
    refuses a damaged file, and a damaged file is what a restore is for."""
    from perfdesk.clock import system_clock

    path = _restore_target(location)
    if args.read_only:
        raise DatabaseReadOnly(f"{location} was given read-only; nothing was restored.")
    chosen = _chosen(path, args.backup)
    taken = next((b.taken_at for b in backups.list_backups(path)
                  if b.path.resolve() == chosen.resolve()), None)
    identity = (restoring.Identity.TAKE if args.take_identity
                else restoring.Identity.KEEP if args.force else restoring.Identity.REFUSE)
    before = restoring.restore(path, chosen, system_clock(), identity=identity, author=author)
    source = f"the backup of {_when(taken)}" if taken else str(chosen)
    if restoring.is_damaged_copy(before):
        print(f"{path} was damaged and could not be opened; it is kept, untouched, as "
              f"{before}. Restored {path} from {source}.")
    else:
        print(f"Restored {path} from {source}; the state before the restore is saved as "
              f"{before}; `perfdesk restore` that file to undo.")
    return EXIT_OK


def _restore_target(location: str) -> Path:
    """The database file to restore into (a plain `sqlite:///FILE` is a file)."""
    if "://" in location:
        from perfdesk.store.database import sqlite_file

        try:
            file = sqlite_file(location)
        except PerfDeskError:  # an address nothing can read
            file = None
        if file is None:
            raise PerfDeskError(f"{location} is not a database file; only a file can be "
                                "restored.")
        location = file
    path = Path(location).expanduser()
    if path.is_dir():
        raise PerfDeskError(f"{path} is a folder, not a PerfDesk database file; nothing was "
                            "restored.")
    if not path.exists():
        raise NotFound(f"No database at {path} to restore into; nothing was changed.")
    return path


def _chosen(db_path: Path, text: str) -> Path:
    """A backup given as a file path, or as its number in `perfdesk backups`
    (which numbers only the backups that can be restored)."""
    if text.isdigit() and not Path(text).exists():
        found = backups.usable_backups(db_path)
        number = int(text)
        if not 1 <= number <= len(found):
            raise NotFound(f"No backup number {number}: there are {len(found)} "
                           "(see `perfdesk backups`); nothing was changed.")
        return found[number - 1].path
    return Path(text).expanduser()


def _when(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%b %Y %H:%M}"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


COMMANDS: dict[str, Command] = {
    "check": _check, "backup": _backup, "backups": _backups, "restore": _restore,
}
