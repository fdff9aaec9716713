"""The Overview tab as the board secretary uses it: where things stand, and a
click through to the actions or measures behind a bar or a count."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication, QToolTip

from perfdesk import presentation
from perfdesk.domain.status import Status
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.overview import ActionRequest, MeasureRequest
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.ui.models.plan_list_model import STATUS_COLUMNS, Column
from perfdesk.ui.ops import Operations
from perfdesk.ui.overview.charts import BarChart
from perfdesk.ui.overview.exception_model import Column as ExceptionColumn
from perfdesk.ui.overview.tab import COUNTING, OverviewTab
from perfdesk.ui.settings import Settings

TODAY = dt.date(2023, 10, 2)
LAPTOP = (1366, 768)
CHILDRENS = "Children's Services"
SHOTS = Path("/tmp")
FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


def _ids(db: Database, plan_name: str) -> tuple[str, dict[str, str]]:
    with db.read() as session:
        plan = queries.find_plan(session, plan_name)
        return plan.id, {a.ref: a.id for a in queries.plan_actions(session, plan.id)}


@pytest.fixture
def ops(demo_db: Database, tmp_path: Path) -> Operations:
    updates = [
        (CHILDRENS, "1.1", Status.ON_TRACK, dt.date(2023, 6, 1)),
        (CHILDRENS, "1.2", Status.OFF_TRACK, dt.date(2023, 9, 20)),
        (CHILDRENS, "1.3", Status.AT_RISK, dt.date(2023, 9, 25)),
        (CHILDRENS, "2.1", Status.COMPLETE, dt.date(2023, 8, 1)),
        (CHILDRENS, "3.1", Status.ON_TRACK, dt.date(2023, 7, 7)),
        ("Partnership", "PA1.1", Status.AT_RISK, dt.date(2023, 9, 1)),
    ]
    with demo_db.write() as session:
        for plan, ref, status, on in updates:
            action = _ids(demo_db, plan)[1][ref]
            action_edits.add_update(session, action, status=status, reported_on=on,
                                    author="tester", done=f"{status.label} now\nsecond line")
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    return Operations(demo_db, settings)


@pytest.fixture
def tab(qtbot, ops: Operations) -> OverviewTab:
    widget = OverviewTab(ops, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(*LAPTOP)
    widget.show()
    qtbot.waitExposed(widget)
    _wait_for_counts(qtbot, widget)
    _settle(qtbot, widget)
    return widget


def _wait_for_counts(qtbot, tab: OverviewTab) -> None:
    """The tab is drawn saying it is counting; wait, as a user would, for the counts."""
    qtbot.waitUntil(lambda: tab.view is not None and not tab.counting
                    and tab.summary.text() != COUNTING)


def _settle(qtbot, tab: OverviewTab) -> None:
    """Wait until the page has been laid out at its full height."""
    page = tab.scroll_area.widget()
    qtbot.waitUntil(lambda: page.height() == max(page.minimumSizeHint().height(),
                                                 tab.scroll_area.viewport().height()))


def _choose(qtbot, tab: OverviewTab, name: str) -> None:
    tab.scope.setCurrentIndex(tab.scope.findText(name))
    _wait_for_counts(qtbot, tab)  # counted in a worker
    _settle(qtbot, tab)


def _save(qtbot, tab: OverviewTab, name: str) -> None:
    bar = tab.scroll_area.verticalScrollBar()
    bar.setValue(0)
    tab.grab().save(str(SHOTS / f"{name}.png"))
    bar.setValue(bar.maximum())
    tab.grab().save(str(SHOTS / f"{name}_lower.png"))
    bar.setValue(0)


def test_building_the_tab_does_not_load_pyqtgraph(demo_db: Database) -> None:
    """pyqtgraph loads when the Overview is first shown, not at start-up.
    Run apart, so no other test's imports count."""
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication
        from perfdesk.store.database import open_database
        from perfdesk.ui.ops import Operations
        from perfdesk.ui.overview.tab import OverviewTab
        from perfdesk.ui.settings import Settings
        app = QApplication([])
        db = open_database({demo_db.location!r}, author="tester")
        settings = Settings(QSettings({str(Path(demo_db.location).parent / "p.ini")!r},
                                      QSettings.Format.IniFormat))
        tab = OverviewTab(Operations(db, settings))
        print("pyqtgraph" in sys.modules, flush=True)
        os._exit(0)
    """)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.stdout.strip() == "False", done.stderr


def test_renders_everything_readably_at_laptop_size(qtbot, tab: OverviewTab) -> None:
    assert tab.scope.currentText() == "All plans"
    assert tab.model.rowCount() == 3
    charts = tab.charts
    assert set(charts) == {"priority", "timeframe", "measures", "quarters"}
    for chart in charts.values():
        assert chart.plot.isVisible() and chart.plot.height() >= 200
        assert 560 <= chart.plot.width() <= 700  # two to a row, none squeezed
        assert "▲ On track" in chart.legend.text() or "● Green" in chart.legend.text()
    priority, timeframe = charts["priority"], charts["timeframe"]
    left, right = priority.mapTo(tab, priority.rect().topLeft()), timeframe.mapTo(
        tab, timeframe.rect().topLeft())
    assert left.y() == right.y() and left.x() < right.x()  # side by side
    # Long priority names are wrapped to two lines and elided, never cut off
    ticks = priority.category_axis._tickLevels[0]
    assert len(ticks) == len(priority.bars.categories)
    assert all(label.count("\n") <= 1 for _, label in ticks)
    assert any(label.endswith("…") for _, label in ticks)
    assert "10 priorities have no actions" in priority.note.text()
    assert tab.quarter_model.rowCount() == 2  # 30 Jun and 30 Sep 2023 have passed
    assert tab.exception_model.rowCount() > 20
    assert not tab.exceptions.isColumnHidden(0)
    _save(qtbot, tab, "overview_all")
    _choose(qtbot, tab, CHILDRENS)
    _save(qtbot, tab, "overview_plan")


def test_choosing_a_plan_changes_the_counts(qtbot, tab: OverviewTab, demo_db) -> None:
    everyone = tab.view
    assert everyone is not None and everyone.actions == 68
    _choose(qtbot, tab, CHILDRENS)
    assert tab.plan_id == _ids(demo_db, CHILDRENS)[0]
    assert tab.view is not None and tab.view.actions == 39
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, Column.PLAN).data() == CHILDRENS
    assert tab.charts["priority"].bars.categories == (
        "1 Change", "2 Leadership", "3 Engagement", "4 Workforce")
    assert "39 actions" in tab.summary.text()
    assert tab.exceptions.isColumnHidden(0)  # one plan: no Plan column
    assert {tab.exception_model.row(r).plan_short_name
            for r in range(tab.exception_model.rowCount())} == {CHILDRENS}
    _choose(qtbot, tab, "Corporate Services")
    assert tab.charts["measures"].note.text() == "This plan has no measures."
    assert not tab.charts["measures"].plot.isVisible()
    _choose(qtbot, tab, "All plans")
    assert tab.model.rowCount() == 3


def test_each_click_asks_for_the_right_actions_or_measures(qtbot, tab, demo_db) -> None:
    childrens, refs = _ids(demo_db, CHILDRENS)
    with demo_db.read() as session:
        change = queries.plan_priorities(session, childrens)[0]
    cases = [
        (lambda: tab.click_priority_status(0, "On track"), tab.open_actions,
         ActionRequest(plan_id=childrens, priority_id=change.id, status="On track")),
        (lambda: tab.click_priority_status(0), tab.open_actions,
         ActionRequest(plan_id=childrens, priority_id=change.id)),
        (lambda: tab.click_timeframe("3–6 months", "Off track"), tab.open_actions,
         ActionRequest(timeframe="3–6 months", status="Off track")),
        (lambda: click_measures(tab, "Children's Services: Child Protection", "Red"),
         tab.open_measures, MeasureRequest(childrens, "Child Protection", "Red")),
        (lambda: tab.click_count(0, len(Column) + STATUS_COLUMNS.index(Status.AT_RISK)),
         tab.open_actions, ActionRequest(plan_id=childrens, status="At risk")),
        (lambda: tab.click_count(0, Column.MEASURES), tab.open_measures,
         MeasureRequest(childrens)),
        (tab.click_overdue, tab.open_actions, ActionRequest(overdue=True)),
        (lambda: tab.exceptions_heading.linkActivated.emit("status:Off track"),
         tab.open_actions, ActionRequest(status="Off track")),
    ]
    for click, signal, wanted in cases:
        with qtbot.waitSignal(signal) as emitted:
            click()
        assert emitted.args == [wanted]
    corporate = tab.view.by_priority[4].plan_id  # a plan whose actions have no priority
    row = next(i for i, p in enumerate(tab._priorities) if p.plan_id == corporate)
    with qtbot.waitSignal(tab.open_actions) as emitted:
        tab.click_priority_status(row, "Complete")
    assert emitted.args == [ActionRequest(plan_id=corporate, priority_id="", status="Complete")]
    first = tab.exception_model.row(0)
    with qtbot.waitSignal(tab.open_actions) as emitted:
        tab.activate_exception(0)
    assert emitted.args == [ActionRequest(plan_id=first.plan_id, action_id=first.action_id)]
    assert refs  # the plan's actions were found


def click_measures(tab: OverviewTab, area: str, rag: str) -> None:
    """Click one RAG's part of an area's bar on the measures chart (the
    signal a mouse click on it sends)."""
    chart = tab.charts["measures"]
    chart.segment_clicked.emit(chart.bars.categories.index(area),
                               [s.label for s in chart.bars.series].index(rag))


def segment_point(chart: BarChart, category: int, series: int) -> QPoint:
    """Where a segment's middle is on screen, in the plot's viewport: where a
    user clicks it."""
    values = chart.bars.values[category]
    middle = sum(values[:series]) + values[series] / 2
    view_point = QPointF(middle, category) if chart.horizontal else QPointF(category, middle)
    scene_point = chart.plot.getPlotItem().getViewBox().mapViewToScene(view_point)
    return chart.plot.mapFromScene(scene_point)


def test_clicking_a_bar_with_the_mouse_opens_its_actions(qtbot, tab, demo_db) -> None:
    _choose(qtbot, tab, CHILDRENS)
    chart = tab.charts["priority"]
    off_track = [s.label for s in chart.bars.series].index("Off track")
    point = segment_point(chart, 0, off_track)  # 1 Change, its Off track part
    with qtbot.waitSignal(tab.open_actions) as emitted:
        qtbot.mouseClick(chart.plot.viewport(), Qt.MouseButton.LeftButton, pos=point)
    request = emitted.args[0]
    assert (request.status, request.plan_id) == ("Off track", _ids(demo_db, CHILDRENS)[0])
    viewport = chart.plot.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point,
                                                viewport.mapToGlobal(point)))
    assert QToolTip.text() == "1 Change\n▼ Off track: 1\nClick to list them."
    assert request.priority_id == tab.view.by_priority[0].priority_id
    timeframe = tab.charts["timeframe"]
    with qtbot.waitSignal(tab.open_actions) as emitted:
        qtbot.mouseClick(timeframe.plot.viewport(), Qt.MouseButton.LeftButton,
                         pos=segment_point(timeframe, 1, 0))
    assert (emitted.args[0].timeframe, emitted.args[0].status) == ("3–6 months", "Not started")
    measures = tab.charts["measures"]
    with qtbot.waitSignal(tab.open_measures) as emitted:
        qtbot.mouseClick(measures.plot.viewport(), Qt.MouseButton.LeftButton,
                         pos=segment_point(measures, 0, 3))
    assert emitted.args == [MeasureRequest(tab.plan_id, "Quality Assurance", "Grey")]


def test_enter_on_an_exception_opens_that_action(qtbot, tab) -> None:
    tab.exceptions.setFocus()
    tab.exceptions.setCurrentIndex(tab.exception_model.index(2, ExceptionColumn.ACTION))
    wanted = tab.exception_model.row(2)
    with qtbot.waitSignal(tab.open_actions) as emitted:
        qtbot.keyClick(tab.exceptions, Qt.Key.Key_Return)
    assert emitted.args[0].action_id == wanted.action_id
    assert tab.exception_model.index(2, 5).data() == presentation.badge(wanted.status)
    first = tab.exception_model.row(0)
    assert first.overdue and tab.exception_model.index(0, 4).data().endswith("– overdue")


def test_models_pass_the_model_tester(tab) -> None:
    for model in (tab.exception_model, tab.quarter_model, tab.model):
        QAbstractItemModelTester(model, FATAL)
    assert tab.quarter_model.headerData(0, Qt.Orientation.Vertical) == "30 Jun 2023"
    total = tab.quarter_model.columnCount() - 1
    assert tab.quarter_model.headerData(total, Qt.Orientation.Horizontal) == "Total"
    assert tab.quarter_model.index(1, total).data() == 68


def test_counts_follow_an_edit_now_if_shown_and_later_if_not(qtbot, tab, ops, demo_db) -> None:
    _, refs = _ids(demo_db, CHILDRENS)
    complete = Status.COMPLETE.label
    before = tab.view.totals[complete]
    ops.run("Add update", lambda s: action_edits.add_update(
        s, refs["4.1"], status=Status.COMPLETE, reported_on=TODAY, author="tester"))
    _wait_for_counts(qtbot, tab)  # counted again at once, in a worker
    assert tab.view.totals[complete] == before + 1
    tab.hide()
    ops.run("Add update", lambda s: action_edits.add_update(
        s, refs["4.2"], status=Status.COMPLETE, reported_on=TODAY, author="tester"))
    assert tab.view.totals[complete] == before + 1  # not counted while hidden
    tab.show()
    _wait_for_counts(qtbot, tab)
    assert tab.view.totals[complete] == before + 2


def test_a_long_attention_list_shows_the_first_and_all_on_request(qtbot, ops, monkeypatch) -> None:
    import perfdesk.ui.overview.tab as overview_tab

    monkeypatch.setattr(overview_tab, "EXCEPTIONS_LISTED", 5)
    widget = OverviewTab(ops, today=TODAY)
    qtbot.addWidget(widget)
    widget.resize(*LAPTOP)
    widget.show()
    _wait_for_counts(qtbot, widget)
    view = widget.view
    assert widget.exception_model.rowCount() == 5 < view.needs_attention
    first = [widget.exception_model.row(r).action_id for r in range(5)]
    heading = widget.exceptions_heading.text()
    assert f"{view.needs_attention} actions" in heading
    assert f"Show all {view.needs_attention}…" in heading
    widget.exceptions_heading.linkActivated.emit(overview_tab.SHOW_ALL_EXCEPTIONS)
    _wait_for_counts(qtbot, widget)
    assert widget.exception_model.rowCount() == widget.view.needs_attention
    assert [widget.exception_model.row(r).action_id for r in range(5)] == first
    assert "Show all" not in widget.exceptions_heading.text()


def test_the_window_loads_the_charts_once_idle_after_its_first_frame(demo_db: Database) -> None:
    """Not at start-up, but soon after the first frame, so the Overview is
    quick when someone opens it. Run apart, so no other test's imports count."""
    script = textwrap.dedent(f"""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QSettings
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication
        from perfdesk.store.database import open_database
        from perfdesk.ui.main_window import MainWindow
        from perfdesk.ui.settings import Settings
        app = QApplication([])
        db = open_database({demo_db.location!r}, author="tester")
        settings = Settings(QSettings({str(Path(demo_db.location).parent / "w.ini")!r},
                                      QSettings.Format.IniFormat))
        window = MainWindow(db, settings)
        before = "pyqtgraph" in sys.modules
        window.show()
        for _ in range(6000):  # up to a minute
            if window.charts_loaded:
                break
            QTest.qWait(10)
        loaded = window.charts_loaded
        print(before, loaded, "pyqtgraph" in sys.modules, window.tabs.tabText(
            window.tabs.currentIndex()) != "Overview", flush=True)
        os._exit(0)
    """)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.stdout.split() == ["False", "True", "True", "True"], done.stderr
