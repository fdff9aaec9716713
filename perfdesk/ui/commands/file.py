"""File menu commands: databases, backups, workbooks, preferences, about.

Each takes the window (`commands.window.Window`). Long work (a restore, a
workbook read or written, a plan imported) runs through `ops.run_long` in a
worker behind the shared progress dialog. Heavy libraries (openpyxl) are
imported here only when a command needs them, so start-up stays lean.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfdesk.errors import NotFound, PerfDeskError
from perfdesk.store import backup, queries
from perfdesk.store import restore as restoring
from perfdesk.store.changes import Changes
from perfdesk.store.database import open_database as open_db
from perfdesk.ui import ask
from perfdesk.ui.ops import Refused

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from perfdesk.domain.plan_document import PlanDocument
    from perfdesk.store.database import Database
    from perfdesk.store.schema import Lead
    from perfdesk.ui.commands.window import Window
    from perfdesk.ui.long_work import Progress

log = logging.getLogger(__name__)
DB_FILTER = "PerfDesk databases (*.sqlite *.db);;All files (*)"
XLSX_FILTER = "Excel workbooks (*.xlsx)"
CSV_FILTER = "CSV files (*.csv)"
# What a restore gives back: the backup of the state it replaced, or (for
# another database's backup) the question whose identity to keep; None when
# it was refused or cancelled (the user has been told).
Restored = Path | restoring.OtherDatabasesBackup | None


def switch_to(window: Window, location: str, create: bool = False) -> bool:
    try:
        db = open_db(location, create=create, author=window.settings.user_name)
    except PerfDeskError as exc:
        ask.refuse(window.widget, "Cannot open that database", str(exc))
        return False
    window.set_database(db)
    return True


def new_database(window: Window) -> None:
    path = ask.save_path(window.widget, "New PerfDesk database", DB_FILTER, "plans.sqlite")
    if not path:
        return
    if Path(path).exists():
        ask.refuse(window.widget, "Not created",
                   f"{path} already exists. Choose a new name, or use Open to open it.")
        return
    switch_to(window, path, create=True)


def open_database(window: Window) -> None:
    path = ask.open_path(window.widget, "Open a PerfDesk database", DB_FILTER)
    if path:
        switch_to(window, path)


def fill_recent_menu(window: Window) -> None:
    menu = window.recent_menu
    menu.clear()
    current = window.ops.location if window.ops else ""
    recent = [r for r in window.settings.recent_databases if r != current]
    for number, location in enumerate(recent, start=1):
        action = menu.addAction(f"&{number} {location}")
        action.triggered.connect(lambda _c=False, loc=location: _open_recent(window, loc))
    menu.setEnabled(bool(recent))


def _open_recent(window: Window, location: str) -> None:
    if not Path(location).exists() and "://" not in location:
        window.settings.forget_database(location)
        fill_recent_menu(window)
        ask.refuse(window.widget, "Cannot open that database",
                   f"{location} is no longer there (moved or deleted). It was removed from "
                   "the recent list.")
        return
    switch_to(window, location)


def backup_now(window: Window) -> None:
    ops = window.ops
    file = ops.file if ops is not None else None
    if ops is None or file is None:
        ask.refuse(window.widget, "No backup", "Only a database file can be backed up.")
        return
    try:
        saved = backup.backup(file, "manual", ops.now())
    except (OSError, PerfDeskError) as exc:
        ask.refuse(window.widget, "Backup failed", f"The backup could not be written: {exc}.")
        return
    window.show_status(f"Backed up to {saved}", 10000)


def keep_backups(window: Window) -> None:
    """Set how many backups of this database are kept, and thin them now."""
    from perfdesk.ui.dialogs.form import run_form
    from perfdesk.ui.dialogs.keep_dialog import KeepDialog

    ops = window.ops
    file = ops.file if ops is not None else None
    if ops is None or file is None:
        ask.refuse(window.widget, "Backups", "Only a database file has backups.")
        return
    dialog = KeepDialog(backup.read_policy(file), str(backup.backup_folder(file)), window.widget)
    if not run_form(dialog):
        return
    policy = dialog.policy()
    try:
        removed = backup.set_policy(file, policy, ops.now())
    except (OSError, PerfDeskError) as exc:
        ask.refuse(window.widget, "Backups", f"The setting could not be saved: {exc}.")
        return
    gone = f" {len(removed)} older backups were removed." if removed else ""
    window.show_status(f"Keeping {policy.describe()}.{gone}", 15000)


def restore_backup(window: Window) -> bool:
    """Put the database back as a backup had it. The state now is backed up
    first, so a restore can itself be undone by restoring that."""
    ops = window.ops
    path = ops.file if ops is not None else None
    if ops is None or path is None or ops.read_only:
        ask.refuse(window.widget, "Restore",
                   "Only a database file open for editing can be restored.")
        return False
    kept = backup.usable_backups(path)  # checked: a damaged one is never offered
    if not kept:
        ask.inform(window.widget, "Restore", f"There are no backups of {path.name} that can "
                                             "be restored yet.")
        return False
    labels = _backup_labels(kept)
    index = ask.choose(window.widget, "Restore from backup",
                       "Put the plans back as they were at:", labels)
    if index is None:
        return False
    if not ask.confirm(window.widget, "Restore from backup?",
                       f"Replace everything in {path.name} with the backup of "
                       f"{labels[index]}? The plans as they are now are backed up first, so "
                       "you can restore them again.", yes="Restore"):
        return False
    now, author, chosen = ops.now(), ops.author, kept[index].path
    # Let go of the file first: a damaged one is renamed over, not written into.
    window.release_database()

    def restore_as(identity: restoring.Identity) -> Restored:
        done = ops.run_long(
            "Restore from backup", lambda _db, progress: _asking_back(lambda: restoring.restore(
                path, chosen, now, identity=identity, author=author, progress=progress)),
            text=f"Restoring the backup of {labels[index]}…", blocks_window=True,
            refused_title="Not restored")
        return None if isinstance(done, Refused) else done.value

    before = _restore_asking(window.widget, restore_as)
    switch_to(window, str(path))  # the file as it is now: restored, or as it was
    if before is None:
        return False
    window.show_status(f"Restored. The state before is saved as {before.name}", 15000)
    return True


def restore_when_unopenable(target: str | None, problem: str, author: str) -> bool:
    """The database could not be opened when PerfDesk started: when it is
    damaged and has backups, offer to put one back (the damaged file is
    kept). True once restored, so it can be opened again."""
    from perfdesk.clock import system_clock
    from perfdesk.paths import default_database
    from perfdesk.ui.long_work import LongWork

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
    now, chosen = system_clock(), kept[index].path
    worker = LongWork(None)  # no window yet: the worker and its dialog, without `ops`

    def restore_as(identity: restoring.Identity) -> Restored:
        outcome = worker.run(
            "Restore from backup", f"Restoring the backup of {labels[index]}…",
            lambda progress: _asking_back(lambda: restoring.restore(
                path, chosen, now, identity=identity, author=author, progress=progress)),
            cancellable=False, blocks_window=True, writes=True)
        if isinstance(outcome.error, PerfDeskError):
            ask.refuse(None, "Not restored", str(outcome.error))
            return None
        if outcome.error is not None:
            raise outcome.error
        return outcome.value

    kept_as = _restore_asking(None, restore_as)
    if kept_as is None:
        return False
    ask.inform(None, "Restored", f"{path.name} was restored from the backup of "
                                 f"{labels[index]}. The damaged file is kept as {kept_as}.")
    return True


def _backup_labels(kept: list[backup.BackupInfo]) -> list[str]:
    """Each backup offered for restore, as the question lists it."""
    return [f"{b.taken_at:%d %b %Y %H:%M}  ·  {b.reason}  ·  {len(b.plans)} plan"
            f"{'' if len(b.plans) == 1 else 's'}" for b in kept]


def _asking_back(restoring_it: Callable[[], Path]) -> Path | restoring.OtherDatabasesBackup:
    """In the worker: another database's backup is a question to ask, not a refusal."""
    try:
        return restoring_it()
    except restoring.OtherDatabasesBackup as other:
        return other


def _restore_asking(parent: QWidget | None,
                    restore_as: Callable[[restoring.Identity], Restored]) -> Path | None:
    """`restore_as` a backup; when it is another database's, ask whose identity
    to keep and restore it that way. None when it was refused, cancelled or
    they chose to stop."""
    result = restore_as(restoring.Identity.REFUSE)
    if isinstance(result, restoring.OtherDatabasesBackup):
        identity = _whose_identity(parent, result)
        result = None if identity is None else restore_as(identity)
    return result if isinstance(result, Path) else None


def _whose_identity(parent: QWidget | None,
                    other: restoring.OtherDatabasesBackup) -> restoring.Identity | None:
    """Another database's backup: keep this database's identity (it becomes
    a copy of that one, safe for sync) or take the backup's; None to stop."""
    choices = [
        (restoring.Identity.KEEP, "Keep this database's identity: it becomes a copy of that "
                               "database's plans (recommended)"),
        (restoring.Identity.TAKE, "Take the backup's identity: only if the database it came "
                               "from is gone for good"),
    ]
    index = ask.choose(parent, "Another database's backup",
                       f"That is a backup of another database (holding "
                       f"{other.check.describe_plans()}). Restore it and:",
                       [label for _, label in choices])
    return None if index is None else choices[index][0]


def import_workbook(window: Window) -> None:
    from perfdesk.services.workbook.exchange import add_document, same_name_plans
    from perfdesk.services.workbook.read import read_workbook

    ops = window.ops
    path = ask.open_path(window.widget, "Import a plan workbook", XLSX_FILTER)
    if not path or ops is None:
        return
    source, today = Path(path), window.today
    read = ops.run_long(f"Read {source.name}", lambda _db, _progress: read_workbook(
        source, today), text=f"Reading {source.name}…", writes=False, changes=Changes(),
        refused_title="Workbook not imported")
    if isinstance(read, Refused):
        return
    doc: PlanDocument = read.value
    replace = False
    if ops.read(lambda s: same_name_plans(s, doc)):
        replace = ask.confirm(
            window.widget, "Replace plan?",
            f"A plan named {doc.plan.short_name!r} is already here. Replace it with the "
            "workbook's? A backup is taken first, and Undo brings the old one back.",
            yes="Replace",
        )
        if not replace:
            return
    # The tabs are rebuilt by `changed` (plans were added or replaced).
    done = ops.run_long_edit(
        f"Import {doc.plan.short_name}", lambda s, progress: add_document(
            s, doc, source.name, replace, progress=progress),
        text=f"Importing {doc.plan.short_name}…",
        backup="before-replace" if replace else "before-import",
        refused_title="Workbook not imported")
    if not isinstance(done, Refused):
        window.build_tabs(done.value.id)  # and show the plan imported


def export_workbook(window: Window) -> None:
    from perfdesk.services.plans.documents import load_document
    from perfdesk.services.workbook.write import write_workbook
    from perfdesk.store.schema import Plan

    tab = window.current_plan_tab()
    ops = window.ops
    if tab is None or ops is None:
        ask.inform(window.widget, "Export", "Open the tab of the plan to export first.")
        return
    plan_id = tab.plan_id
    name = tab.outline.short_name if tab.outline else "plan"
    path = ask.save_path(window.widget, "Export plan workbook", XLSX_FILTER, f"{name}.xlsx")
    if not path:
        return
    out = Path(path)

    def work(db: Database, _progress: Progress) -> Any:
        with db.read() as session:
            plan = session.get(Plan, plan_id)
            if plan is None:
                raise NotFound(f"The plan {name} is no longer in this database.")
            doc = load_document(session, plan)
        return write_workbook(doc, out)

    done = ops.run_long(f"Export {name}", work, text=f"Writing {out.name}…", writes=False,
                        cancellable=False, changes=Changes(),
                        refused_title="Workbook not written")
    if not isinstance(done, Refused):
        window.show_status(f"Exported {name} to {path}", 10000)


def export_list_csv(window: Window) -> None:
    """The actions shown in this tab, filtered and sorted as shown, as CSV."""
    from perfdesk.services.actions.csv_export import write_actions_csv

    tab = window.current_plan_tab()
    if tab is None:
        ask.inform(window.widget, "Export list", "Open a plan's tab to export its list.")
        return
    name = tab.outline.short_name if tab.outline else "actions"
    path = ask.save_path(window.widget, "Export the list as CSV", CSV_FILTER, f"{name} actions.csv")
    if not path:
        return
    rows = tab.model.shown_rows()
    try:
        write_actions_csv(rows, Path(path))
    except OSError as exc:
        ask.refuse(window.widget, "List not exported", f"{path} could not be written: {exc}.")
        return
    window.show_status(f"Exported {len(rows)} actions to {path}", 10000)


def preferences(window: Window) -> None:
    from perfdesk.ui.dialogs.preferences_dialog import ask_preferences

    if window.ops is None:
        return
    leads = window.ops.read(lambda s: [(lead.id, lead.name) for lead in queries.live(s, _lead())])
    leads.sort(key=lambda p: p[1].casefold())
    if ask_preferences(window.widget, window.settings, leads):
        window.show_user()
        for tab in window.built_plan_tabs():  # the others read them when built
            tab.filters.set_stale_days(window.settings.stale_days)
            tab.filters.set_my_leads(window.settings.my_leads)


def _lead() -> type[Lead]:
    from perfdesk.store.schema import Lead

    return Lead


def about(window: Window) -> None:
    from perfdesk.ui.dialogs.about import show_about

    log_path = str(window.log_path) if window.log_path else None
    show_about(window.widget, window.ops.location if window.ops else "", log_path)
