"""The status vocabulary of an action, and the overdue rule."""

from __future__ import annotations

import datetime as dt

from perfdesk.domain.labelled import Labelled


class Status(Labelled):
    """An action's status, by its label (the stored form). How each is shown,
    its colour and symbol, is in `perfdesk.presentation`."""

    NOT_STARTED = "Not started"
    ON_TRACK = "On track"
    AT_RISK = "At risk"
    OFF_TRACK = "Off track"
    COMPLETE = "Complete"
    CLOSED = "Closed"

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
