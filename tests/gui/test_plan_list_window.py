"""The interim window: opening PerfDesk shows the plans in the database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from perfdesk.store.database import Database
from perfdesk.ui.app import PlanListWindow, open_or_create_default
from perfdesk.ui.plan_list_model import Column


def test_window_lists_the_demo_plans_with_counts(qtbot, demo_db: Database, tmp_path: Path) -> None:
    window = PlanListWindow(demo_db)
    qtbot.addWidget(window)
    window.resize(1000, 400)
    window.show()
    model = window.model
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    names = [model.index(r, Column.PLAN).data() for r in range(model.rowCount(QModelIndex()))]
    assert names == ["Children's Services", "Corporate Services", "Partnership"]
    actions = [model.index(r, Column.ACTIONS).data() for r in range(3)]
    assert actions == [39, 19, 10]
    assert model.headerData(Column.ACTIONS, Qt.Orientation.Horizontal) == "Actions"
    assert str(demo_db.location) in window.statusBar().currentMessage()
    window.grab().save(str(tmp_path / "plan-list.png"))
    assert (tmp_path / "plan-list.png").stat().st_size > 0


def test_first_run_creates_the_default_database_with_the_demo_plans(tmp_path: Path) -> None:
    # conftest points PERFDESK_DB into tmp_path/user
    db = open_or_create_default(None, read_only=False)
    try:
        from perfdesk.services.summaries import plan_summaries

        with db.read() as session:
            assert [s.actions for s in plan_summaries(session)] == [39, 19, 10]
        assert Path(db.location).parent == tmp_path / "user"
    finally:
        db.close()
