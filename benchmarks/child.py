"""What the benchmark runs in a fresh child process, one job per process.

    python -m benchmarks.child JOB ARGS...   (prints one JSON line)

Start-up jobs print `started_at` and `frame_at` (wall clock, `time.time()`)
so the parent measures from before it started the process to the first
frame drawn. Every job sets up the same way: Qt offscreen, 1366×768.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SIZE = (1366, 768)


def _first_frame(app, window) -> float:  # type: ignore[no-untyped-def]
    """Show the window and return when its first frame has been drawn."""
    window.resize(*SIZE)
    window.show()
    app.processEvents()
    window.grab()  # paint every visible widget now, as the first expose would
    return time.time()


def _settle(app, window) -> None:  # type: ignore[no-untyped-def]
    """Let the window finish what it does at idle after its first frame
    (import the Overview's charts), as it would while someone reaches for
    the keyboard or the mouse."""
    while not window.charts_loaded:
        app.processEvents()


# -- start-up ----------------------------------------------------------------

def app_start(db: str, ini: str) -> dict[str, float]:
    """PerfDesk as `perfdesk` starts it, on `db`, with settings in `ini`."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from perfdesk.store.database import open_database
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    settings = Settings(QSettings(ini, QSettings.Format.IniFormat))
    window = MainWindow(open_database(db), settings)
    frame = _first_frame(app, window)
    tab = window.tabs.tabText(window.tabs.currentIndex())
    return {"frame_at": frame, "tab": tab}  # type: ignore[dict-item]


def floor_start(db: str) -> dict[str, float]:
    """The floor: a bare PySide6 + pyqtgraph + SQLModel window that reads one
    table (the actions' refs and texts) into a table view."""
    import pyqtgraph  # noqa: F401  (the app's stack, imported as the floor)
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
    from sqlmodel import Field, Session, SQLModel, create_engine, select

    class Action(SQLModel, table=True):
        id: str = Field(primary_key=True)
        ref: str
        text: str

    class Model(QAbstractTableModel):
        def __init__(self, rows: list[tuple[str, str]]) -> None:
            super().__init__()
            self.rows = rows

        def rowCount(self, parent=QModelIndex()) -> int:  # type: ignore[no-untyped-def]
            return len(self.rows)

        def columnCount(self, parent=QModelIndex()) -> int:  # type: ignore[no-untyped-def]
            return 2

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
            if role == Qt.ItemDataRole.DisplayRole:
                return self.rows[index.row()][index.column()]
            return None

    app = QApplication(sys.argv[:1])
    engine = create_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        rows = [(a.ref, a.text) for a in session.exec(select(Action))]
    window = QMainWindow()
    view = QTableView()
    model = Model(rows)
    view.setModel(model)
    window.setCentralWidget(view)
    return {"frame_at": _first_frame(app, window)}


# -- typing a filter -----------------------------------------------------------

def _type(app, field, table, typed: str) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds from each key press to the table repainted."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    timings = []
    keys = list(typed) + [Qt.Key.Key_Backspace] * len(typed)
    for key in keys:
        started = time.perf_counter()
        QTest.keyClick(field, key)
        app.processEvents()
        table.viewport().repaint()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def app_typing(db: str, ini: str, typed: str) -> dict[str, object]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from perfdesk.store.database import open_database
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    settings = Settings(QSettings(ini, QSettings.Format.IniFormat))
    window = MainWindow(open_database(db), settings)
    _first_frame(app, window)
    tab = max(window.plan_tabs(), key=lambda t: t.model.total)
    window.tabs.setCurrentWidget(tab)
    app.processEvents()
    _settle(app, window)
    tab.filters.search.setFocus()
    timings = _type(app, tab.filters.search, tab.view, typed)
    return {"ms": timings, "rows": tab.model.total}


def floor_typing(db: str, typed: str) -> dict[str, object]:
    """The floor: the same rows, keys prepared in lower case, filtered inside
    a minimal model (reset on each key) behind a QTableView at 1366×768."""
    import sqlite3

    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QVBoxLayout, QWidget

    con = sqlite3.connect(db)
    plan = con.execute("select plan_id from action group by plan_id "
                       "order by count(*) desc limit 1").fetchone()[0]
    rows = con.execute("select ref, text, by_when, id from action "
                       "where plan_id = ? and deleted_at is null", (plan,)).fetchall()
    words: dict[str, list[str]] = {}  # the same words PerfDesk searches: leads, updates
    for action_id, text in con.execute(
            "select l.action_id, p.name from action_lead l join lead p on p.id = l.lead_id "
            "union all select action_id, done_text || char(10) || next_steps "
            "from progress_update"):
        words.setdefault(action_id, []).append(text)
    keys = ["\n".join([*r[:2], *words.get(r[3], ())]).casefold() for r in rows]

    class Model(QAbstractTableModel):
        def __init__(self) -> None:
            super().__init__()
            self.shown = list(range(len(rows)))

        def rowCount(self, parent=QModelIndex()) -> int:  # type: ignore[no-untyped-def]
            return len(self.shown)

        def columnCount(self, parent=QModelIndex()) -> int:  # type: ignore[no-untyped-def]
            return 3

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
            if role == Qt.ItemDataRole.DisplayRole:
                return rows[self.shown[index.row()]][index.column()]
            return None

        def set_text(self, text: str) -> None:
            words = text.casefold().split()
            self.beginResetModel()
            self.shown = [i for i, k in enumerate(keys) if all(w in k for w in words)]
            self.endResetModel()

    app = QApplication(sys.argv[:1])
    window = QWidget()
    field = QLineEdit()
    view = QTableView()
    model = Model()
    view.setModel(model)
    field.textChanged.connect(model.set_text)
    layout = QVBoxLayout(window)
    layout.addWidget(field)
    layout.addWidget(view)
    _first_frame(app, window)
    field.setFocus()
    return {"ms": _type(app, field, view, typed), "rows": len(rows)}


# -- the Overview ----------------------------------------------------------------

def app_overview(db: str, ini: str) -> dict[str, object]:
    """Milliseconds from choosing the Overview tab to it drawn (first time)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from perfdesk.store.database import open_database
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    settings = Settings(QSettings(ini, QSettings.Format.IniFormat))
    window = MainWindow(open_database(db), settings)
    _first_frame(app, window)
    _settle(app, window)
    started = time.perf_counter()
    window.tabs.setCurrentWidget(window.overview)
    app.processEvents()
    window.overview.grab()
    drawn = time.perf_counter()
    while window.overview.view is None:  # drawn first, saying "Counting…"; then counted
        app.processEvents()
    app.processEvents()
    window.overview.grab()
    return {"ms": (drawn - started) * 1000, "counted_ms": (time.perf_counter() - started) * 1000}


# -- the pack and its floors ---------------------------------------------------------

def app_pack(db: str, plan: str, out: str) -> dict[str, object]:
    """`perfdesk pack --plan PLAN` as the command line does it."""
    from perfdesk.cli import main

    code = main(["pack", "--db", db, "--plan", plan, "--out", out, "--as-at", "2024-03-31"])
    return {"code": code}


def floor_pack(workbook: str, out: str) -> dict[str, object]:
    """The floor: a bare reportlab process that reads the workbook and writes
    its two tables (actions, measures) as wrapped-cell tables."""
    from xml.sax.saxutils import escape

    from openpyxl import load_workbook
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    book = load_workbook(workbook, read_only=True, data_only=True)
    style = getSampleStyleSheet()["BodyText"]
    style.fontSize, style.leading = 7.5, 9.2
    story = []
    for name in ("Actions", "Measures"):
        rows = [[Paragraph(escape(str(v)) if v is not None else "", style) for v in row[:6]]
                for row in book[name].iter_rows(values_only=True)]
        if rows:
            story.append(Table(rows, repeatRows=1, splitByRow=1))
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return {}


JOBS = {f.__name__: f for f in (app_start, floor_start, app_typing, floor_typing,
                                 app_overview, app_pack, floor_pack)}

if __name__ == "__main__":
    started = time.time()
    result = JOBS[sys.argv[1]](*sys.argv[2:])
    result["done_at"] = time.time()
    print(json.dumps(result), flush=True)
    os._exit(0)  # no teardown: what is measured ends at the first frame
