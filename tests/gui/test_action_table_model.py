"""The actions' table model as the view paints it: every role of every cell
in one `multiData` call, agreeing with `data()`, and fresh after an edit."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtTest import QAbstractItemModelTester

from perfdesk.domain.action_view import ActionRow
from perfdesk.domain.status import Status
from perfdesk.ui.models.action_table_model import ActionTableModel, Column

TODAY = dt.date(2024, 3, 31)
ROLES = (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
         Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.CheckStateRole,
         Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.DisplayRole,
         Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
         Qt.ItemDataRole.AccessibleTextRole)


def _row(n: int, *, timeframe: str | None = "0–3 months", overdue: bool = False,
         text: str = "Recruit foster carers\nsecond line") -> ActionRow:
    return ActionRow(
        id=f"a{n}", plan_id="p", ref=f"1.{n}", text=text, priority_id=None, priority_ref="",
        timeframe=timeframe, lead_ids=("l1",), leads=("Head of Fostering",), by_when="",
        due_date=dt.date(2024, 1, 31), original_due_date=None, status=Status.parse("On track"),
        latest_on=None, latest_text="", overdue=overdue, order=n,
        search_key=f"1.{n}\n{text}".casefold())


def _painted(model: ActionTableModel, row: int, column: int) -> dict[int, object]:
    """What the view gets from `multiData`, role by role (a span of one:
    PySide cannot make a longer span from Python)."""
    got = {}
    for role in ROLES:
        asked = QModelRoleData(int(role.value))
        model.multiData(model.index(row, column), QModelRoleDataSpan(asked))
        got[asked.role()] = asked.data()
    return got


def _model(rows: list[ActionRow]) -> ActionTableModel:
    model = ActionTableModel(TODAY)
    model.set_rows(rows)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    return model


def test_every_painted_role_agrees_with_data(qtbot) -> None:
    model = _model([_row(1), _row(2, overdue=True), _row(3, timeframe=None)])
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            painted = _painted(model, row, column)
            for role in ROLES:
                expected = model.data(model.index(row, column), role)
                got = painted[int(role.value)]
                if role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole,
                            Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
                    assert (got is None) == (expected is None), (row, column, role)
                else:
                    assert got == expected, (row, column, role)
    first = model.index_of("a1").row()
    assert _painted(model, first, Column.ACTION)[0] == "Recruit foster carers"
    assert _painted(model, model.index_of("a2").row(), Column.OVERDUE)[0].startswith("⚠ 60 day")
    assert _painted(model, 0, 0)[0] == "0–3 months — 2 actions"


def test_an_edited_row_is_painted_with_its_new_text(qtbot) -> None:
    model = _model([_row(1), _row(2)])
    at = model.index_of("a2").row()
    assert _painted(model, at, Column.ACTION)[0] == "Recruit foster carers"
    model.replace_rows([replace(_row(2), text="Open two new children's homes")])
    assert _painted(model, at, Column.ACTION)[0] == "Open two new children's homes"
    assert model.data(model.index(at, Column.ACTION)) == "Open two new children's homes"
