"""The status vocabulary of an action, and the overdue rule."""

from __future__ import annotations

import datetime as dt
from enum import Enum


class Status(Enum):
    """An action's status. Each has a label, a colour and a symbol, so it never
    relies on colour alone."""

    NOT_STARTED = ("Not started", "#8a8f98", "○")
    ON_TRACK = ("On track", "#2e7d32", "▲")
    AT_RISK = ("At risk", "#e0a000", "◆")
    OFF_TRACK = ("Off track", "#c62828", "▼")
    COMPLETE = ("Complete", "#1565c0", "✓")
    CLOSED = ("Closed", "#37474f", "■")

    def __init__(self, label: str, colour: str, symbol: str) -> None:
        self.label = label
        self.colour = colour
        self.symbol = symbol

    @property
    def is_finished(self) -> bool:
        return self in (Status.COMPLETE, Status.CLOSED)

    @classmethod
    def parse(cls, text: str) -> Status:
        """Status from its label, in any case and spacing ("on-track", "ON TRACK")."""
        exact = _BY_LABEL.get(text)
        if exact is not None:  # the stored form: the common case, read 20,000 times
            return exact
        key = " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()
        for status in cls:
            if status.label.casefold() == key:
                return status
        labels = ", ".join(s.label for s in cls)
        raise ValueError(f"unknown status {text!r} (expected one of: {labels})")


STATUS_LABELS: tuple[str, ...] = tuple(s.label for s in Status)
_BY_LABEL: dict[str, Status] = {s.label: s for s in Status}


def is_overdue(due: dt.date | None, status: Status, as_at: dt.date) -> bool:
    """Overdue: the current due date is before the "as at" date and the action
    is neither Complete nor Closed."""
    return due is not None and due < as_at and not status.is_finished
