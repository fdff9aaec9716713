"""File menu commands for update bundles: send my updates, receive updates,
decide conflicts, publish the master, refresh from the master.

Receiving and refreshing bring outside data in, so each is backed up first
by its service, runs behind a progress dialog, and reloads every tab after.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from perfdesk.errors import PerfDeskError
from perfdesk.services.sync.bundle import SUFFIX
from perfdesk.store.database import open_database
from perfdesk.ui import ask
from perfdesk.ui.commands.file import DB_FILTER, Busy

if TYPE_CHECKING:
    from perfdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)
BUNDLE_FILTER = f"PerfDesk update bundles (*{SUFFIX});;All files (*)"


def _file_name_part(text: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in text.strip())
    return "-".join(p for p in kept.split("-") if p) or "updates"


def send_updates(window: MainWindow) -> None:
    from perfdesk.services.sync.send import send, unsent_count

    if window.db is None or window.ops is None:
        return
    count = window.ops.read(unsent_count)
    everything = False
    if count == 0:
        if not ask.confirm(window, "Nothing new to send",
                           "Nothing has changed here since your last bundle. Send every "
                           "change made here again (if a bundle went astray)? The master "
                           "ignores what it already has.", yes="Send everything"):
            return
        everything = True
    who = _file_name_part(window.settings.user_name or "my")
    suggested = f"{who}-updates-{window.today:%Y-%m-%d}{SUFFIX}"
    path = ask.save_path(window, "Send my updates", BUNDLE_FILTER, suggested)
    if not path:
        return
    try:
        result = send(window.db, Path(path), author=window.settings.user_name,
                      everything=everything)
    except (PerfDeskError, OSError) as exc:
        ask.refuse(window, "Updates not sent", str(exc))
        return
    window.update_conflicts()
    ask.inform(window, "Updates ready to send",
               f"{result.changes} change{'s' if result.changes != 1 else ''} written to "
               f"{result.path}. Give this file to the secretariat (email, shared drive or "
               "memory stick); they receive it into the master.")


def receive_updates(window: MainWindow) -> None:
    from perfdesk.services.sync.receive import receive

    if window.db is None or window.ops is None:
        return
    paths = ask.open_paths(window, "Receive updates", BUNDLE_FILTER)
    if not paths:
        return
    window.save_typing()
    try:
        with Busy(window, "Receiving updates…") as busy:
            report = receive(window.db, [Path(p) for p in paths],
                             author=window.settings.user_name, progress=busy.step)
    except PerfDeskError as exc:
        ask.refuse(window, "Updates not received", str(exc))
        return
    window.build_tabs(_current_plan(window))
    window.update_conflicts()
    lines = []
    for bundle in report.bundles:
        if bundle.new == 0:
            lines.append(f"{bundle.source}: already received; nothing changed.")
            continue
        tally = bundle.tally
        line = (f"{bundle.source} (from {bundle.author or 'someone'}): {tally.applied} applied, "
                f"{len(tally.conflicts)} conflict{'s' if len(tally.conflicts) != 1 else ''}")
        if tally.missing:
            line += f", {tally.missing} waiting for an earlier bundle"
        lines.append(line)
    if not report.nothing_new:
        lines.append("\nA backup was taken first: File > Restore from backup… puts the plans "
                     "back as they were before.")
    ask.inform(window, "Updates received", "\n".join(lines))
    if report.conflicts:
        show_conflicts(window)


def show_conflicts(window: MainWindow) -> None:
    from perfdesk.ui.dialogs.conflicts_dialog import ConflictsDialog

    if window.ops is None:
        return
    dialog = ConflictsDialog(window.ops, window)
    exec_dialog(dialog)
    window.update_conflicts()
    for tab in window.built_plan_tabs():  # a decision to keep changes no row: say it is decided
        tab.editor.reload()


def exec_dialog(dialog: object) -> None:
    """Show a modal dialog (tests replace this to drive it)."""
    dialog.exec()  # type: ignore[attr-defined]


def publish_master(window: MainWindow) -> None:
    from perfdesk.services.sync.copies import publish

    db = window.db
    if db is None or db.path is None:
        ask.refuse(window, "Not published", "Only a database file can be published.")
        return
    suggested = f"{db.path.stem}-master-{window.today:%Y-%m-%d}.sqlite"
    path = ask.save_path(window, "Publish the master for laptops", DB_FILTER, suggested)
    if not path:
        return
    try:
        out = publish(db, Path(path), author=window.settings.user_name)
    except (PerfDeskError, OSError) as exc:
        ask.refuse(window, "Not published", str(exc))
        return
    ask.inform(window, "Master published",
               f"Published to {out}. Laptops take it with File > Refresh from master; their "
               "own unsent changes are kept.")


def refresh_from_master(window: MainWindow) -> None:
    from perfdesk.services.sync.copies import refresh

    db = window.db
    if db is None or db.path is None or db.read_only:
        ask.refuse(window, "Not refreshed", "Only a database file open for editing can be "
                                            "refreshed from the master.")
        return
    master = ask.open_path(window, "Refresh from the master", DB_FILTER)
    if not master:
        return
    if not ask.confirm(window, "Refresh from the master?",
                       f"Replace the plans here with those in {Path(master).name}, then put "
                       "back every change made here that the master does not have yet? A "
                       "backup is taken first.", yes="Refresh"):
        return
    path = db.path
    window.release_database()
    try:
        with Busy(window, "Refreshing from the master…"):
            result = refresh(path, Path(master), author=window.settings.user_name)
    except (PerfDeskError, OSError) as exc:
        ask.refuse(window, "Not refreshed", str(exc))
        result = None
    window.set_database(open_database(path, author=window.settings.user_name))
    if result is not None:
        kept = result.kept
        ask.inform(window, "Refreshed",
                   f"The plans are now the master's, with {kept} change"
                   f"{'s' if kept != 1 else ''} made here kept on top. They go with your "
                   "next Send my updates.")


# ---------------------------------------------------------------- helpers

def _current_plan(window: MainWindow) -> str | None:
    tab = window.current_plan_tab()
    return tab.plan_id if tab else None
