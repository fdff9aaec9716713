"""Every question the app asks the user, in one place, so tests can answer
them instead of leaving a modal dialog open."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "Delete") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is accept


def text(parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
    answer, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, value)
    return answer if ok else None


def inform(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)


def refuse(parent: QWidget | None, title: str, message: str) -> None:
    """A known problem, in plain words; nothing was changed."""
    QMessageBox.warning(parent, title, message)


def open_path(parent: QWidget | None, title: str, filters: str, folder: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, folder, filters)
    return path or None


def open_paths(parent: QWidget | None, title: str, filters: str) -> list[str]:
    paths, _ = QFileDialog.getOpenFileNames(parent, title, "", filters)
    return list(paths)


def save_path(parent: QWidget | None, title: str, filters: str, suggested: str = "") -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None


def folder_path(parent: QWidget | None, title: str) -> str | None:
    return QFileDialog.getExistingDirectory(parent, title) or None


def open_in_viewer(path: str) -> bool:
    """Open a file (a PDF pack) in the system's own viewer."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def print_preview(parent: QWidget | None, render: object) -> None:
    """The system print dialog with a preview; `render(printer)` draws the pages."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.paintRequested.connect(render)
    dialog.exec()


def choose(parent: QWidget | None, title: str, label: str, items: list[str]) -> int | None:
    """The index of the item chosen from a list, or None."""
    chosen, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return items.index(chosen) if ok and chosen in items else None
