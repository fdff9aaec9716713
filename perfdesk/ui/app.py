"""Starting the window. Until the main window lands, a simple list of plans."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from perfdesk import __version__
from perfdesk.errors import PerfDeskError
from perfdesk.paths import default_database
from perfdesk.services.demo import load_demo
from perfdesk.services.summaries import plan_summaries
from perfdesk.store.database import Database, open_database
from perfdesk.ui.plan_list_model import PlanListModel


class PlanListWindow(QMainWindow):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setWindowTitle(f"PerfDesk — {db.location}")
        self.model = PlanListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        heading = QLabel("<b>Improvement plans</b>")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(heading)
        layout.addWidget(self.table)
        self.setCentralWidget(body)
        self.statusBar().showMessage(f"{db.location} — PerfDesk {__version__}")
        self.refresh()

    def refresh(self) -> None:
        with self.db.read() as session:
            self.model.set_rows(plan_summaries(session))


def open_or_create_default(target: str | None, read_only: bool) -> Database:
    """The given database; with none given, the user's own, which is created
    holding the demo plans on first run."""
    if target is not None:
        return open_database(target, read_only=read_only)
    location = default_database()
    db = open_database(location, create=not read_only, read_only=read_only)
    if not read_only:
        with db.read() as session:
            from perfdesk.store.queries import plans

            empty = not plans(session)
        if empty:
            load_demo(db)
    return db


def run_gui(target: str | None, read_only: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("PerfDesk")
    try:
        db = open_or_create_default(target, read_only)
    except PerfDeskError as exc:
        QMessageBox.critical(None, "PerfDesk cannot open the database", str(exc))
        return 1
    window = PlanListWindow(db)
    window.resize(1000, 500)
    window.show()
    try:
        return app.exec()
    finally:
        db.close()
