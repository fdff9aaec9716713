"""Starting the window: open (or, on first run, create) the database and
show the main window. A database that cannot be opened is explained."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from perfdesk.errors import PerfDeskError
from perfdesk.paths import default_database
from perfdesk.services.plans.demo import load_demo
from perfdesk.store import queries
from perfdesk.store.database import Database, open_database

log = logging.getLogger(__name__)


def open_or_create_default(target: str | None, read_only: bool, author: str = "") -> Database:
    """The given database; with none given, the user's own, which is created
    holding the demo plans on first run."""
    if target is not None:
        return open_database(target, read_only=read_only, author=author)
    location = default_database()
    db = open_database(location, create=not read_only, read_only=read_only, author=author)
    if not db.read_only:
        with db.read() as session:
            empty = not queries.plans(session)
        if empty:
            load_demo(db)
    return db


def run_gui(target: str | None, read_only: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("PerfDesk")
    app.setOrganizationName("PerfDesk")
    from perfdesk import log as logs
    from perfdesk.paths import log_file
    from perfdesk.ui.crash import install_excepthook
    from perfdesk.ui.main_window import MainWindow
    from perfdesk.ui.settings import Settings

    log_path = logs.to_file(log_file())
    install_excepthook(log_path)
    log.info("PerfDesk starting")
    settings = Settings()
    try:
        db = open_or_create_default(target, read_only, settings.user_name)
    except PerfDeskError as exc:
        from perfdesk.ui.commands.file import restore_when_unopenable

        if not restore_when_unopenable(target, str(exc), settings.user_name):
            QMessageBox.critical(None, "PerfDesk cannot open the database", str(exc))
            return 1
        try:  # restored from a backup: open that
            db = open_or_create_default(target, read_only, settings.user_name)
        except PerfDeskError as again:
            QMessageBox.critical(None, "PerfDesk cannot open the database", str(again))
            return 1
    window = MainWindow(db, settings, log_path=log_path)
    if settings.window_value("geometry") is None:
        window.resize(1280, 760)
    window.show()
    return app.exec()
