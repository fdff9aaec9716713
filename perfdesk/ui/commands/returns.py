"""Lead returns from the window (docs/returns-format.md): write a return
workbook for one lead or for every lead, and import filled-in returns after
a preview. Each command takes the main window; every question goes through
`ask`, and the file picker and the preview through the module-level
`_pick_files` and `_review`, so tests can answer them. Reading, writing and applying returns
run through `ops.run_long` in a worker, behind the shared progress dialog."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QDialog
from sqlmodel import Session

from perfdesk.errors import PerfDeskError
from perfdesk.store.changes import Changes
from perfdesk.ui import ask
from perfdesk.ui.commands.file import XLSX_FILTER
from perfdesk.ui.ops import Refused

if TYPE_CHECKING:
    from perfdesk.services.returns.apply import ReturnPreview
    from perfdesk.store.database import Database
    from perfdesk.ui.commands.window import Window
    from perfdesk.ui.long_work import Progress

T = TypeVar("T")
log = logging.getLogger(__name__)
ONE_LEAD = "One lead"
EVERY_LEAD = "Every lead, one file each"


# -- export ------------------------------------------------------------------

def export_returns(window: Window) -> None:
    """A return for one lead (saved where they choose) or one per lead (into a folder)."""
    ops = window.ops
    if ops is None:
        return
    which = ask.choose(window.widget, "Export returns", "Write a return workbook for:",
                       [ONE_LEAD, EVERY_LEAD])
    if which is None:
        return
    from perfdesk.services.returns.write import (
        file_name,
        leads_with_work,
        write_all_returns,
        write_return,
    )

    today = window.today
    write: Callable[[Session], list[Path]]
    if which == 0:
        names = ops.read(lambda s: [lead.name for lead in leads_with_work(s, today)])
        if not names:
            ask.inform(window.widget, "Export returns",
                       "No lead has open actions or measures to report on.")
            return
        index = ask.choose(window.widget, "Export a return", "The return of:", names)
        if index is None:
            return
        lead = names[index]
        path = ask.save_path(window.widget, f"Save the return of {lead}", XLSX_FILTER,
                             file_name(lead, set()))
        if not path:
            return
        out = Path(path)
        write = lambda s: [write_return(s, lead, out, today)]  # noqa: E731
        busy_text = f"Writing {out.name}…"
    else:
        folder = ask.folder_path(window.widget, "Folder for the returns (one file per lead)")
        if not folder:
            return
        into = Path(folder)
        write = lambda s: write_all_returns(s, into, today)  # noqa: E731
        busy_text = f"Writing the returns into {into}…"
    done = ops.run_long("Export returns", lambda db, _progress: _reading(db, write),
                        text=busy_text, writes=False, cancellable=False, changes=Changes(),
                        refused_title="Returns not written")
    if isinstance(done, Refused):
        return
    written = done.value
    if not written:
        ask.inform(window.widget, "Export returns",
                   "No lead has open actions or measures, so no return was written.")
        return
    where = written[0] if len(written) == 1 else written[0].parent
    what = "the return" if len(written) == 1 else f"{len(written)} returns"
    window.show_status(f"Wrote {what} to {where}", 10000)
    listed = "\n".join(p.name for p in written)
    ask.inform(window.widget, "Returns written",
               f"Wrote {what} to {where}:\n{listed}\n\nSend each lead their file; when it "
               "comes back, use Import returns.")


# -- import ------------------------------------------------------------------

def _pick_files(window: Window) -> list[str]:
    """The returns to import, chosen in the system's file dialog (tests replace this)."""
    return ask.open_paths(window.widget, "Import lead returns", XLSX_FILTER)


def _review(previews: list[ReturnPreview], window: Window) -> bool | None:
    """Show the preview. None: cancelled; otherwise whether to also apply the
    rows no longer led by the return's lead (tests replace this)."""
    from perfdesk.ui.dialogs.return_preview import ReturnPreviewDialog

    dialog = ReturnPreviewDialog(previews, window.widget)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.confirm_unassigned
    finally:
        dialog.deleteLater()


def _reading(db: Database, read: Callable[[Session], T]) -> T:
    """In a worker: `read` in a session of its own."""
    with db.read() as session:
        return read(session)


def check_files(window: Window, paths: list[Path]) -> list[ReturnPreview] | None:
    """Every return read and checked against the database, or None when any
    file is refused (the user has been told which and why)."""
    from perfdesk.services.returns.apply import check_return
    from perfdesk.services.returns.read import read_return

    assert window.ops is not None
    today = window.today

    def check(db: Database, progress: Progress) -> tuple[list[ReturnPreview], list[str]]:
        previews: list[ReturnPreview] = []
        refused: list[str] = []
        for number, path in enumerate(paths):
            progress.say(f"Checking {path.name}…")
            progress(number, len(paths))
            try:
                doc = read_return(path, today=today)
                previews.append(_reading(db, partial(check_return, doc=doc)))
            except PerfDeskError as exc:
                log.info("return %s refused: %s", path, exc)
                refused.append(str(exc))
            except OSError as exc:
                refused.append(f"{path.name} could not be read: {exc.strerror or exc}.")
        return previews, refused

    done = window.ops.run_long("Check the returns", check, text="Checking the returns…",
                               writes=False, changes=Changes(),
                               refused_title="Returns not imported")
    if isinstance(done, Refused):
        return None
    previews, refused = done.value
    if refused:
        also = "" if len(paths) == 1 else " None of the chosen returns was imported."
        ask.refuse(window.widget, "Returns not imported",
                   "\n\n".join(refused) + f"\n\nNothing was changed.{also}")
        return None
    return previews


def import_returns(window: Window) -> int | None:
    """Read, check and preview the chosen returns, then apply each as its
    own undoable edit. Returns how many were added (None: nothing was done)."""
    ops = window.ops
    if ops is None:
        return None
    paths = [Path(p) for p in _pick_files(window)]
    if not paths:
        return None
    previews = check_files(window, paths)  # every file checked before any applies
    if previews is None:
        return None
    confirm = _review(previews, window)
    if confirm is None:
        return None
    from perfdesk.services.returns.apply import apply_return

    total, done = 0, 0
    for preview in previews:  # each its own undoable edit, the first backed up before
        def apply(s: Session, progress: Progress, p: ReturnPreview = preview) -> int:
            return apply_return(s, p, confirm, progress=progress)

        result = ops.run_long_edit(
            f"Import return {preview.doc.source}",
            apply,
            text=f"Applying {preview.doc.source}…",
            backup="before-returns" if done == 0 else "")
        if isinstance(result, Refused):  # ops has said why; the rest are left alone
            break
        total += result.value
        done += 1
    # Each edit's `changed` signal has refreshed the tabs that show what it added.
    message = _added_text(previews[:done], confirm, total) if done else ""
    if done < len(previews):
        message += (f" {previews[done].doc.source} was refused, so it and any returns "
                    "after it were not applied.").lstrip()
    window.show_status(message, 10000)
    ask.inform(window.widget, "Returns imported", message)
    return total


def _added_text(previews: list[ReturnPreview], confirm: bool, total: int) -> str:
    from perfdesk.services.returns.read import ActionReturn

    wanted = [i for p in previews for i in p.to_add(confirm)]
    updates = sum(1 for i in wanted if isinstance(i.row, ActionReturn))
    figures = len(wanted) - updates
    if total == 0:
        return "Nothing was added: everything in the returns was already recorded or skipped."
    if total != len(wanted):  # something changed between the preview and applying
        return f"Added {total} update{'s' if total != 1 else ''} and figures."
    return (f"Added {updates} update{'s' if updates != 1 else ''} and "
            f"{figures} figure{'s' if figures != 1 else ''}.")
