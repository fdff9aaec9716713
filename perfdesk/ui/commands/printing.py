"""File ▸ Print pack… (a PDF board pack through reportlab, with a progress
dialog, opened in the system viewer) and File ▸ Print… (the list on screen,
through the system print dialog with a preview)."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QProgressDialog

from perfdesk.domain.dates import nice_date
from perfdesk.errors import PerfDeskError
from perfdesk.store import queries
from perfdesk.ui import ask

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from perfdesk.ui.dialogs.pack_dialog import PackChoices
    from perfdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def _choices(window: MainWindow) -> PackChoices:
    from perfdesk.store.schema import Lead
    from perfdesk.ui.dialogs.pack_dialog import PackChoices

    def read(session: object) -> PackChoices:
        plans = queries.plans(session)  # type: ignore[arg-type]
        priorities = {
            p.short_name: [(r.ref, f"{r.ref} {r.title}")
                           for r in queries.plan_priorities(session, p.id)]  # type: ignore[arg-type]
            for p in plans
        }
        leads = sorted({lead.name for lead in queries.live(session, Lead)},  # type: ignore[arg-type]
                       key=str.casefold)
        current = window.current_plan_tab()
        return PackChoices([p.short_name for p in plans], priorities, leads,
                           current.outline.short_name if current and current.outline else None)

    assert window.ops is not None
    return window.ops.read(read)


def print_pack(window: MainWindow) -> Path | None:
    from perfdesk.services.pack.data import pack_data
    from perfdesk.ui.dialogs.pack_dialog import ask_pack

    if window.ops is None:
        return None
    options = ask_pack(window, _choices(window), today=window.today)
    if options is None:
        return None
    stem = "board-pack" if not options.lead else f"actions-{options.lead}"
    suggested = f"{stem}-{(options.as_at or window.today).isoformat()}.pdf"
    target = ask.save_path(window, "Save the pack as", "PDF (*.pdf)", suggested)
    if not target:
        return None
    progress = QProgressDialog("Gathering the plans…", "", 0, 100, window)
    progress.setWindowTitle("Print pack")
    progress.setCancelButton(None)  # type: ignore[arg-type]
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setValue(0)
    QApplication.processEvents()
    try:
        data = window.ops.read(lambda s: pack_data(s, options, window.today))
        from perfdesk.reports.pack import build_pack

        def step(done: int, total: int) -> None:
            progress.setLabelText(f"Laying out the pack ({done} of {total})…")
            progress.setValue(int(100 * done / max(total, 1)))
            QApplication.processEvents()

        path = build_pack(data, Path(target), step)
    except PerfDeskError as exc:
        ask.refuse(window, "Pack not made", str(exc))
        return None
    except OSError as exc:
        ask.refuse(window, "Pack not made", f"{target} could not be written: {exc}.")
        return None
    finally:
        progress.reset()
        progress.deleteLater()
    window.statusBar().showMessage(f"Pack saved to {path}", 10000)
    if not ask.open_in_viewer(str(path)):
        ask.inform(window, "Pack made", f"The pack is saved at {path}. No PDF viewer "
                   "could be opened; open the file from there.")
    return path


def table_document(window: MainWindow) -> QTextDocument | None:
    """The list on screen (the current plan tab's actions or measures, as
    filtered) as a printable document."""
    tab = window.current_plan_tab()
    if tab is None or tab.outline is None:
        return None
    title = escape(tab.outline.title)
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


def print_table(window: MainWindow) -> None:
    document = table_document(window)
    if document is None:
        ask.inform(window, "Print", "Open a plan's tab to print its list.")
        return

    def render(printer: QPrinter) -> None:
        document.print_(printer)

    ask.print_preview(window, render)
