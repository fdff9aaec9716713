"""How the window changes data: every user edit goes through `Operations.run`.

An operation is a service function given a write session. It runs as one
committed transaction, goes on the undo stack, and `changed` tells every
view what it changed so each can refresh only what it shows. A known
problem (locked, read-only, a rule refused it) is shown in plain words and
nothing changes. Widgets never open sessions themselves: they read through
`read` with a service function too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from sqlmodel import Session

from perfdesk.clock import Clock
from perfdesk.errors import DatabaseBusy, DatabaseReadOnly, PerfDeskError, StorageFailure
from perfdesk.services.undo import UndoHistory
from perfdesk.store.changes import Changes
from perfdesk.store.database import Database
from perfdesk.store.edits import Edit, perform
from perfdesk.ui import ask
from perfdesk.ui.settings import Settings

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Done(Generic[T]):
    """The operation was done: what it returned, and what it changed."""

    value: T
    changes: Changes


@dataclass(frozen=True)
class Refused:
    """The operation was refused and nothing changed; the user has been told
    `message`. `for_now`: a passing reason (the file was busy, the disk
    failed), so what the user typed should be kept to retry."""

    message: str
    for_now: bool = False


Outcome = Done[T] | Refused


class Operations(QObject):
    changed = Signal(object)  # Edit: what the last edit, undo or redo changed
    undo_state = Signal()  # the undo/redo labels changed

    def __init__(self, db: Database, settings: Settings, parent: QWidget | None = None,
                 clock: Clock | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.clock: Clock = clock or db.clock
        self.history = UndoHistory(db)
        self.last_error: PerfDeskError | None = None  # why the last edit was refused
        self._window = parent

    def today(self) -> dt.date:
        """Today by the window's clock (the one clock every view asks)."""
        return self.clock().date()

    @property
    def author(self) -> str:
        return self.settings.user_name

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    def read(self, query: Callable[[Session], T]) -> T:
        with self.db.read() as session:
            return query(session)

    def run(self, label: str, operation: Callable[[Session], T]) -> T | None:
        """Do one edit. Returns the operation's result, or None when it was
        refused (the user has been told why)."""
        self.last_error = None
        if self.db.read_only:
            self.last_error = DatabaseReadOnly(
                f"{self.db.location} is open read-only; nothing was changed.")
            self._refuse(label, str(self.last_error))
            return None
        try:
            result, edit = perform(self.db, label, operation, self.author)
        except PerfDeskError as exc:
            self.last_error = exc
            self._refuse(label, str(exc))
            return None
        log.info("%s: %d changes", label, len(edit.changes))
        self.history.record(edit)
        self.undo_state.emit()
        self.changed.emit(edit)
        return result

    @property
    def refused_for_now(self) -> bool:
        """The last edit was refused for a passing reason (the file was busy
        or the disk failed), so what the user typed should be kept to retry."""
        return isinstance(self.last_error, DatabaseBusy | StorageFailure)

    def undo(self) -> Edit | None:
        if self.history.undo_label is None:
            return None
        return self._step(self.history.undo, f"Undo {self.history.undo_label}")

    def redo(self) -> Edit | None:
        if self.history.redo_label is None:
            return None
        return self._step(self.history.redo, f"Redo {self.history.redo_label}")

    def _step(self, step: Callable[[], Edit], label: str) -> Edit | None:
        try:
            edit = step()
        except PerfDeskError as exc:
            self._refuse(label, str(exc))
            return None
        self.undo_state.emit()
        self.changed.emit(edit)
        return edit

    def _refuse(self, label: str, message: str) -> None:
        log.warning("%s refused: %s", label, message)
        ask.refuse(self._window, f"{label}: not done", message)
