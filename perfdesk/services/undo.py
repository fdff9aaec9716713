"""The undo and redo stacks of one window over one database.

Every entry is an `Edit` already committed; undoing reverses it in the
database (as a recorded change) and redoing reverses the reversal. A refused
undo (the data changed again since) leaves both stacks as they were.
"""

from __future__ import annotations

from perfdesk.store.database import Database
from perfdesk.store.edits import Edit, reverse


class UndoHistory:
    def __init__(self, db: Database, limit: int = 500) -> None:
        self.db = db
        self.limit = limit
        self._done: list[Edit] = []
        self._undone: list[Edit] = []

    def record(self, edit: Edit) -> None:
        """A new edit: it can be undone, and nothing undone can be redone."""
        if not edit.changes:
            return
        self._done.append(edit)
        del self._done[: -self.limit]
        self._undone.clear()

    @property
    def undo_label(self) -> str | None:
        return self._done[-1].label if self._done else None

    @property
    def redo_label(self) -> str | None:
        return self._undone[-1].label if self._undone else None

    def undo(self) -> Edit:
        """Undo the latest edit; returns what the undo changed."""
        reversal = reverse(self.db, self._done[-1])
        self._done.pop()
        self._undone.append(reversal)
        return reversal

    def redo(self) -> Edit:
        again = reverse(self.db, self._undone[-1])
        self._undone.pop()
        self._done.append(again)
        return again

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
