"""File menu commands for update bundles: send my updates, receive updates,
decide conflicts, publish the master, refresh from the master.

Each long one runs through `ops.run_long`, in a worker behind the shared
progress dialog. Receiving and refreshing bring outside data in, so each is
backed up first by its service; the window redraws what they changed when
`ops.changed` says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from perfdesk.services.sync.bundle import SUFFIX
from perfdesk.store.changes import Changes
from perfdesk.store.database import open_database
from perfdesk.ui import ask
from perfdesk.ui.commands.file import DB_FILTER
from perfdesk.ui.ops import Refused

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from perfdesk.store.database import Database
    from perfdesk.ui.commands.window import Window
    from perfdesk.ui.long_work import Progress

log = logging.getLogger(__name__)
BUNDLE_FILTER = f"PerfDesk update bundles (*{SUFFIX});;All files (*)"


def _file_name_part(text: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in text.strip())
    return "-".join(p for p in kept.split("-") if p) or "updates"


def send_updates(window: Window) -> None:
    from perfdesk.services.sync.send import send, unsent_count

    ops = window.ops
    if ops is None:
        return
    count = ops.read(unsent_count)
    everything = False
    if count == 0:
        if not ask.confirm(window.widget, "Nothing new to send",
                           "Nothing has changed here since your last bundle. Send every "
                           "change made here again (if a bundle went astray)? The master "
                           "ignores what it already has.", yes="Send everything"):
            return
        everything = True
    who = _file_name_part(window.settings.user_name or "my")
    suggested = f"{who}-updates-{window.today:%Y-%m-%d}{SUFFIX}"
    path = ask.save_path(window.widget, "Send my updates", BUNDLE_FILTER, suggested)
    if not path:
        return
    author = window.settings.user_name
    out = Path(path)
    # Only how far this database has sent changes: no view shows that but the status bar.
    done = ops.run_long(
        "Send my updates", lambda db, progress: send(
            db, out, author=author, everything=everything, progress=progress),
        text=f"Writing {out.name}…", changes=Changes(), refused_title="Updates not sent")
    if isinstance(done, Refused):
        return
    result = done.value
    window.update_conflicts()
    ask.inform(window.widget, "Updates ready to send",
               f"{result.changes} change{'s' if result.changes != 1 else ''} written to "
               f"{result.path}. Give this file to the secretariat (email, shared drive or "
               "memory stick); they receive it into the master.")


def receive_updates(window: Window) -> None:
    from perfdesk.services.sync.receive import ReceiveReport, receive

    ops = window.ops
    if ops is None:
        return
    paths = [Path(p) for p in ask.open_paths(window.widget, "Receive updates", BUNDLE_FILTER)]
    if not paths:
        return
    window.save_typing()
    author = window.settings.user_name

    def work(db: Database, progress: Progress) -> ReceiveReport:
        progress.say("Reading and checking the updates…")
        return receive(db, paths, author=author, progress=_saying(
            progress, f"Applying the changes in {_names(paths)}…"))

    done = ops.run_long("Receive updates", work, text="Receiving updates…",
                        refused_title="Updates not received")
    if isinstance(done, Refused):
        return
    report = done.value  # the views have redrawn: `changed` said everything may have changed
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
    ask.inform(window.widget, "Updates received", "\n".join(lines))
    if report.conflicts:
        show_conflicts(window)


def _names(paths: list[Path]) -> str:
    return paths[0].name if len(paths) == 1 else f"{len(paths)} bundles"


def _saying(progress: Progress, text: str) -> Callable[[int, int], None]:
    """`progress`, saying `text` from its first count on."""
    first = True

    def step(done: int, total: int) -> None:
        nonlocal first
        if first:
            first = False
            progress.say(text)
        progress(done, total)

    return step


def show_conflicts(window: Window) -> None:
    from perfdesk.ui.dialogs.conflicts_dialog import ConflictsDialog

    if window.ops is None:
        return
    dialog = ConflictsDialog(window.ops, window.widget)
    exec_dialog(dialog)
    window.update_conflicts()
    for tab in window.built_plan_tabs():  # a decision to keep changes no row: say it is decided
        tab.editor.reload()


def exec_dialog(dialog: QDialog) -> None:
    """Show a modal dialog (tests replace this to drive it)."""
    dialog.exec()


def publish_master(window: Window) -> None:
    from perfdesk.services.sync.copies import publish

    ops = window.ops
    file = ops.file if ops is not None else None
    if ops is None or file is None:
        ask.refuse(window.widget, "Not published", "Only a database file can be published.")
        return
    suggested = f"{file.stem}-master-{window.today:%Y-%m-%d}.sqlite"
    path = ask.save_path(window.widget, "Publish the master for laptops", DB_FILTER, suggested)
    if not path:
        return
    author = window.settings.user_name
    # Publishing records only that it was published: nothing any view shows.
    done = ops.run_long("Publish master", lambda db, _progress: publish(
        db, Path(path), author=author), text=f"Writing {Path(path).name}…",
        cancellable=False, changes=Changes(), refused_title="Not published")
    if isinstance(done, Refused):
        return
    ask.inform(window.widget, "Master published",
               f"Published to {done.value}. Laptops take it with File > Refresh from master; "
               "their own unsent changes are kept.")


def refresh_from_master(window: Window) -> None:
    from perfdesk.services.sync.copies import RefreshResult, refresh

    ops = window.ops
    path = ops.file if ops is not None else None
    if ops is None or path is None or ops.read_only:
        ask.refuse(window.widget, "Not refreshed", "Only a database file open for editing can "
                                                   "be refreshed from the master.")
        return
    master = ask.open_path(window.widget, "Refresh from the master", DB_FILTER)
    if not master:
        return
    if not ask.confirm(window.widget, "Refresh from the master?",
                       f"Replace the plans here with those in {Path(master).name}, then put "
                       "back every change made here that the master does not have yet? A "
                       "backup is taken first.", yes="Refresh"):
        return
    author, clock = window.settings.user_name, ops.now
    window.release_database()  # the file is replaced: let go of it first

    def work(_db: Database, progress: Progress) -> RefreshResult:
        return refresh(path, Path(master), author=author, clock=clock, progress=progress)

    done = ops.run_long("Refresh from the master", work, text="Refreshing from the master…",
                        blocks_window=True, refused_title="Not refreshed")
    window.set_database(open_database(path, author=author))
    if isinstance(done, Refused):
        return
    kept = done.value.kept
    ask.inform(window.widget, "Refreshed",
               f"The plans are now the master's, with {kept} change"
               f"{'s' if kept != 1 else ''} made here kept on top. They go with your "
               "next Send my updates.")
