"""File menu commands: databases, backups, workbooks, preferences, about.

Each takes the main window. Heavy libraries (openpyxl) are imported here
only when a command needs them, so start-up stays lean.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from perfdesk.errors import PerfDeskError
from perfdesk.store import backup, queries
from perfdesk.store import restore as restoring
from perfdesk.store.database import open_database as open_db
from perfdesk.ui import ask

if TYPE_CHECKING:
    from perfdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)
DB_FILTER = "PerfDesk databases (*.sqlite *.db);;All files (*)"
XLSX_FILTER = "Excel workbooks (*.xlsx)"
CSV_FILTER = "CSV files (*.csv)"


class Busy:
    """A progress dialog for work that may take more than a moment."""

    def __init__(self, window: MainWindow, text: str) -> None:
        self.dialog = QProgressDialog(text, "", 0, 0, window)
        self.dialog.setWindowTitle("PerfDesk")
        self.dialog.setCancelButton(None)  # type: ignore[arg-type]
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)

    def __enter__(self) -> Busy:
        self.dialog.setValue(0)
        QApplication.processEvents()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dialog.reset()
        self.dialog.deleteLater()

    def step(self, done: int, total: int) -> None:
        """Show how far long work has got (a progress callback for services)."""
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        QApplication.processEvents()


def switch_to(window: MainWindow, location: str, create: bool = False) -> bool:
    try:
        db = open_db(location, create=create, author=window.settings.user_name)
    except PerfDeskError as exc:
        ask.refuse(window, "Cannot open that database", str(exc))
        return False
    window.set_database(db)
    return True


def new_database(window: MainWindow) -> None:
    path = ask.save_path(window, "New PerfDesk database", DB_FILTER, "plans.sqlite")
    if not path:
        return
    if Path(path).exists():
        ask.refuse(window, "Not created",
                   f"{path} already exists. Choose a new name, or use Open to open it.")
        return
    switch_to(window, path, create=True)


def open_database(window: MainWindow) -> None:
    path = ask.open_path(window, "Open a PerfDesk database", DB_FILTER)
    if path:
        switch_to(window, path)


def fill_recent_menu(window: MainWindow) -> None:
    menu = window.recent_menu
    menu.clear()
    current = window.db.location if window.db else ""
    recent = [r for r in window.settings.recent_databases if r != current]
    for number, location in enumerate(recent, start=1):
        action = menu.addAction(f"&{number} {location}")
        action.triggered.connect(lambda _c=False, loc=location: _open_recent(window, loc))
    menu.setEnabled(bool(recent))


def _open_recent(window: MainWindow, location: str) -> None:
    if not Path(location).exists() and "://" not in location:
        window.settings.forget_database(location)
        fill_recent_menu(window)
        ask.refuse(window, "Cannot open that database",
                   f"{location} is no longer there (moved or deleted). It was removed from "
                   "the recent list.")
        return
    switch_to(window, location)


def backup_now(window: MainWindow) -> None:
    db = window.db
    if db is None or db.path is None:
        ask.refuse(window, "No backup", "Only a database file can be backed up.")
        return
    try:
        saved = backup.backup(db.path, "manual", db.now())
    except (OSError, PerfDeskError) as exc:
        ask.refuse(window, "Backup failed", f"The backup could not be written: {exc}.")
        return
    window.statusBar().showMessage(f"Backed up to {saved}", 10000)


def keep_backups(window: MainWindow) -> None:
    """Set how many backups of this database are kept, and thin them now."""
    from perfdesk.ui.dialogs.form import run_form
    from perfdesk.ui.dialogs.keep_dialog import KeepDialog

    db = window.db
    if db is None or db.path is None:
        ask.refuse(window, "Backups", "Only a database file has backups.")
        return
    dialog = KeepDialog(backup.read_policy(db.path), str(backup.backup_folder(db.path)), window)
    if not run_form(dialog):
        return
    policy = dialog.policy()
    try:
        removed = backup.set_policy(db.path, policy, db.now())
    except (OSError, PerfDeskError) as exc:
        ask.refuse(window, "Backups", f"The setting could not be saved: {exc}.")
        return
    gone = f" {len(removed)} older backups were removed." if removed else ""
    window.statusBar().showMessage(f"Keeping {policy.describe()}.{gone}", 15000)


def restore_backup(window: MainWindow) -> bool:
    """Put the database back as a backup had it. The state now is backed up
    first, so a restore can itself be undone by restoring that."""
    db = window.db
    if db is None or db.path is None or db.read_only:
        ask.refuse(window, "Restore", "Only a database file open for editing can be restored.")
        return False
    kept = backup.usable_backups(db.path)  # checked: a damaged one is never offered
    if not kept:
        ask.inform(window, "Restore", f"There are no backups of {db.path.name} that can be "
                                      "restored yet.")
        return False
    labels = _backup_labels(kept)
    index = ask.choose(window, "Restore from backup", "Put the plans back as they were at:",
                       labels)
    if index is None:
        return False
    if not ask.confirm(window, "Restore from backup?",
                       f"Replace everything in {db.path.name} with the backup of "
                       f"{labels[index]}? The plans as they are now are backed up first, so "
                       "you can restore them again.", yes="Restore"):
        return False
    path, now = db.path, db.now()

    def restore(identity: restoring.Identity) -> Path:
        # Let go of the file first: a damaged one is renamed over, not written into.
        db.engine.dispose()
        return restoring.restore(path, kept[index].path, now, identity=identity, author=db.author)

    try:
        before = _restore_asking(window, restore)
    except PerfDeskError as exc:
        ask.refuse(window, "Not restored", str(exc))
        return False
    if before is None:
        return False
    switch_to(window, str(path))
    window.statusBar().showMessage(f"Restored. The state before is saved as {before.name}",
                                   15000)
    return True


def restore_when_unopenable(target: str | None, problem: str, author: str) -> bool:
    """The database could not be opened when PerfDesk started: when it is
    damaged and has backups, offer to put one back (the damaged file is
    kept). True once restored, so it can be opened again."""
    from perfdesk.clock import system_clock
    from perfdesk.paths import default_database

    location = target if target is not None else str(default_database())
    path = Path(location).expanduser()
    if "://" in location or not path.is_file():
        return False
    try:
        damaged = restoring.inspect_live(path).damaged
        kept = backup.usable_backups(path) if damaged else []
    except PerfDeskError:
        return False
    if not kept:
        return False
    labels = _backup_labels(kept)
    index = ask.choose(None, "PerfDesk cannot open the database",
                       f"{problem}\n\nRestore it from a backup? The damaged file is kept "
                       "beside the backups. Put the plans back as they were at:", labels)
    if index is None:
        return False
    now = system_clock()
    try:
        kept_as = _restore_asking(None, lambda identity: restoring.restore(
            path, kept[index].path, now, identity=identity, author=author))
    except PerfDeskError as exc:
        ask.refuse(None, "Not restored", str(exc))
        return False
    if kept_as is None:
        return False
    ask.inform(None, "Restored", f"{path.name} was restored from the backup of "
                                 f"{labels[index]}. The damaged file is kept as {kept_as}.")
    return True


def _backup_labels(kept: list[backup.BackupInfo]) -> list[str]:
    """Each backup offered for restore, as the question lists it."""
    return [f"{b.taken_at:%d %b %Y %H:%M}  ·  {b.reason}  ·  {len(b.plans)} plan"
            f"{'' if len(b.plans) == 1 else 's'}" for b in kept]


def _restore_asking(window: MainWindow | None,
                    restore: Callable[[restoring.Identity], Path]) -> Path | None:
    """`restore` a backup; when it is another database's, ask whose identity
    to keep and restore it that way. None when they chose to stop. A refusal
    (PerfDeskError) is the caller's to show."""
    try:
        return restore(restoring.Identity.REFUSE)
    except restoring.OtherDatabasesBackup as other:
        identity = _whose_identity(window, other)
        return None if identity is None else restore(identity)


def _whose_identity(window: MainWindow | None,
                    other: restoring.OtherDatabasesBackup) -> restoring.Identity | None:
    """Another database's backup: keep this database's identity (it becomes
    a copy of that one, safe for sync) or take the backup's; None to stop."""
    choices = [
        (restoring.Identity.KEEP, "Keep this database's identity: it becomes a copy of that "
                               "database's plans (recommended)"),
        (restoring.Identity.TAKE, "Take the backup's identity: only if the database it came "
                               "from is gone for good"),
    ]
    index = ask.choose(window, "Another database's backup",
                       f"That is a backup of another database (holding "
                       f"{other.check.describe_plans()}). Restore it and:",
                       [label for _, label in choices])
    return None if index is None else choices[index][0]


def import_workbook(window: MainWindow) -> None:
    from perfdesk.services.workbook.exchange import add_document, same_name_plans
    from perfdesk.services.workbook.read import read_workbook

    path = ask.open_path(window, "Import a plan workbook", XLSX_FILTER)
    if not path or window.ops is None:
        return
    try:
        with Busy(window, f"Reading {Path(path).name}…"):
            doc = read_workbook(Path(path), window.today)
    except PerfDeskError as exc:
        ask.refuse(window, "Workbook not imported", str(exc))
        return
    ops = window.ops
    replace = False
    if ops.read(lambda s: same_name_plans(s, doc)):
        replace = ask.confirm(
            window, "Replace plan?",
            f"A plan named {doc.plan.short_name!r} is already here. Replace it with the "
            "workbook's? A backup is taken first, and Undo brings the old one back.",
            yes="Replace",
        )
        if not replace:
            return
    if window.db is not None:
        from perfdesk.services.workbook.exchange import backup_before

        try:
            backup_before(window.db, "before-replace" if replace else "before-import")
        except (OSError, PerfDeskError) as exc:
            ask.refuse(window, "Workbook not imported",
                       f"The backup before importing could not be written: {exc}.")
            return
    with Busy(window, f"Importing {doc.plan.short_name}…"):
        plan = ops.run(f"Import {doc.plan.short_name}",
                       lambda s: add_document(s, doc, Path(path).name, replace))
    if plan is not None:
        window.build_tabs(plan.id)


def export_workbook(window: MainWindow) -> None:
    from perfdesk.services.plans.documents import load_document
    from perfdesk.services.workbook.write import write_workbook

    tab = window.current_plan_tab()
    if tab is None or window.ops is None:
        ask.inform(window, "Export", "Open the tab of the plan to export first.")
        return

    def document(session: object) -> object:
        from perfdesk.store.schema import Plan

        return load_document(session, session.get(Plan, tab.plan_id))  # type: ignore[attr-defined]

    name = tab.outline.short_name if tab.outline else "plan"
    path = ask.save_path(window, "Export plan workbook", XLSX_FILTER, f"{name}.xlsx")
    if not path:
        return
    try:
        with Busy(window, f"Writing {Path(path).name}…"):
            write_workbook(window.ops.read(document), Path(path))  # type: ignore[arg-type]
    except (PerfDeskError, OSError) as exc:
        ask.refuse(window, "Workbook not written", str(exc))
        return
    window.statusBar().showMessage(f"Exported {name} to {path}", 10000)


def export_list_csv(window: MainWindow) -> None:
    """The actions shown in this tab, filtered and sorted as shown, as CSV."""
    from perfdesk.services.actions.csv_export import write_actions_csv

    tab = window.current_plan_tab()
    if tab is None:
        ask.inform(window, "Export list", "Open a plan's tab to export its list.")
        return
    name = tab.outline.short_name if tab.outline else "actions"
    path = ask.save_path(window, "Export the list as CSV", CSV_FILTER, f"{name} actions.csv")
    if not path:
        return
    rows = tab.model.shown_rows()
    try:
        write_actions_csv(rows, Path(path))
    except OSError as exc:
        ask.refuse(window, "List not exported", f"{path} could not be written: {exc}.")
        return
    window.statusBar().showMessage(f"Exported {len(rows)} actions to {path}", 10000)


def preferences(window: MainWindow) -> None:
    from perfdesk.ui.dialogs.preferences_dialog import ask_preferences

    if window.ops is None:
        return
    leads = window.ops.read(lambda s: [(lead.id, lead.name) for lead in queries.live(s, _lead())])
    if ask_preferences(window, window.settings, sorted(leads, key=lambda p: p[1].casefold())):
        window.show_user()
        for tab in window.built_plan_tabs():  # the others read them when built
            tab.filters.set_stale_days(window.settings.stale_days)
            tab.filters.set_my_leads(window.settings.my_leads)


def _lead() -> type:
    from perfdesk.store.schema import Lead

    return Lead


def about(window: MainWindow) -> None:
    from perfdesk.ui.dialogs.about import show_about

    log_path = str(window.log_path) if window.log_path else None
    show_about(window, window.db.location if window.db else "", log_path)
