"""The crash handler: an error nobody expected is logged with its traceback
(to the log file: the terminal gets one plain line, see `perfdesk.log`) and
shown in a dialog that says where the log is, instead of the app vanishing.
Known problems never get here; they are refused in plain words
where they happen."""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("perfdesk.crash")


def crash_message(log_path: Path | None) -> str:
    where = f"Details were written to {log_path}." if log_path else "Details were logged."
    return ("PerfDesk hit a problem it did not expect. Your edits up to this moment "
            f"are saved. {where}")


class CrashHandler:
    """Installed as `sys.excepthook`; it never raises."""

    def __init__(self, log_path: Path | None) -> None:
        self.log_path = log_path
        self._showing = False

    def __call__(self, kind: type[BaseException], error: BaseException,
                 trace: TracebackType | None) -> None:
        try:
            if issubclass(kind, KeyboardInterrupt):
                log.info("Interrupted from the keyboard")
                return
            log.critical("Unexpected error", exc_info=(kind, error, trace))
            if QApplication.instance() is None or self._showing:
                return  # no window to show it in, or one crash dialog is open already
            self._show("".join(traceback.format_exception(kind, error, trace)))
        except Exception:  # the crash handler itself must never crash, nor print a traceback
            with contextlib.suppress(Exception):
                sys.stderr.write(f"PerfDesk hit an unexpected problem ({kind.__name__}). "
                                 f"{crash_message(self.log_path).split('. ', 1)[1]}\n")

    def _show(self, details: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, "PerfDesk: unexpected problem",
                          crash_message(self.log_path))
        box.setDetailedText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.setAccessibleName("Unexpected problem")
        self._showing = True
        try:
            box.exec()
        finally:
            self._showing = False
            box.deleteLater()


def install_excepthook(log_path: Path | None) -> None:
    """Log every uncaught exception and show the crash dialog."""
    sys.excepthook = CrashHandler(log_path)
