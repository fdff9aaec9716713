"""File-level primitives for SQLite files: names, durability, copying, checks.

A file that will replace another, or be renamed into place, is written under
a temporary name beside it (`.<name>.<purpose>.<pid>.part`, which no listing
matches); a later run clears it away once that process is gone. Files are
made durable (fsync of the file, then of its folder around a rename), folded
into one self-contained file (no -wal/-shm beside it), held alone, and
copied through SQLite's online backup API - never as a copy of a live file.

The header check (`cut_short`) and the schema check (`missing_schema`) are
shared by checking a backup and inspecting the live database before a restore.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from perfdesk.errors import DatabaseBusy, StorageFailure
from perfdesk.store.sqlite_errors import is_busy, translate

log = logging.getLogger(__name__)
SQLITE_HEADER = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")
# A file being written under a temporary name: `.NAME.PURPOSE.PID.part` (+ SQLite's sidecars).
_TEMPORARY = re.compile(r"\..+\.(?P<pid>\d+)\.part(?:-wal|-shm|-journal)?")


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
    for name in (path.name, *(path.name + s for s in SIDECARS)):
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
        if is_busy(exc):
            raise DatabaseBusy(f"{path} is in use by another PerfDesk ({exc}); close it there "
                               "and try again. Nothing was changed.") from exc
        error = translate(exc, str(path))
        raise (error if error is not exc else
               StorageFailure(f"{path} could not be changed: {exc}.")) from exc
    finally:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        conn.close()


def copy_from_uri(source_uri: str, dest_path: Path) -> None:
    """Copy the database SQLite opens at `source_uri` into `dest_path`
    through the online backup API, in one write transaction on the
    destination. SQLite's own errors are left to the caller."""
    source = sqlite3.connect(source_uri, uri=True)
    try:
        dest = sqlite3.connect(dest_path, timeout=5)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()


def copy_database(source_path: Path, dest_path: Path, *, source_read_only: bool = False) -> None:
    """Copy one SQLite database file into another (`copy_from_uri`), with a
    failure told in plain words."""
    mode = "?mode=ro" if source_read_only else ""
    try:
        copy_from_uri(f"{Path(source_path).resolve().as_uri()}{mode}", dest_path)
    except sqlite3.Error as exc:
        error = translate(exc, str(dest_path))
        if error is exc:
            error = StorageFailure(f"{source_path} could not be copied to {dest_path}: {exc}.")
        raise error from exc


def cut_short(header: bytes, size: int) -> str:
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


def missing_schema(conn: sqlite3.Connection, tables: set[str]) -> str:
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
