"""Status counts at each quarter end, as a table: a row per quarter end,
a column per status and a total."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt

from perfdesk import presentation
from perfdesk.domain.status import Status
from perfdesk.services.overview import QuarterCounts
from perfdesk.ui.models.rows_model import RIGHT_ALIGNED, Role, RowsModel
from perfdesk.ui.status_icons import status_dot

STATUSES = tuple(Status)
TOTAL_COLUMN = len(STATUSES)


class QuarterModel(RowsModel[QuarterCounts]):
    headers: ClassVar[dict[int, str]] = {
        **{n: presentation.badge(s) for n, s in enumerate(STATUSES)}, TOTAL_COLUMN: "Total",
    }

    def key(self, row: QuarterCounts) -> str:
        return row.label

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Role.DisplayRole) -> object:
        if orientation == Qt.Orientation.Vertical:
            if role == Role.DisplayRole and 0 <= section < len(self._rows):
                return self._rows[section].label
            return None
        if role == Role.DecorationRole and section < TOTAL_COLUMN:
            return status_dot(STATUSES[section])
        return super().headerData(section, orientation, role)

    def cell(self, row: QuarterCounts, column: int, role: int) -> object:
        if role == Role.DisplayRole:
            if column == TOTAL_COLUMN:
                return row.total
            return row.by_status.get(STATUSES[column].label, 0)
        if role == Role.TextAlignmentRole:
            return RIGHT_ALIGNED
        return None
