"""Long work off the GUI thread, for `Operations.run_long` (the only caller).

The work runs in a `QThreadPool` worker. It gets a `Progress` to report how
far it has got; services take it as their `progress(done, total)` callback.
The progress is passed to the window through a `QObject` living in the GUI
thread (queued signals), at most every 50 ms, so the window keeps painting,
ticking and answering. Meanwhile the caller waits in a local event loop, as
a modal dialog's `exec()` does, so a command reads top to bottom.

Cancelling only sets a flag: the work's next `progress(...)` call raises
`Cancelled`. Services call `progress` only while their transaction is open
(or before they replace a file), so a cancel rolls the transaction back and
nothing changes.

Python's garbage collector stops every thread while it runs, and a full
collection over the many objects long work makes (a 50,000-change bundle)
takes a few hundred milliseconds - and finds nothing to free: those objects
are freed as they go, by reference counting. So while long work runs, only
the young generations are collected (`_young_only`); the window never waits
on a full collection.

Each worker opens its own sessions: a `Database` makes a new session for
every `read()`/`write()`, and the SQLite engine's pool hands connections to
any thread (`check_same_thread=False`, one connection per session at a
time), so the window's reads and the worker's transaction never share one.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThread, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from perfdesk.errors import Cancelled, PerfDeskError
from perfdesk.ui.dialogs.progress_dialog import ProgressDialog

log = logging.getLogger(__name__)
EVERY_S = 0.05  # the most often progress is passed to the window
# How long the window waits for the GIL while the worker holds it (Python's
# default is 5 ms). Every call from Qt into Python code - an event, a paint,
# a model's data() - waits that long, and drawing a dialog makes hundreds.
SWITCH_S = 0.0002


_working: list[tuple[tuple[int, int, int], float]] = []  # the settings to go back to


def _window_first_on() -> None:
    """While any work runs in a worker: no full garbage collection (the
    oldest generation waits), and the GIL handed to the window sooner."""
    _working.append((gc.get_threshold(), sys.getswitchinterval()))
    if len(_working) == 1:
        young, middle, _oldest = gc.get_threshold()
        gc.set_threshold(young, middle, 1_000_000)
        sys.setswitchinterval(SWITCH_S)


def _window_first_off() -> None:
    threshold, interval = _working.pop()
    if not _working:
        gc.set_threshold(*threshold)
        sys.setswitchinterval(interval)


@contextmanager
def _window_first() -> Iterator[None]:
    _window_first_on()
    try:
        yield
    finally:
        _window_first_off()


class Progress:
    """What the work calls: `progress(done, total)` (a service's callback),
    `progress.say(text)` to say what it is doing now, `progress.check()`
    between steps. Each raises `Cancelled` once Cancel has been pressed."""

    def __init__(self, bridge: _Bridge, what: str, cancellable: bool) -> None:
        self._bridge = bridge
        self._what = what
        self._text = ""
        self.cancellable = cancellable
        self._cancel = threading.Event()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        self.check()
        now = time.monotonic()
        if now - self._last >= EVERY_S or done >= total:
            self._last = now
            self._bridge.progressed.emit(done, total, self._text)

    def say(self, text: str) -> None:
        self.check()
        self._text = text
        self._bridge.progressed.emit(0, 0, text)

    def check(self) -> None:
        if self.cancellable and self._cancel.is_set():
            raise Cancelled(self._what)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


def _yield_to_the_window() -> None:
    """The worker thread runs at a lower priority than the window's, so on a
    busy computer the window is scheduled first (Qt's thread priorities do
    nothing on Linux; a thread's own nice value does)."""
    QThread.currentThread().setPriority(QThread.Priority.LowPriority)
    if sys.platform.startswith("linux"):
        with suppress(OSError):  # raising one's own nice value needs no privilege
            window_nice = os.getpriority(os.PRIO_PROCESS, os.getpid())  # the main thread's
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(window_nice + 5, 19))


class _Bridge(QObject):
    """Lives in the GUI thread: signals emitted by the worker arrive queued."""

    progressed = Signal(int, int, str)
    finished = Signal()


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], progress: Progress,
                 outcome: Outcome, bridge: _Bridge) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python keeps it until the caller is done
        self.work, self.progress, self.outcome, self.bridge = work, progress, outcome, bridge

    def run(self) -> None:
        _yield_to_the_window()
        try:
            self.outcome.value = self.work(self.progress)
        except BaseException as exc:  # handed to the GUI thread, which decides
            self.outcome.error = exc
        finally:
            self.bridge.finished.emit()


class LongWork(QObject):
    """Runs one piece of long work at a time, behind the shared dialog."""

    started = Signal(str)  # the label of the work begun
    ended = Signal()

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._window = parent
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._dialog: ProgressDialog | None = None
        self.label = ""  # what runs now ("" when nothing does)
        self.writes = False  # whether it changes the database (edits wait for it)

    @property
    def dialog(self) -> ProgressDialog:
        if self._dialog is None:
            self._dialog = ProgressDialog(self._window)
        return self._dialog

    def run(self, label: str, text: str, work: Callable[[Progress], Any], *,
            cancellable: bool, blocks_window: bool, writes: bool) -> Outcome:
        """Run `work(progress)` in a worker, waiting in a local event loop
        (the window keeps going); the caller must check `label` is empty."""
        bridge = _Bridge()
        progress = Progress(bridge, label, cancellable)
        outcome = Outcome()
        dialog = self.dialog
        loop = QEventLoop()
        queued = Qt.ConnectionType.QueuedConnection
        bridge.progressed.connect(dialog.step, queued)
        bridge.finished.connect(loop.quit, queued)
        dialog.cancel_requested.connect(progress.cancel)
        self.label, self.writes = label, writes
        self.started.emit(label)
        dialog.start(text, cancellable=cancellable, blocks_window=blocks_window)
        job = _Job(work, progress, outcome, bridge)
        began = time.perf_counter()
        try:
            with _window_first():
                self.pool.start(job)
                loop.exec()
                self.pool.waitForDone()  # the job has returned; let its thread settle
        finally:
            dialog.cancel_requested.disconnect(progress.cancel)
            dialog.finish()
            self.label, self.writes = "", False
            self.ended.emit()
        log.info("%s: %.2f s in a worker%s", label, time.perf_counter() - began,
                 " (cancelled)" if isinstance(outcome.error, Cancelled) else "")
        return outcome

    def wait(self) -> None:
        """Let running work end (the window is closing)."""
        self.pool.waitForDone()


class Reader(QObject):
    """Reads for a view, in a worker: no dialog, nothing blocked; the view
    shows what it has meanwhile (e.g. "Counting…") and is given the result
    on the GUI thread. A view that has gone by then is given nothing."""

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._running: set[_Job] = set()

    def read(self, work: Callable[[], Any], done: Callable[[Any], None],
             receiver: QObject) -> None:
        bridge = _Bridge()
        outcome = Outcome()
        job = _Job(lambda _progress: work(), Progress(bridge, "", False), outcome, bridge)

        def finished() -> None:
            self._running.discard(job)
            _window_first_off()
            if isinstance(outcome.error, PerfDeskError):  # e.g. the file went: the view keeps
                log.warning("a read for %s failed: %s", type(receiver).__name__, outcome.error)
                return
            if outcome.error is not None:
                raise outcome.error  # a bug: the crash handler reports it
            if shiboken6.isValid(receiver):
                done(outcome.value)

        bridge.finished.connect(finished, Qt.ConnectionType.QueuedConnection)
        self._running.add(job)
        _window_first_on()
        self.pool.start(job)

    @property
    def busy(self) -> bool:
        return bool(self._running)
