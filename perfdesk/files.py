"""Writing a file the user asked for without ever leaving half of one:
write a temporary file in the same folder, make it durable, then replace.

The file is owner-only: `mkstemp` makes it 0600 (less, if the user's umask
takes more away), and it keeps that mode when it replaces an existing file,
whatever that file's mode was: every file PerfDesk writes is owner-only, so
a re-export never widens or keeps wider access than PerfDesk gives. Share a
file on purpose by copying it somewhere shared."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from perfdesk.errors import PerfDeskError


def write_atomically(path: Path, write: Callable[[BinaryIO], object], *,
                     when_busy: str = "") -> Path:
    """`write(handle)` fills a temporary file beside `path`, which then
    replaces `path` in one step. On any failure the temporary file is gone
    and `path` is as it was; a failure to write is a PerfDeskError saying
    what to do (`when_busy`, e.g. "If the file is open in Excel, close it")."""
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise PerfDeskError(
            f"Could not save {path.name} in {path.parent}: {exc.strerror or exc}."
        ) from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        advice = f" {when_busy} and try again." if when_busy else ""
        raise PerfDeskError(f"Could not save {path.name}: {exc.strerror or exc}.{advice}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
