"""The actions that need attention (overdue, off track, at risk), as a table."""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

from PySide6.QtGui import QBrush, QColor

from perfdesk import presentation
from perfdesk.domain.dates import nice_date
from perfdesk.services.overview import ExceptionRow
from perfdesk.ui.models.rows_model import Role, RowsModel
from perfdesk.ui.status_icons import status_dot


class Column(IntEnum):
    PLAN = 0
    REF = 1
    ACTION = 2
    LEADS = 3
    DUE = 4
    STATUS = 5
    LATEST = 6


HEADERS: dict[int, str] = {
    Column.PLAN: "Plan", Column.REF: "Ref", Column.ACTION: "Action",
    Column.LEADS: "Lead(s)", Column.DUE: "Due", Column.STATUS: "Status",
    Column.LATEST: "Latest update",
}


def due_text(row: ExceptionRow) -> str:
    if row.due_date is None:
        return ""
    return f"{nice_date(row.due_date)} – overdue" if row.overdue else nice_date(row.due_date)


def latest_text(row: ExceptionRow) -> str:
    if row.latest_on is None:
        return "No update yet"
    return f"{nice_date(row.latest_on)}: {row.latest_line}".rstrip(": ")


class ExceptionModel(RowsModel[ExceptionRow]):
    Column = Column
    headers: ClassVar[dict[int, str]] = HEADERS

    def key(self, row: ExceptionRow) -> str:
        return row.action_id

    def cell(self, row: ExceptionRow, column: int, role: int) -> object:
        if role in (Role.DisplayRole, Role.ToolTipRole):
            text = self._text(row, column)
            if role == Role.ToolTipRole:
                if column == Column.ACTION:
                    return row.text
                return text if column in (Column.LEADS, Column.LATEST) else None
            return text
        if role == Role.DecorationRole and column == Column.STATUS:
            return status_dot(row.status)
        if role == Role.ForegroundRole and column == Column.DUE and row.overdue:
            return QBrush(QColor(presentation.OVERDUE_COLOUR))
        return None

    @staticmethod
    def _text(row: ExceptionRow, column: int) -> str:
        if column == Column.PLAN:
            return row.plan_short_name
        if column == Column.REF:
            return row.ref
        if column == Column.ACTION:
            return " ".join(row.text.split())  # one line in the list
        if column == Column.LEADS:
            return ", ".join(row.leads)
        if column == Column.DUE:
            return due_text(row)
        if column == Column.STATUS:
            return presentation.badge(row.status)
        return latest_text(row)
