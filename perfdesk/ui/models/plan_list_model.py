"""The plans in a database, as a table model: a column per count, then one
per status."""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

from perfdesk import presentation
from perfdesk.domain.status import Status
from perfdesk.services.summaries import PlanSummary
from perfdesk.ui.models.rows_model import RIGHT_ALIGNED, Role, RowsModel


class Column(IntEnum):
    PLAN = 0
    TITLE = 1
    PRIORITIES = 2
    ACTIONS = 3
    MEASURES = 4


STATUS_COLUMNS = tuple(Status)  # one column per status after the fixed ones


class PlanListModel(RowsModel[PlanSummary]):
    Column = Column
    headers: ClassVar[dict[int, str]] = {
        Column.PLAN: "Plan", Column.TITLE: "Title", Column.PRIORITIES: "Priorities",
        Column.ACTIONS: "Actions", Column.MEASURES: "Measures",
        **{len(Column) + n: presentation.badge(s) for n, s in enumerate(STATUS_COLUMNS)},
    }

    def cell(self, row: PlanSummary, column: int, role: int) -> object:
        if role == Role.TextAlignmentRole and column >= Column.PRIORITIES:
            return RIGHT_ALIGNED
        if role != Role.DisplayRole:
            return None
        if not isinstance(column, Column):
            return row.by_status[STATUS_COLUMNS[column - len(Column)].label]
        return {
            Column.PLAN: row.short_name, Column.TITLE: row.title,
            Column.PRIORITIES: row.priorities, Column.ACTIONS: row.actions,
            Column.MEASURES: row.measures,
        }[column]
