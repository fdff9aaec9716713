"""Saving a chart's scene as PNG or SVG, each file written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from perfdesk.errors import PerfDeskError


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
    def write(tmp: Path) -> None:
        if not image.save(str(tmp), "PNG"):
            raise OSError(f"could not write the image to {tmp.name}")

    return write_atomically(path, write)


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Write through a temporary file in the same folder, then replace path."""
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PerfDeskError(
            f"Could not save {path.name} in {path.parent}: {exc.strerror or exc}."
        ) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PerfDeskError(f"Could not save {path.name}: {exc.strerror or exc}.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
