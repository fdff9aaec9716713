"""The small coloured marks that go beside a status's symbol and word (never
instead of them: a black-and-white screen or print still reads)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPixmap

from perfdesk import presentation
from perfdesk.domain.status import Status

_DOTS: dict[str, QPixmap] = {}


def status_dot(status: Status) -> QPixmap:
    """A small round swatch of the status colour, beside its symbol and word."""
    return colour_dot(presentation.colour(status))


def colour_dot(colour: str) -> QPixmap:
    """A small round swatch of a status or RAG colour."""
    if colour not in _DOTS:
        pixmap = QPixmap(10, 10)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(colour))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(0, 0, 10, 10)
        painter.end()
        _DOTS[colour] = pixmap
    return _DOTS[colour]
