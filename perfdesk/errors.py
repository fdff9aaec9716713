"""Errors a user can cause, each with a plain message. Anything else is a bug."""

from __future__ import annotations

from dataclasses import dataclass


class PerfDeskError(Exception):
    """A known problem: the message says what happened and what to do."""


class DatabaseMissing(PerfDeskError):
    pass


class NotPerfDeskDatabase(PerfDeskError):
    pass


class DatabaseTooNew(PerfDeskError):
    pass


class DatabaseBusy(PerfDeskError):
    pass


class DatabaseReadOnly(PerfDeskError):
    pass


class StorageFailure(PerfDeskError):
    pass


class NotFound(PerfDeskError):
    pass


class Conflict(PerfDeskError):
    pass


@dataclass(frozen=True)
class Problem:
    """One located problem in a file someone gave us."""

    where: str  # e.g. "Actions row 7, column Timeframe"
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class ValidationFailed(PerfDeskError):
    """A file was refused; every problem is listed, one line each."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        lines = "\n".join(str(p) for p in problems)
        super().__init__(
            f"{source}: refused, {count} problem{'s' if count != 1 else ''}; "
            f"nothing was changed.\n{lines}"
        )


class Cancelled(PerfDeskError):
    """Long work stopped at the user's request, before it committed: nothing changed.

    Raised from a progress callback while the work's transaction is still
    open, so the transaction rolls back."""

    def __init__(self, what: str = "The work") -> None:
        super().__init__(f"{what} was cancelled; nothing was changed.")
