"""Models for the action editor's lists: updates, steps, history (on the
one rows-model base, `ui/models/rows_model.py`) and the action's leads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Sequence
from enum import IntEnum
from typing import ClassVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from perfdesk import presentation
from perfdesk.domain.text import one_line
from perfdesk.services.actions.detail import HistoryEntry, UpdateView
from perfdesk.store.schema import Step
from perfdesk.ui.models.rows_model import ROW_ROLE, SORT_ROLE, Index, Role, RowsModel
from perfdesk.ui.plan.editor.fields import day_text, local_time_text
from perfdesk.ui.status_icons import status_dot

WITHDRAWN_GREY = "#6b7078"


class UpdateColumn(IntEnum):
    DATE = 0
    STATUS = 1
    BY = 2
    DONE = 3
    NEXT = 4


class UpdatesModel(RowsModel[UpdateView]):
    """Progress updates, newest first; withdrawn ones greyed and struck through."""

    Column = UpdateColumn
    headers: ClassVar[dict[int, str]] = {
        UpdateColumn.DATE: "Date", UpdateColumn.STATUS: "Status", UpdateColumn.BY: "By",
        UpdateColumn.DONE: "What was done", UpdateColumn.NEXT: "Next steps",
    }

    def cell(self, row: UpdateView, column: UpdateColumn, role: int) -> object:
        if role in (Role.DisplayRole, Role.AccessibleTextRole):
            text = self._text(row, column)
            if role == Role.AccessibleTextRole and column == UpdateColumn.STATUS:
                text = row.status.label + (" (withdrawn)" if row.withdrawn else "")
            return text
        if role == Role.ToolTipRole:
            full = {UpdateColumn.DONE: row.done, UpdateColumn.NEXT: row.next_steps}
            tip = full.get(column, "")
            if row.withdrawn:
                tip = f"{withdrawal_note(row)}\n\n{tip}".strip()
            return tip or None
        if role == Role.DecorationRole and column == UpdateColumn.STATUS:
            return status_dot(row.status)
        if role == Role.ForegroundRole and row.withdrawn:
            return QColor(WITHDRAWN_GREY)
        if role == Role.FontRole and row.withdrawn:
            font = QFont()
            font.setItalic(True)
            font.setStrikeOut(column != UpdateColumn.DONE)
            return font
        if role == SORT_ROLE:
            if column == UpdateColumn.DATE:
                return f"{row.reported_on.isoformat()} {row.recorded_at.isoformat()}"
            return self._text(row, column).casefold()
        return None

    @staticmethod
    def _text(row: UpdateView, column: UpdateColumn) -> str:
        if column == UpdateColumn.DATE:
            return day_text(row.reported_on)
        if column == UpdateColumn.STATUS:
            return presentation.badge(row.status)
        if column == UpdateColumn.BY:
            return row.author
        if column == UpdateColumn.DONE:
            done = one_line(row.done)
            return f"{withdrawal_note(row)} — {done}" if row.withdrawn else done
        return one_line(row.next_steps)


def withdrawal_note(row: UpdateView) -> str:
    who = row.withdrawn_by or "someone"
    return f"Withdrawn by {who}: {row.withdrawn_reason or 'no reason given'}"


class StepColumn(IntEnum):
    DONE = 0
    STEP = 1
    TIMESCALE = 2


class StepsModel(RowsModel[Step]):
    """An action's steps; ticking Done calls `on_toggle(step_id, done)`,
    which makes the edit (the model changes when the database does)."""

    Column = StepColumn
    headers: ClassVar[dict[int, str]] = {
        StepColumn.DONE: "Done", StepColumn.STEP: "Step", StepColumn.TIMESCALE: "Timescale",
    }

    def __init__(self) -> None:
        super().__init__()
        self.on_toggle: Callable[[str, bool], bool] | None = None
        self.editable = True

    def set_editable(self, editable: bool) -> None:
        if editable != self.editable:
            self.editable = editable
            if self._rows:
                last = self.index(len(self._rows) - 1, 0)
                self.dataChanged.emit(self.index(0, 0), last)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == StepColumn.DONE and self.editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def cell(self, row: Step, column: StepColumn, role: int) -> object:
        if column == StepColumn.DONE:
            if role == Role.CheckStateRole:
                return Qt.CheckState.Checked if row.done else Qt.CheckState.Unchecked
            if role == Role.AccessibleTextRole:
                return "Done" if row.done else "Not done"
            if role == Role.ToolTipRole:
                return "Tick when this step is done"
            if role == SORT_ROLE:
                return int(row.done)
            return None
        text = row.text if column == StepColumn.STEP else row.timescale
        if role in (Role.DisplayRole, Role.AccessibleTextRole):
            return one_line(text)
        if role == Role.ToolTipRole:
            return text or None
        if role == SORT_ROLE:
            return text.casefold()
        return None

    def setData(self, index: Index, value: object, role: int = Role.EditRole) -> bool:
        if (not index.isValid() or role != Role.CheckStateRole
                or index.column() != StepColumn.DONE or not self.editable
                or self.on_toggle is None):
            return False
        done = Qt.CheckState(value) == Qt.CheckState.Checked
        return self.on_toggle(self._rows[index.row()].id, done)


class HistoryColumn(IntEnum):
    WHEN = 0
    WHO = 1
    WHAT = 2
    OLD = 3
    NEW = 4


class HistoryModel(RowsModel[HistoryEntry]):
    """Recorded changes to an action and its leads, steps and updates; read-only."""

    Column = HistoryColumn
    headers: ClassVar[dict[int, str]] = {
        HistoryColumn.WHEN: "When", HistoryColumn.WHO: "Who", HistoryColumn.WHAT: "What",
        HistoryColumn.OLD: "Old value", HistoryColumn.NEW: "New value",
    }

    def key(self, row: HistoryEntry) -> Hashable:
        return row

    def cell(self, row: HistoryEntry, column: HistoryColumn, role: int) -> object:
        texts = {
            HistoryColumn.WHEN: local_time_text(row.changed_at), HistoryColumn.WHO: row.author,
            HistoryColumn.WHAT: row.what, HistoryColumn.OLD: readable(row.old),
            HistoryColumn.NEW: readable(row.new),
        }
        if role in (Role.DisplayRole, Role.AccessibleTextRole):
            return one_line(texts[column])
        if role == Role.ToolTipRole:
            return texts[column] or None
        if role == SORT_ROLE:
            if column == HistoryColumn.WHEN:
                return row.changed_at.isoformat()
            return texts[column].casefold()
        return None


def readable(value: str) -> str:
    """A recorded value as people write it: yes/no, "31 Jul 2023", local times."""
    if value in ("true", "false"):
        return "Yes" if value == "true" else "No"
    if len(value) >= 10 and value[:4].isdigit() and value[4:5] == "-":
        try:
            if len(value) == 10:
                return day_text(dt.date.fromisoformat(value))
            if value[10] in "T ":
                return local_time_text(dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    return value


class ActionLeadsModel(QAbstractListModel):
    """The action's leads in order, as (id, name)."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[str, str]] = []

    def set_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def ids(self) -> list[str]:
        return [lead_id for lead_id, _ in self._rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Role.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        lead_id, lead_name = self._rows[index.row()]
        if role in (Role.DisplayRole, Role.AccessibleTextRole, Role.ToolTipRole):
            return lead_name
        if role == ROW_ROLE:
            return lead_id
        return None
