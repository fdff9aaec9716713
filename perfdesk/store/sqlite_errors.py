"""Known SQLite failures as plain messages, told apart by SQLite's own
result code (`sqlite_errorcode`, Python 3.11+), never by the words of its
message, which SQLite may word differently from one version to the next.

This module imports nothing else of the store, so every part of it (the
database, backups, restores, plain file copies) can use it.
"""

from __future__ import annotations

import sqlite3

from perfdesk.errors import (
    DatabaseBusy,
    DatabaseReadOnly,
    NotPerfDeskDatabase,
    PerfDeskError,
    StorageFailure,
)

# Primary result codes (https://sqlite.org/rescode.html); an extended code
# (e.g. SQLITE_IOERR_SHORT_READ) carries its primary code in its low byte.
BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
READ_ONLY = frozenset({sqlite3.SQLITE_READONLY})
DISK = frozenset({sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR})
DAMAGED = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
CANNOT_OPEN = frozenset({sqlite3.SQLITE_CANTOPEN})


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of `exc` (an `sqlite3.Error`, or an
    SQLAlchemy error wrapping one as `.orig`); None when SQLite gave none
    (an error raised by Python's sqlite3 module itself, or another driver)."""
    for candidate in (exc, getattr(exc, "orig", None)):
        code = getattr(candidate, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF
    return None


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock (SQLITE_BUSY or SQLITE_LOCKED)."""
    return sqlite_code(exc) in BUSY


def translate(exc: BaseException, location: str) -> PerfDeskError | BaseException:
    """A known SQLite failure as a plain message; anything else unchanged."""
    code = sqlite_code(exc)
    if code is None:
        return exc
    if code in BUSY:
        return DatabaseBusy(
            f"{location} is in use by another PerfDesk (it stayed locked); "
            "nothing was changed. Try again in a moment."
        )
    if code in READ_ONLY:
        return DatabaseReadOnly(f"{location} can only be read; nothing was changed.")
    if code in DISK:
        return StorageFailure(f"{location}: the disk is full or failing; nothing was changed.")
    if code in DAMAGED:
        text = str(getattr(exc, "orig", exc)).lower()
        return NotPerfDeskDatabase(
            f"{location} is damaged or is not a PerfDesk database ({text}); nothing was "
            f"changed. Restore a backup (`perfdesk backups --db {location}`) or use another file."
        )
    if code in CANNOT_OPEN:
        return StorageFailure(
            f"{location} cannot be opened (its folder is missing, or this computer does not "
            "let PerfDesk read it); nothing was changed. Check the path."
        )
    return exc
