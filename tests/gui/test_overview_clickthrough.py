"""Clicking in the Overview opens the matching list of actions or measures."""

from __future__ import annotations

import datetime as dt

from perfdesk.domain.status import Status
from perfdesk.services.actions import edits as action_edits
from perfdesk.ui.overview.tab import COUNTING


def _overview(qtbot, window):
    """Choose the Overview tab and wait, as a user would, for its counts."""
    window.tabs.setCurrentWidget(window.overview)
    qtbot.waitUntil(lambda: window.overview.view is not None and not window.overview.counting
                    and window.overview.summary.text() != COUNTING)
    return window.overview


def _choose_plan(qtbot, overview, plan_id: str) -> None:
    """Pick the plan in the Overview's plan box, and wait for its counts (made in a worker)."""
    overview.scope.setCurrentIndex(overview.scope.findData(plan_id))
    qtbot.waitUntil(lambda: not overview.counting and overview.summary.text() != COUNTING)


def _click_measures(overview, area: str, rag: str) -> None:
    """Click one RAG's part of an area's bar on the measures chart (the
    signal a mouse click on it sends)."""
    chart = overview.charts["measures"]
    chart.segment_clicked.emit(chart.bars.categories.index(area),
                               [s.label for s in chart.bars.series].index(rag))


def test_a_priority_bar_segment_opens_those_actions(qtbot, open_window, demo_db) -> None:
    window = open_window(demo_db)
    first = window.plan_tabs()[0]
    late = first.model.shown_rows()[0]
    window.ops.run("Update", lambda s: action_edits.add_update(
        s, late.id, status=Status.OFF_TRACK, reported_on=dt.date(2023, 9, 1), author="A"))
    overview = _overview(qtbot, window)
    _choose_plan(qtbot, overview, late.plan_id)
    row = next(i for i, p in enumerate(overview._priorities) if p.priority_id == late.priority_id)
    overview.click_priority_status(row, "Off track")
    tab = window.current_plan_tab()
    assert tab is first and tab.pages.currentIndex() == 0
    assert [r.ref for r in tab.model.shown_rows()] == [late.ref]
    assert "Off track" in tab.filters.summary.text()


def test_overdue_opens_the_overdue_actions_of_the_plan(qtbot, open_window, demo_db) -> None:
    window = open_window(demo_db)
    overview = _overview(qtbot, window)
    corporate = next(t for t in window.plan_tabs() if t.outline.short_name == "Corporate Services")
    _choose_plan(qtbot, overview, corporate.plan_id)
    overview.click_overdue()
    assert window.current_plan_tab() is corporate
    shown = corporate.model.shown_rows()
    assert shown and all(r.overdue for r in shown)
    assert corporate.model.shown == overview.view.overdue


def test_no_priority_bar_opens_the_actions_without_one(qtbot, open_window, demo_db) -> None:
    window = open_window(demo_db)
    overview = _overview(qtbot, window)
    corporate = next(t for t in window.plan_tabs() if t.outline.short_name == "Corporate Services")
    _choose_plan(qtbot, overview, corporate.plan_id)
    overview.click_priority_status(0)
    assert corporate.model.shown == 19 and "No priority" in corporate.filters.summary.text()


def test_a_rag_segment_opens_those_measures(qtbot, open_window, demo_db) -> None:
    window = open_window(demo_db)
    overview = _overview(qtbot, window)
    children = window.plan_tabs()[0]
    _choose_plan(qtbot, overview, children.plan_id)
    _click_measures(overview, "Child Protection", "Red")
    assert window.current_plan_tab() is children and children.pages.currentIndex() == 1
    shown = children.measures.model.shown_rows()
    assert shown and {(r.area, r.rag.label) for r in shown} == {("Child Protection", "Red")}


def test_an_exception_row_opens_that_action_in_the_editor(qtbot, open_window, demo_db) -> None:
    window = open_window(demo_db)
    overview = _overview(qtbot, window)
    wanted = overview.exception_model.row(0)
    overview.activate_exception(0)
    tab = window.current_plan_tab()
    assert tab.current_action_id() == wanted.action_id
    assert tab.editor.action_id == wanted.action_id
