"""Printing from the window: the list on screen, and the PDF pack."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtPrintSupport import QPrinter

from perfdesk.ui import ask


def test_print_sends_the_filtered_list_to_the_print_dialog(
    open_window, demo_db, monkeypatch, tmp_path
) -> None:
    from pypdf import PdfReader

    window = open_window(demo_db)
    tab = window.plan_tabs()[0]
    window.tabs.setCurrentWidget(tab)
    tab.filters.search.setText("QPRM")
    shown = [r.ref for r in tab.model.shown_rows()]
    assert 0 < len(shown) < 39
    previews = []

    def preview(parent, render) -> None:  # the user presses Print in the preview
        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "list.pdf"))
        render(printer)
        previews.append(printer)

    monkeypatch.setattr(ask, "print_preview", preview)
    window.act_print.trigger()
    assert previews
    pages = PdfReader(tmp_path / "list.pdf").pages
    words = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Children's Services Action Plan" in words
    assert f"Showing {len(shown)} of 39 actions" in words
    for ref in shown:
        assert f" {ref} " in words


def test_print_pack_makes_a_pdf_and_opens_it(open_window, demo_db, monkeypatch, tmp_path):
    pytest.importorskip("perfdesk.reports.pack", reason="the pack renderer is not built yet")
    from pypdf import PdfReader

    from perfdesk.services.pack.model import PackOptions
    from perfdesk.ui.dialogs import pack_dialog

    window = open_window(demo_db)
    monkeypatch.setattr(pack_dialog, "ask_pack", lambda *a, **k: PackOptions(
        plans=("Partnership",), meeting=dt.date(2023, 10, 12)))
    out = tmp_path / "pack.pdf"
    monkeypatch.setattr(ask, "save_path", lambda *a, **k: str(out))
    opened = []
    monkeypatch.setattr(ask, "open_in_viewer", lambda path: opened.append(path) or True)
    window.act_pack.trigger()
    assert opened == [str(out)]
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "PA1.1" in text and "PA3.3" in text and "PM3.4" in text and "OFFICIAL" in text


def test_the_pack_dialog_gives_the_options_for_each_scope(qtbot) -> None:
    from perfdesk.ui.dialogs.pack_dialog import PLAN_MARKING, PackChoices, PackDialog

    choices = PackChoices(
        plans=["Children's Services", "Partnership"],
        priorities={"Children's Services": [("1", "1 Change"), ("2", "2 Leadership")],
                    "Partnership": [("PA1", "PA1 Pre-birth")]},
        leads=["Chief Executive", "Director of Children's Services"],
        current_plan="Partnership",
    )
    dialog = PackDialog(None, choices, today=dt.date(2023, 10, 2))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.values().plans == () and dialog.ok.isEnabled()  # all plans by default
    # only the choices the scope uses are shown
    assert not (dialog.plan.isVisible() or dialog.priority.isVisible() or dialog.lead.isVisible())
    assert dialog.marking.currentText() == PLAN_MARKING
    dialog.scope.setCurrentIndex(2)
    assert dialog.plan.isVisible() and dialog.priority.isVisible() and not dialog.lead.isVisible()
    dialog.plan.setCurrentText("Children's Services")
    dialog.priority.setCurrentIndex(1)
    dialog.past.setChecked(True)
    dialog.as_at.setDate(dt.date(2023, 6, 30))
    dialog.marking.setCurrentText("OFFICIAL-SENSITIVE")
    dialog.landscape.setChecked(True)
    options = dialog.values()
    assert (options.plans, options.priority, options.as_at, options.marking,
            options.landscape) == (("Children's Services",), "2", dt.date(2023, 6, 30),
                                   "OFFICIAL-SENSITIVE", True)
    dialog.scope.setCurrentIndex(3)
    assert dialog.lead.isVisible() and not dialog.plan.isVisible()
    dialog.lead.setCurrentText("Nobody we know")
    assert not dialog.ok.isEnabled() and "lead" in dialog.message.text()
    dialog.lead.setCurrentText("Chief Executive")
    assert dialog.ok.isEnabled() and dialog.values().lead == "Chief Executive"
    if __import__("os").environ.get("PERFDESK_SCREENSHOTS"):
        dialog.grab().save("/tmp/dlg_pack.png")
