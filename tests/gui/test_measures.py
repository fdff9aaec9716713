"""Measures in the plan tab: the board's KPIs, their figures and links."""

from __future__ import annotations

import json

from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from perfdesk.cli import main
from perfdesk.ui.measures.editor import links_page
from perfdesk.ui.measures.editor.figures_page import FigureColumn
from perfdesk.ui.plan.editor import measures_page as action_measures
from perfdesk.ui.plan.tab import PlanTab


def _measures(window, plan: str) -> PlanTab:
    tab = next(t for t in window.plan_tabs() if t.outline.short_name == plan)
    window.tabs.setCurrentWidget(tab)
    tab.pages.setCurrentIndex(1)
    return tab


def _choose(tab: PlanTab, ref: str):
    row = next(r for r in tab.measures.model.shown_rows() if r.ref == ref)
    assert tab.measures.select(row.id)
    return tab.measure_editor


def _cli_measure(db, plan: str, ref: str, capsys) -> dict:
    capsys.readouterr()
    assert main(["measures", "--db", db.location, "--plan", plan, "--json"]) == 0
    return next(m for m in json.loads(capsys.readouterr().out) if m["ref"] == ref)


def test_measures_are_grouped_by_area_and_filter_by_rag(open_window, demo_db) -> None:
    window = open_window(demo_db)
    tab = _measures(window, "Children's Services")
    model = tab.measures.model
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.total == 31
    assert "Quality Assurance" in model.areas() and "Workforce" in model.areas()
    tab.measures.show_filtered(rag="Red")
    assert model.shown and all(r.rag.label == "Red" for r in model.shown_rows())
    tab.measures.show_filtered(area="Child Protection")
    assert {r.area for r in model.shown_rows()} == {"Child Protection"}
    assert tab.pages.tabText(1).endswith(f"({model.shown})")


def test_figures_typed_in_the_app_reach_the_command_line_with_rag(
    open_window, demo_db, capsys
) -> None:
    window = open_window(demo_db)
    tab = _measures(window, "Children's Services")
    editor = _choose(tab, "CS08")  # % of initial assessments in time: higher is better
    figures = editor.figures.model
    next_period = figures.blank_period
    assert figures.setData(figures.index(0, FigureColumn.VALUE), "84")
    assert figures.setData(figures.index(0, FigureColumn.VALUE), "91")  # the next period
    row = editor.detail.row
    assert (row.latest, row.rag.label, row.direction.value) == (91.0, "Green", "improving")
    assert editor.detail.values[1].period == next_period
    measured = _cli_measure(demo_db, "Children's Services", "CS08", capsys)
    assert (measured["latest"], measured["rag"], measured["direction"]) == (
        91.0, "Green", "improving")
    window.act_undo.trigger()  # undo takes the figure out again, everywhere
    assert _cli_measure(demo_db, "Children's Services", "CS08", capsys)["latest"] == 84.0


def test_numerator_and_denominator_give_the_percentage(open_window, demo_db) -> None:
    window = open_window(demo_db)
    editor = _choose(_measures(window, "Children's Services"), "CS08")
    figures = editor.figures.model
    assert figures.setData(figures.index(0, FigureColumn.NUMERATOR), "45")
    assert figures.data(figures.index(0, FigureColumn.NUMERATOR)) == "45"  # held, not saved
    assert figures.setData(figures.index(0, FigureColumn.DENOMINATOR), "60")
    assert editor.detail.values[0].value == 75.0


def test_a_column_pasted_from_excel_lands_in_consecutive_periods(
    open_window, demo_db
) -> None:
    window = open_window(demo_db)
    editor = _choose(_measures(window, "Children's Services"), "CS09")
    start = editor.figures.model.blank_period
    QApplication.clipboard().setText("95%\n\n96.5\n97\n")
    editor.figures.table.setCurrentIndex(editor.figures.model.index(0, 1))
    editor.figures.paste()
    periods = {v.period: v.value for v in editor.detail.values}
    assert periods[start] == 95.0
    assert len([p for p in periods if p > start]) == 2  # the blank line skipped a period
    assert max(periods.items())[1] == 97.0


def test_a_bad_pasted_figure_is_refused_saying_which_line(
    open_window, demo_db, messages
) -> None:
    window = open_window(demo_db)
    editor = _choose(_measures(window, "Children's Services"), "CS09")
    before = editor.detail.values
    QApplication.clipboard().setText("95\nabout 96\n")
    editor.figures.paste()
    assert "2" in messages[-1][1] and "about 96" in messages[-1][1]
    assert editor.detail.values == before


def test_the_golden_thread_links_both_ways(open_window, demo_db, monkeypatch) -> None:
    window = open_window(demo_db)
    tab = _measures(window, "Children's Services")
    editor = _choose(tab, "CS05")
    action = tab.model.shown_rows()[0]
    chosen = next(a for a in editor.detail.plan_actions if a.id == action.id)
    monkeypatch.setattr(links_page, "choose_action", lambda parent, choices: chosen)
    editor.links.link.click()
    assert [a.ref for a in editor.detail.actions] == [action.ref]

    tab.pages.setCurrentIndex(0)
    tab.select_action(action.id)
    page = tab.editor.measures
    assert [m.ref for m in page.linked] == ["CS05"]
    assert page.model.data(page.model.index(0)).startswith("CS05 · ")  # with its RAG
    other = next(m for m in page.every if m.ref == "CS06")
    monkeypatch.setattr(action_measures, "choose_measure", lambda parent, choices: other)
    page.link.click()
    assert [m.ref for m in page.linked] == ["CS05", "CS06"]
    page.list.setCurrentIndex(page.model.index(0))
    page.unlink.click()
    assert [m.ref for m in page.linked] == ["CS06"]


def test_the_chart_of_a_measure_exports_png_and_svg(
    open_window, demo_db, monkeypatch, tmp_path
) -> None:
    from PySide6.QtGui import QImage

    from perfdesk.ui import ask

    window = open_window(demo_db)
    editor = _choose(_measures(window, "Children's Services"), "CS08")
    figures = editor.figures.model
    for figure in ("80", "83", "86"):
        figures.setData(figures.index(0, FigureColumn.VALUE), figure)
    editor.tabs.setCurrentWidget(editor.chart_page)
    assert len(editor.chart.layers.values.xData) == 4  # the baseline and three months
    for kind in ("png", "svg"):
        out = tmp_path / f"cs08.{kind}"
        monkeypatch.setattr(ask, "save_path", lambda *a, out=out, **k: str(out))
        editor.export(kind)
        assert out.stat().st_size > 1000
    assert not QImage(str(tmp_path / "cs08.png")).isNull()
    assert "<svg" in (tmp_path / "cs08.svg").read_text(errors="replace")
