"""Checks every plan edit makes of what it is given: the row still exists,
a name is not blank, a choice is one of the allowed words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlmodel import Session

from perfdesk.domain.text import one_line
from perfdesk.errors import Conflict, NotFound
from perfdesk.store.schema import Synced

S = TypeVar("S", bound=Synced)


def live_row(session: Session, table: type[S], row_id: str, what: str) -> S:
    """A row that is not tombstoned, or a NotFound naming `what` it was."""
    row = session.get(table, row_id)
    if row is None or row.deleted_at is not None:
        raise NotFound(f"That {what} has been deleted (perhaps in another window).")
    return row


def required_line(value: str, what: str) -> str:
    """A name or title: spacing tidied (`one_line`), never blank."""
    text = one_line(value)
    if not text:
        raise Conflict(f"{what} cannot be blank.")
    return text


def choice(value: str, choices: Sequence[str], what: str) -> str:
    for choice in choices:
        if choice.casefold() == value.strip().casefold():
            return choice
    raise Conflict(f"{value!r} is not a {what}; choose one of: {', '.join(choices)}.")
