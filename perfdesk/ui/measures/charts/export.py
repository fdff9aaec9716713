"""Saving a chart's scene as PNG or SVG, each file written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from perfdesk.errors import PerfDeskError
from perfdesk.files import write_atomically


def png_image(view: pg.GraphicsView, width: int) -> QImage:
    """The view's scene drawn width pixels wide, its height in proportion."""
    exporter = ImageExporter(view.scene())
    exporter.parameters()["width"] = int(width)  # the height follows
    return exporter.export(toBytes=True)


def svg_bytes(view: pg.GraphicsView, title: str) -> bytes:
    """The view's scene as SVG, at the view's size.

    Drawn by Qt's own SVG generator: pyqtgraph 0.14.0's SVGExporter fails on
    the closed paths Qt 6.12 writes ("Z"; pyqtgraph issue #3495)."""
    size = QRectF(0, 0, view.width(), view.height())
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(size.size().toSize())
    generator.setResolution(view.logicalDpiX())  # text the size it is on screen
    generator.setViewBox(size)
    generator.setTitle(title)
    generator.setDescription("PerfDesk measure chart")
    painter = QPainter(generator)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(size, Qt.GlobalColor.white)
        view.render(painter, size, view.rect())
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def write_png(path: Path, image: QImage) -> Path:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # stubs: bytes; Qt: str
        raise PerfDeskError(f"Could not make the image for {Path(path).name}.")
    buffer.close()
    png = bytes(data.data())
    return write_atomically(Path(path), lambda handle: handle.write(png))
