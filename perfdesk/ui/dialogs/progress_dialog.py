"""The one progress dialog every long operation shows: what it is doing, how
far it has got (a bar and "12,400 of 50,000"), and Cancel where cancelling
is safe. It is shown as the work starts, and it does not block the window
unless the work replaces the whole file: the plans can still be read while,
say, a bundle is received."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ProgressDialog(QDialog):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("PerfDesk")
        self.setAccessibleName("Progress")
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.what.setMinimumWidth(360)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.count = QLabel()
        self.count.setAccessibleName("How far")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop; nothing is changed")
        self.cancel_button.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.cancellable = False

    def start(self, text: str, *, cancellable: bool, blocks_window: bool) -> None:
        """Show `text` for a new piece of work, about to start."""
        self.setWindowModality(Qt.WindowModality.WindowModal if blocks_window
                               else Qt.WindowModality.NonModal)
        # Beside a window still in use, it does not take the focus from it
        # (nor have the whole window repainted as inactive).
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, not blocks_window)
        self.cancellable = cancellable
        self.what.setText(text)
        self.count.setText("")
        self.bar.setRange(0, 0)  # busy until the first count arrives
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.setText("Cancel")
        # Shown and drawn now, before the work starts: drawn later, while a
        # worker holds the GIL, each of the many calls from Qt into Python it
        # makes would wait for it, and the window would stall for a moment.
        self.show()
        self.repaint()

    def step(self, done: int, total: int, text: str) -> None:
        """How far the work has got; `total` 0: not known yet."""
        if text:
            self.what.setText(text)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.count.setText(f"{done:,} of {total:,}")

    def finish(self) -> None:
        self.hide()

    def _cancel(self) -> None:
        if not self.cancellable:
            return
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.cancel_requested.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:  # Escape cancels, never just hides the dialog
            self._cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()  # the dialog goes when the work ends
        self._cancel()
