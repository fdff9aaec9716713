"""Help ▸ About: which PerfDesk this is, and where its data and log are."""

from __future__ import annotations

import html
import platform

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from perfdesk import __version__


def about_text(database_location: str, log_path: str | None) -> str:
    rows = [("Database", database_location)]
    if log_path:
        rows.append(("Log", log_path))
    rows.append(("Built with", f"Qt {qVersion()}, PySide6 {PySide6.__version__}, "
                               f"Python {platform.python_version()}"))
    table = "".join(
        f"<tr><td style='padding-right:12px'><b>{html.escape(name)}</b></td>"
        f"<td>{html.escape(value)}</td></tr>"
        for name, value in rows
    )
    return (f"<h3>PerfDesk {html.escape(__version__)}</h3>"
            "<p>Offline improvement plan tracking.</p>"
            f"<table>{table}</table>")


def show_about(parent: QWidget | None, database_location: str, log_path: str | None) -> None:
    QMessageBox.about(parent, "About PerfDesk", about_text(database_location, log_path))
