"""Logging set-up shared by the GUI and the command line."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO


class _Plain(logging.Formatter):
    """For the terminal: the message, never a traceback (that goes to the
    log file only)."""

    def format(self, record: logging.LogRecord) -> str:
        plain = logging.makeLogRecord(record.__dict__)
        plain.exc_info = plain.exc_text = plain.stack_info = None
        return super().format(plain)


FILE_ONLY = "perfdesk_file_only"  # logged with extra={FILE_ONLY: True}: not on the terminal


class _Console(logging.StreamHandler):
    """stderr as it is when a line is written (tests swap it), and a failure
    to write it is never a traceback."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass

    def handleError(self, record: logging.LogRecord) -> None:
        pass

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, FILE_ONLY, False) and bool(super().filter(record))


def configure(verbose: bool = False) -> None:
    """Warnings (everything, with `verbose`) on stderr, as plain lines."""
    root = logging.getLogger()
    if not any(getattr(h, "perfdesk_console", False) for h in root.handlers):
        console = _Console()
        console.setFormatter(_Plain("%(levelname)s: %(message)s"))
        console.perfdesk_console = True  # type: ignore[attr-defined]
        root.addHandler(console)
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    for handler in root.handlers:
        if getattr(handler, "perfdesk_console", False):
            handler.setLevel(logging.INFO if verbose else logging.WARNING)


class _LogFile(RotatingFileHandler):
    """PerfDesk's log file: opened only when something is first logged (a
    command that logs nothing costs nothing), and a failure to write it is
    never shown on the terminal as a traceback."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def to_file(path: Path) -> Path | None:
    """Also log to `path` (rotated at 1 MB, three kept); None if it cannot be
    written, in which case logging goes to stderr only. Called again (a test
    running several commands in one process), it replaces its earlier file
    rather than adding a second one."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, _LogFile):
            root.removeHandler(existing)
            existing.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # 0700 under the umask cli.main sets
        handler = _LogFile(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8",
                           delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for existing in root.handlers:  # the console keeps showing only what it did
        if existing.level == logging.NOTSET:
            existing.setLevel(root.level)
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.INFO, logging.INFO))
    return path
