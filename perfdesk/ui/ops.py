"""How the window changes data: every user edit goes through `Operations.run`.

An operation is a service function given a write session. It runs as one
committed transaction, goes on the undo stack, and `changed` tells every
view what it changed (one `Changes`, store/changes.py) so each can refresh
only what it shows. It returns `Done(value, changes)`, or `Refused(message,
for_now)` when a known problem (locked, read-only, a rule said no) stopped
it: the user is told in plain words and nothing changes. Widgets never open
sessions themselves: they read through `read` with a service function too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from sqlmodel import Session

from perfdesk.clock import Clock
from perfdesk.errors import (
    Cancelled,
    DatabaseBusy,
    PerfDeskError,
    StorageFailure,
)
from perfdesk.services.undo import UndoHistory
from perfdesk.store.changes import Changes
from perfdesk.store.database import Database
from perfdesk.store.edits import Edit, perform
from perfdesk.ui import ask
from perfdesk.ui.long_work import LongWork, Progress, Reader
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
    `message` (all but "nothing to undo/redo", which is not worth a box).
    `for_now`: a passing reason (the file was busy, the disk failed, a long
    operation is writing), so what the user typed should be kept to retry."""

    message: str
    for_now: bool = False


Outcome = Done[T] | Refused


class Operations(QObject):
    changed = Signal(object)  # Changes: what an edit, undo, redo or long operation changed
    undo_state = Signal()  # the undo/redo labels changed

    def __init__(self, db: Database, settings: Settings, parent: QWidget | None = None,
                 clock: Clock | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.clock: Clock = clock or db.clock
        self.history = UndoHistory(db)
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

    def run(self, label: str, operation: Callable[[Session], T], *,
            also: Changes | None = None) -> Done[T] | Refused:
        """Do one edit: `Done` with the operation's result and what it
        changed, or `Refused` (nothing changed; the user has been told why).
        `also`: what it changes that no history records (a conflict decided)."""
        refusal = self._cannot_write()
        if refusal:
            return self._refuse(label, refusal, for_now=bool(self.busy_with))
        try:
            result, edit = perform(self.db, label, operation, self.author)
        except PerfDeskError as exc:
            return self._refuse(label, str(exc), for_now=_passing(exc))
        log.info("%s: %d changes", label, len(edit.changes))
        self.history.record(edit)
        return Done(result, self._done(edit, also))

    def undo(self) -> Done[Edit] | Refused:
        """Undo the last edit (refused quietly when there is none)."""
        if self.history.undo_label is None:
            return Refused("There is nothing to undo.")
        return self._step(self.history.undo, f"Undo {self.history.undo_label}")

    def redo(self) -> Done[Edit] | Refused:
        """Redo the last undone edit (refused quietly when there is none)."""
        if self.history.redo_label is None:
            return Refused("There is nothing to redo.")
        return self._step(self.history.redo, f"Redo {self.history.redo_label}")

    def _step(self, step: Callable[[], Edit], label: str) -> Done[Edit] | Refused:
        refusal = self._cannot_write()
        if refusal:
            return self._refuse(label, refusal, for_now=bool(self.busy_with))
        try:
            edit = step()
        except PerfDeskError as exc:
            return self._refuse(label, str(exc), for_now=_passing(exc))
        return Done(edit, self._done(edit))

    def _done(self, edit: Edit, also: Changes | None = None) -> Changes:
        """Tell every view what `edit` changed."""
        changes = Changes.of_edit(edit)
        if also is not None:
            changes = changes | also
        self.undo_state.emit()
        self.changed.emit(changes)
        return changes

    def _cannot_write(self) -> str:
        """Why no edit can be made now ("" when one can)."""
        if self.db.read_only:
            return f"{self.db.location} is open read-only; nothing was changed."
        if self.busy_with:
            return f"Wait for {self.busy_with} to finish; nothing was changed."
        return ""

    def _refuse(self, label: str, message: str, *, for_now: bool = False) -> Refused:
        log.warning("%s refused: %s", label, message)
        ask.refuse(self._window, f"{label}: not done", message)
        return Refused(message, for_now)

    # -- the file shown, for commands that back it up or replace it ---------------
    @property
    def file(self) -> Path | None:
        """The database file (None for a database that is not a file)."""
        return self.db.path

    @property
    def location(self) -> str:
        return self.db.location

    def now(self) -> dt.datetime:
        """Now by the database's clock, which stamps its backups."""
        return self.db.now()

    # -- long operations, off the GUI thread (ui/long_work.py) -------------------
    @property
    def long_work(self) -> LongWork:
        """The worker and the one progress dialog every long operation shares."""
        work: LongWork | None = getattr(self, "_long_work", None)
        if work is None:
            work = self._long_work = LongWork(self._window)
        return work

    @property
    def busy_with(self) -> str:
        """The long operation changing the database now ("" when none):
        edits wait for it; reading goes on."""
        work: LongWork | None = getattr(self, "_long_work", None)
        return work.label if work is not None and work.writes else ""

    def run_long(self, label: str, work: Callable[[Database, Progress], T], *,
                 text: str = "", cancellable: bool = True, writes: bool = True,
                 blocks_window: bool = False, changes: Changes | None = None,
                 refused_title: str = "") -> Done[T] | Refused:
        """Run `work(db, progress)` in a worker behind the shared progress
        dialog (`text`, default "<label>…"), the window going on meanwhile;
        returns once it has ended. Cancel (when `cancellable`) makes the
        work's next `progress(...)` raise `Cancelled` inside its still open
        transaction: nothing changes. While work that `writes` runs, edits
        are refused ("Wait for <label> to finish"); `blocks_window` keeps the
        window from use too (the file itself is being replaced).

        When the work changed the database, `changed` says so with `changes`
        (default: anything may have changed). A refusal is shown with
        `refused_title` (default "<label>: not done")."""
        title = refused_title or f"{label}: not done"
        running = self.long_work.label
        if running:
            return self._refused_long(title, f"Wait for {running} to finish; nothing was "
                                             "changed.", for_now=True)
        if writes and self.db.read_only:
            return self._refused_long(title, f"{self.db.location} is open read-only; "
                                             "nothing was changed.")
        db = self.db
        before = db.writes
        outcome = self.long_work.run(
            label, text or f"{label}…", lambda progress: work(db, progress),
            cancellable=cancellable, blocks_window=blocks_window, writes=writes)
        error = outcome.error
        if isinstance(error, Cancelled):
            log.info("%s cancelled", label)
            ask.inform(self._window, f"{label}: cancelled", str(error))
            return Refused(str(error), False)
        if isinstance(error, PerfDeskError | OSError):
            log.warning("%s refused: %s", label, error)
            return self._refused_long(title, str(error),
                                      for_now=isinstance(error, DatabaseBusy | StorageFailure))
        if error is not None:
            raise error  # a bug: the crash handler reports it
        done = changes if changes is not None else Changes.all()
        if db.writes == before:
            done = Changes()
        if done.anything:
            self.changed.emit(done)
        return Done(outcome.value, done)

    def run_long_edit(self, label: str, operation: Callable[[Session, Progress], T], *,
                      text: str = "", cancellable: bool = True, backup: str = "",
                      refused_title: str = "") -> Done[T] | Refused:
        """`run_long` for one undoable edit (importing a plan or a return):
        `operation(session, progress)` in one recorded transaction, then on
        the undo stack like any edit. `backup`: the reason for a backup taken
        first (outside data is backed up before it is applied)."""
        author = self.author

        def work(db: Database, progress: Progress) -> tuple[T, Edit]:
            if backup:
                _backup_before(db, backup)
            return perform(db, label, lambda s: operation(s, progress), author)

        result = self.run_long(label, work, text=text, cancellable=cancellable,
                               changes=Changes(), refused_title=refused_title)
        if isinstance(result, Refused):
            return result
        value, edit = result.value
        log.info("%s: %d changes", label, len(edit.changes))
        self.history.record(edit)
        self.undo_state.emit()
        changes = Changes.of_edit(edit)
        self.changed.emit(changes)
        return Done(value, changes)

    def _refused_long(self, title: str, message: str, *, for_now: bool = False) -> Refused:
        ask.refuse(self._window, title, message)
        return Refused(message, for_now)

    def read_in_worker(self, query: Callable[[Session], T], done: Callable[[T], None],
                       receiver: QObject) -> None:
        """`query` in a session of its own in a worker; `done(result)` later,
        on the GUI thread, if `receiver` (the view asking) is still there.
        For reads that take long enough to be felt (the Overview's counts
        over 20,000 actions); the window goes on meanwhile."""
        reader: Reader | None = getattr(self, "_reader", None)
        if reader is None:
            reader = self._reader = Reader(self)
        db = self.db

        def work() -> T:
            with db.read() as session:
                return query(session)

        reader.read(work, done, receiver)


def _passing(error: PerfDeskError) -> bool:
    """Refused for a passing reason (busy, the disk failed): keep what was typed."""
    return isinstance(error, DatabaseBusy | StorageFailure)


def _backup_before(db: Database, reason: str) -> None:
    from perfdesk.services.workbook.exchange import backup_before

    try:
        backup_before(db, reason)
    except (OSError, PerfDeskError) as exc:
        raise StorageFailure(f"The backup before importing could not be written: {exc}. "
                             "Nothing was changed.") from exc

