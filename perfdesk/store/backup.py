"""Backups through SQLite's online backup API - never a copy of a live file."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / f"{db_path.stem}-backups"


def backup(db_path: Path, reason: str) -> Path:
    """Copy the database consistently into its backups folder; return the copy."""
    folder = backup_folder(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}-{reason}.sqlite"
    source = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    log.info("backed up %s to %s", db_path, target)
    return target
