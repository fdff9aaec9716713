"""One way for every change: an edit returns Done (with what it changed) or
Refused (with why, changing nothing), and every view learns from the one
`Changes` it is told what to redraw."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt

from perfdesk.domain.status import Status
from perfdesk.services.actions import edits as action_edits
from perfdesk.services.measures import edits as measure_edits
from perfdesk.services.plans import care as plan_care
from perfdesk.services.plans import leads as lead_care
from perfdesk.services.sync.receive import receive
from perfdesk.services.sync.send import send
from perfdesk.store import queries
from perfdesk.store.changes import Changes
from perfdesk.store.database import Database, open_database
from perfdesk.ui.dialogs import update_dialog
from perfdesk.ui.dialogs.conflicts_dialog import ConflictsDialog
from perfdesk.ui.dialogs.leads_dialog import LeadsDialog
from perfdesk.ui.dialogs.update_dialog import UpdateValues
from perfdesk.ui.main_window import MainWindow
from perfdesk.ui.measures.editor import measure_editor
from perfdesk.ui.measures.editor.figures_page import FigureColumn
from perfdesk.ui.ops import Done, Operations, Refused
from perfdesk.ui.overview.tab import OverviewTab
from perfdesk.ui.plan.tab import PlanTab
from tests.sync.laptops import action_field, laptop, set_text

PLAN = "Children's Services"


class Redraws:
    """How a list was redrawn: re-read whole (reset) or rows repainted."""

    def __init__(self, model: QAbstractItemModel) -> None:
        self.resets = 0
        self.repaints = 0
        model.modelReset.connect(self._reset)
        model.dataChanged.connect(self._repaint)

    def _reset(self) -> None:
        self.resets += 1

    def _repaint(self, *_args: object) -> None:
        self.repaints += 1

    @property
    def any(self) -> bool:
        return bool(self.resets or self.repaints)


def _told(ops: Operations) -> list[Changes]:
    told: list[Changes] = []
    ops.changed.connect(told.append)
    return told


def _tab(window: MainWindow, name: str = PLAN) -> PlanTab:
    tab = next(t for t in window.plan_tabs() if t.outline and t.outline.short_name == name)
    window.tabs.setCurrentWidget(tab)
    return tab


def _row(tab: PlanTab, ref: str):  # type: ignore[no-untyped-def]
    return next(r for r in tab.model.all_rows() if r.ref == ref)


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def elsewhere(db_path: Path, demo_db: Database) -> Iterator[Database]:
    """The same file opened by something else (another PerfDesk, a restore)."""
    other = open_database(db_path, author="elsewhere")
    yield other
    other.close()


# -- (a) an edit says what it changed, and the views that show it redraw ----

def test_an_update_repaints_its_plan_row_and_the_editor_but_reloads_nothing(
    open_window: Callable[[Database], MainWindow], demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(demo_db)
    assert window.ops is not None
    tab = _tab(window)
    row = _row(tab, "1.2")
    assert tab.select_action(row.id)
    tab.measures.ensure_loaded()
    listed, measures = Redraws(tab.model), Redraws(tab.measures.model)
    told = _told(window.ops)
    assert row.status is not Status.AT_RISK
    monkeypatch.setattr(update_dialog, "ask_update", lambda *_a, **_k: UpdateValues(
        Status.AT_RISK, window.today, "Data shared monthly", "Audit"))

    tab.editor.add_update()  # Ctrl+U in the editor

    [changes] = told
    assert changes.actions and not (changes.measures or changes.outline or changes.plans
                                    or changes.everything or changes.actions_added_or_removed)
    assert _row(tab, "1.2").status is Status.AT_RISK  # the row shows it ...
    assert listed.repaints and not listed.resets  # ... repainted, not the list re-read
    assert tab.editor.detail is not None and tab.editor.detail.status is Status.AT_RISK
    assert not measures.any  # the measures did not change

    window.act_undo.trigger()  # undo is told the same way
    assert len(told) == 2 and told[1].actions
    assert _row(tab, "1.2").status is row.status
    assert tab.editor.detail.status is row.status


def test_a_figure_refreshes_the_measures_but_not_the_action_rows(
    open_window: Callable[[Database], MainWindow], demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_window(demo_db)
    assert window.ops is not None
    tab = _tab(window)
    tab.pages.setCurrentIndex(1)
    measure = next(r for r in tab.measures.model.shown_rows() if r.ref == "CS08")
    assert tab.measures.select(measure.id)
    figures = tab.measure_editor.figures.model
    listed, measures = Redraws(tab.model), Redraws(tab.measures.model)
    told = _told(window.ops)
    reads: list[str] = []
    read = measure_editor.measure_detail
    monkeypatch.setattr(measure_editor, "measure_detail",
                        lambda s, m, today: reads.append(m) or read(s, m, today))

    assert figures.setData(figures.index(0, FigureColumn.VALUE), "84")  # typed in

    [changes] = told
    assert changes.measures and not (changes.actions or changes.outline or changes.leads)
    assert not listed.any  # the action rows were left alone
    assert measures.resets  # the measures list shows the new latest figure
    shown = next(r for r in tab.measures.model.shown_rows() if r.ref == "CS08")
    assert shown.latest == 84.0
    assert tab.measure_editor.detail is not None
    assert tab.measure_editor.detail.row.latest == 84.0
    assert reads == [measure.id]  # the editor read it once, not again when reselected


def test_adding_an_action_reloads_the_list_and_renaming_a_plan_rebuilds_the_tabs(
    open_window: Callable[[Database], MainWindow], demo_db: Database,
) -> None:
    window = open_window(demo_db)
    assert window.ops is not None
    tab = _tab(window)
    total = tab.model.total
    listed = Redraws(tab.model)
    told = _told(window.ops)

    added = window.ops.run("Add action", lambda s: plan_care.add_action(
        s, tab.plan_id, None, None, "A new action"))

    assert isinstance(added, Done) and added.changes is told[0]
    assert added.changes.actions_added_or_removed and not added.changes.plans
    assert listed.resets and tab.model.total == total + 1
    plan_id = tab.plan_id
    renamed = window.ops.run("Rename plan", lambda s: plan_care.edit_plan(
        s, plan_id, short_name="Children"))
    assert isinstance(renamed, Done) and renamed.changes.plans
    assert "Children" in [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_keeping_this_side_of_a_conflict_clears_the_editors_waiting_note(
    qtbot, open_window: Callable[[Database], MainWindow], demo_db: Database,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    assert demo_db.path is not None
    ana = laptop(demo_db.path, tmp_path, "ana")
    set_text(demo_db, "2.2", "impact", "Master's words")
    set_text(ana, "2.2", "impact", "Ana's words")
    bundle = send(ana, tmp_path / "ana.perfdesk-updates").path
    ana.close()
    receive(demo_db, [bundle])
    window = open_window(demo_db)
    assert window.ops is not None
    tab = _tab(window)
    assert tab.select_action(_row(tab, "2.2").id)
    assert tab.editor.waiting_note.isVisible()
    told = _told(window.ops)
    dialog = ConflictsDialog(window.ops, window)
    qtbot.addWidget(dialog)

    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)  # no row changes

    assert told and told[-1].conflicts
    assert action_field(demo_db, "2.2", "impact") == "Master's words"
    assert not tab.editor.waiting_note.isVisible()  # the editor says it is decided


# -- (b) a refused edit says why and changes nothing ------------------------

def test_a_refused_edit_returns_refused_with_why_and_changes_nothing(
    open_window: Callable[[Database], MainWindow], demo_db: Database, db_path: Path,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    assert window.ops is not None
    tab = _tab(window)
    first, second = _row(tab, "1.1"), _row(tab, "1.2")
    listed = Redraws(tab.model)
    told = _told(window.ops)
    before = _dump(db_path)

    outcome = window.ops.run("Edit ref", lambda s: action_edits.set_text(
        s, first.id, "ref", second.ref))

    assert isinstance(outcome, Refused)
    assert outcome.message == "Another action in this plan is already 1.2."
    assert not outcome.for_now  # a rule said no: nothing to keep for a retry
    assert messages[-1] == ("Edit ref: not done", outcome.message)
    assert told == [] and not listed.any  # no view was told anything
    assert _dump(db_path) == before
    assert not window.act_undo.isEnabled()


def test_an_edit_returning_nothing_is_done_not_refused(
    open_window: Callable[[Database], MainWindow], demo_db: Database,
    messages: list[tuple[str, str]],
) -> None:
    window = open_window(demo_db)
    assert window.ops is not None
    row = _row(_tab(window), "1.1")
    outcome = window.ops.run("Edit text", lambda s: action_edits.set_text(
        s, row.id, "text", "New words"))  # set_text returns None
    assert isinstance(outcome, Done) and outcome.value is None
    assert outcome.changes.actions and messages == []
    assert _row(_tab(window), "1.1").text == "New words"


def test_read_only_refuses_edits_and_undo(
    open_window: Callable[[Database], MainWindow], db_path: Path, demo_db: Database,
) -> None:
    demo_db.close()
    window = open_window(open_database(db_path, read_only=True))
    assert window.ops is not None
    row = _row(_tab(window), "1.1")
    outcome = window.ops.run("Edit text", lambda s: action_edits.set_text(
        s, row.id, "text", "New words"))
    assert isinstance(outcome, Refused) and "read-only" in outcome.message
    assert isinstance(window.ops.undo(), Refused)  # nothing to undo either


# -- (c) Changes.all(): every view reloads whole -------------------------------

def test_everything_changed_reloads_every_view(
    qtbot, demo_db: Database, elsewhere: Database, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from PySide6.QtCore import QSettings

    from perfdesk.ui.settings import Settings

    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    ops = Operations(demo_db, settings)
    today = ops.today()
    with demo_db.read() as session:
        plan = queries.find_plan(session, PLAN)
    tab = PlanTab(ops, plan.id, today)
    overview = OverviewTab(ops, today=today)
    leads = LeadsDialog(ops)
    for widget in (tab, overview, leads):
        qtbot.addWidget(widget)
    tab.show()
    tab.ensure_built()
    action = _row(tab, "1.1")
    assert tab.select_action(action.id)
    tab.measures.ensure_loaded()
    measure = next(r for r in tab.measures.model.shown_rows() if r.ref == "CS08")
    assert tab.measures.select(measure.id)
    period = tab.measure_editor.figures.model.blank_period
    overview.show()
    qtbot.waitUntil(lambda: overview.summary.text() not in ("", "Counting…"))
    plans_listed = overview.scope.count()
    lead = leads.model.all_rows[0]
    total = tab.model.total

    # Another PerfDesk (a bundle received, a backup restored) changes the file.
    with elsewhere.write() as session:
        action_edits.set_text(session, action.id, "text", "Changed elsewhere")
        plan_care.add_action(session, plan.id, None, None, "Added elsewhere")
        measure_edits.set_value(session, measure.id, period, value=42.0)
        lead_care.rename_lead(session, lead.id, "Renamed Elsewhere")
        plan_care.create_blank_plan(session, "A plan made elsewhere", "Elsewhere",
                                    dt.date(2030, 4, 1), dt.date(2031, 3, 31))
    assert _row(tab, "1.1").text == action.text  # nobody has told the window yet

    ops.changed.emit(Changes.all())

    assert _row(tab, "1.1").text == "Changed elsewhere"  # the plan tab
    assert tab.model.total == total + 1
    assert tab.editor.detail is not None and tab.editor.detail.text == "Changed elsewhere"
    shown = next(r for r in tab.measures.model.shown_rows() if r.ref == "CS08")
    assert shown.latest == 42.0  # the measures page
    assert tab.measure_editor.detail is not None  # the measure editor
    assert tab.measure_editor.detail.values[0].period == period
    assert "Renamed Elsewhere" in [r.name for r in leads.model.all_rows]  # the leads
    qtbot.waitUntil(lambda: overview.scope.count() == plans_listed + 1)  # the Overview


def test_everything_changed_rebuilds_the_window_tabs(
    open_window: Callable[[Database], MainWindow], demo_db: Database, elsewhere: Database,
) -> None:
    window = open_window(demo_db)
    assert window.ops is not None
    tab = _tab(window)
    action = _row(tab, "1.1")
    with elsewhere.write() as session:
        action_edits.set_text(session, action.id, "text", "Changed elsewhere")
        plan_care.create_blank_plan(session, "A plan made elsewhere", "Elsewhere",
                                    dt.date(2030, 4, 1), dt.date(2031, 3, 31))

    window.ops.changed.emit(Changes.all())

    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Elsewhere" in names
    current = window.current_plan_tab()
    assert current is not None and current.plan_id == tab.plan_id  # the same plan shown
    assert _row(current, "1.1").text == "Changed elsewhere"



def test_no_view_decides_what_to_redraw_from_table_names() -> None:
    """The table names live in store/changes.py; the window reads flags."""
    ui = Path(__file__).parents[2] / "perfdesk" / "ui"
    for module in sorted(ui.rglob("*.py")):
        text = module.read_text(encoding="utf-8")
        for needle in (".tables", "_TABLES", ".structural", "store.edits import Edit"):
            if module.name == "ops.py" and needle == "store.edits import Edit":
                continue  # ops runs the edits and turns each into Changes
            assert needle not in text, f"{module.relative_to(ui)} uses {needle}"
