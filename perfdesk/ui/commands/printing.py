"""File ▸ Print pack… (a PDF board pack through reportlab, gathered and laid
out in a worker behind the shared progress dialog, opened in the system
viewer) and File ▸ Print… (the list on screen, through the system print
dialog with a preview)."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextDocument

from perfdesk.domain.dates import nice_date
from perfdesk.store import queries
from perfdesk.store.changes import Changes
from perfdesk.ui import ask
from perfdesk.ui.ops import Refused

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtPrintSupport import QPrinter
    from sqlmodel import Session

    from perfdesk.store.database import Database
    from perfdesk.ui.commands.window import Window
    from perfdesk.ui.dialogs.pack_dialog import PackChoices
    from perfdesk.ui.long_work import Progress

log = logging.getLogger(__name__)


def _choices(window: Window) -> PackChoices:
    from perfdesk.store.schema import Lead
    from perfdesk.ui.dialogs.pack_dialog import PackChoices

    def read(session: Session) -> PackChoices:
        plans = queries.plans(session)
        priorities = {
            p.short_name: [(r.ref, f"{r.ref} {r.title}")
                           for r in queries.plan_priorities(session, p.id)]
            for p in plans
        }
        leads = sorted({lead.name for lead in queries.live(session, Lead)},
                       key=str.casefold)
        current = window.current_plan_tab()
        return PackChoices([p.short_name for p in plans], priorities, leads,
                           current.outline.short_name if current and current.outline else None)

    assert window.ops is not None
    return window.ops.read(read)


def print_pack(window: Window) -> Path | None:
    from perfdesk.services.pack.data import pack_data
    from perfdesk.ui.dialogs.pack_dialog import ask_pack

    if window.ops is None:
        return None
    options = ask_pack(window.widget, _choices(window), today=window.today)
    if options is None:
        return None
    stem = "board-pack" if not options.lead else f"actions-{options.lead}"
    suggested = f"{stem}-{(options.as_at or window.today).isoformat()}.pdf"
    target = ask.save_path(window.widget, "Save the pack as", "PDF (*.pdf)", suggested)
    if not target:
        return None
    today, out = window.today, Path(target)

    def work(db: Database, progress: Progress) -> Path:
        from perfdesk.reports.pack import build_pack

        progress.say("Gathering the plans…")
        with db.read() as session:
            data = pack_data(session, options, today)
        progress.say("Laying out the pack…")
        return build_pack(data, out, progress)

    done = window.ops.run_long("Print pack", work, text="Gathering the plans…", writes=False,
                               changes=Changes(), refused_title="Pack not made")
    if isinstance(done, Refused):
        return None
    path = done.value
    window.show_status(f"Pack saved to {path}", 10000)
    if not ask.open_in_viewer(str(path)):
        ask.inform(window.widget, "Pack made", f"The pack is saved at {path}. No PDF viewer "
                   "could be opened; open the file from there.")
    return path


def table_document(window: Window) -> QTextDocument | None:
    """The list on screen (the current plan tab's actions or measures, as
    filtered) as a printable document."""
    tab = window.current_plan_tab()
    if tab is None or tab.outline is None:
        return None
    title = escape(tab.outline.title)
    model: QAbstractItemModel
    if tab.pages.currentIndex() == 1:
        model = tab.measures.model
        heads = ["Ref", "Indicator", "Baseline", "Latest", "Target", "RAG", "Direction"]
        rows = [[model.data(model.index(i, c)) or "" for c in range(len(heads))]
                for i in range(model.rowCount())]
        filters = tab.measures.summary.text()
    else:
        model = tab.model
        heads = ["Ref", "Status", "Action", "Lead(s)", "By when", "Overdue", "Latest update"]
        rows = [[model.data(model.index(i, c)) or "" for c in range(len(heads))]
                for i in range(model.rowCount())]
        filters = tab.filters.summary.text()
    body = []
    for cells in rows:
        if not any(cells[1:]):  # a heading row
            body.append(f"<tr><td colspan='{len(heads)}' style='background:#e8edf3'>"
                        f"<b>{escape(str(cells[0]))}</b></td></tr>")
        else:
            body.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    html = (
        f"<h2>{title}</h2><p>{escape(filters)} · printed {nice_date(window.today)}</p>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        "<tr>" + "".join(f"<th align='left'>{h}</th>" for h in heads) + "</tr>"
        + "".join(body) + "</table>"
    )
    document = QTextDocument()
    document.setHtml(html)
    return document


def print_table(window: Window) -> None:
    document = table_document(window)
    if document is None:
        ask.inform(window.widget, "Print", "Open a plan's tab to print its list.")
        return

    def render(printer: QPrinter) -> None:
        document.print_(printer)

    ask.print_preview(window.widget, render)
