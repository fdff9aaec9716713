"""A chart of one measure: its values over time against baseline, target,
amber band and benchmarks, with a read-out of the period under the mouse,
exportable as PNG or SVG.

pyqtgraph is heavy, so only this package imports it; the measure editor
imports this module when it first shows a chart.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from perfdesk.files import write_atomically
from perfdesk.services.measures.view import MeasureSeries
from perfdesk.ui.measures.charts.axes import PeriodAxis, ValueAxis, unit_label
from perfdesk.ui.measures.charts.export import png_image, svg_bytes, write_png
from perfdesk.ui.measures.charts.frame import Frame, calendar_years, frame_for, has_figures
from perfdesk.ui.measures.charts.layers import INK, ChartItems, Layers
from perfdesk.ui.measures.charts.readout import EMPTY_TEXT, Stop, hover_stops, resting_text

TICK_POINTS = 9.5
LABEL_POINTS = 10.0
TITLE_POINTS = 11.0
SNAP_PIXELS = 24  # how near the mouse must be to a period to read it
DEFAULT_SIZE = QSize(640, 360)


class MeasureChart(QWidget):
    """set_series() draws a measure (None: the "No figures yet" state);
    hovered is the read-out label; export_png()/export_svg() save the chart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: MeasureSeries | None = None
        self._stops: list[Stop] = []
        self._frame: Frame | None = None
        self.layers = Layers()

        base = QFont(self.font())
        self._tick_font = QFont(base)
        self._tick_font.setPointSizeF(TICK_POINTS)
        self._label_font = QFont(base)
        self._label_font.setPointSizeF(LABEL_POINTS)

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.view.ci.setSpacing(2)
        self.bottom_axis = PeriodAxis(self._tick_font)
        self.left_axis = ValueAxis(self._tick_font)
        self.plot_item: pg.PlotItem = self.view.addPlot(
            row=0, col=0, axisItems={"bottom": self.bottom_axis, "left": self.left_axis}
        )
        for axis in (self.bottom_axis, self.left_axis):
            axis.setPen(pg.mkPen(INK))
            axis.setTextPen(pg.mkPen(INK))
        self.plot_item.showGrid(x=False, y=True, alpha=0.12)
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()
        self.plot_item.setMouseEnabled(x=False, y=False)
        self.plot_item.vb.disableAutoRange()

        self.legend = pg.LegendItem(
            horSpacing=6, verSpacing=-4, labelTextColor=INK,
            labelTextSize=f"{TICK_POINTS}pt", frame=False,
        )
        # In the layout, not floating over the plot: it scales with the rest on export.
        self.legend.setFlag(self.legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.view.addItem(self.legend, row=1, col=0)

        self._items = ChartItems(self.plot_item, self._label_font)
        self._guide = pg.InfiniteLine(angle=90, pen=pg.mkPen("#9aa0a6", width=1,
                                                             style=Qt.PenStyle.DotLine))
        self._guide.hide()
        self.plot_item.addItem(self._guide, ignoreBounds=True)
        self._proxy = pg.SignalProxy(
            self.view.scene().sigMouseMoved, rateLimit=60, delay=0,
            slot=lambda args: self.hover_at(args[0]),
        )

        self.hovered = QLabel(EMPTY_TEXT)
        self.hovered.setTextFormat(Qt.TextFormat.PlainText)
        self.hovered.setWordWrap(True)
        self.hovered.setStyleSheet(f"color: {INK}; background: white; padding: 2px 8px;")
        self.hovered.setAccessibleName("Chart read-out")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hovered)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 200)
        self.set_series(None)

    def sizeHint(self) -> QSize:
        return DEFAULT_SIZE

    @property
    def series(self) -> MeasureSeries | None:
        return self._series

    def set_series(self, series: MeasureSeries | None) -> None:
        self._series = series
        self._guide.hide()
        if series is None or not has_figures(series):
            self._frame = None
            self._stops = []
            self.plot_item.hideAxis("left")
            self.plot_item.hideAxis("bottom")
            self.plot_item.setTitle(None)
            self.layers = self._items.show_message()
            self.plot_item.vb.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        else:
            self._frame = frame = frame_for(series)
            self.plot_item.showAxis("left")
            self.plot_item.showAxis("bottom", frame.has_dates)
            self.bottom_axis.set_periods(series.frequency, calendar_years(series))
            # Let the first and last period labels run half their width past
            # the axis ends (into a margin kept for them) rather than vanish.
            half_label = int(self.bottom_axis.label_width() / 2) + 2
            self.bottom_axis.setStyle(hideOverlappingLabels=half_label)
            self.view.ci.setContentsMargins(6, 6, half_label + 4, 4)
            self.plot_item.setLabel("left", unit_label(series.unit), color=INK,
                                    size=f"{LABEL_POINTS}pt")
            self.layers = self._items.show_series(series, frame)
            self.plot_item.vb.setRange(
                xRange=(frame.x0, frame.x1), yRange=(frame.y0, frame.y1), padding=0
            )
            self._stops = hover_stops(series)
            self._fit_title()
        self._rest()
        self._set_legend(self.layers.legend_entries())

    def _set_legend(self, entries: list[tuple[pg.GraphicsObject, str]]) -> None:
        """Rebuild the legend only when its entries change (see layers' note)."""
        now = [(sample.item, label.text) for sample, label in self.legend.items]
        wanted = [(item, escape(name)) for item, name in entries]
        if now != wanted:
            self.legend.clear()
            for item, name in wanted:
                self.legend.addItem(item, name)
        self._fit_legend()

    # -- hover -------------------------------------------------------------

    def hover_at(self, scene_pos: QPointF) -> None:
        """Show the period nearest scene_pos (a position in the chart's scene,
        as sigMouseMoved gives it) in the read-out, or the resting text."""
        vb = self.plot_item.vb
        stop = None
        if self._stops and vb.sceneBoundingRect().contains(scene_pos):
            x = vb.mapSceneToView(scene_pos).x()
            nearest = min(self._stops, key=lambda s: abs(s.x - x))
            if abs(nearest.x - x) <= SNAP_PIXELS * vb.viewPixelSize()[0]:
                stop = nearest
        if stop is None:
            self._rest()
            return
        self._guide.setPos(stop.x)
        self._guide.show()
        self.hovered.setText(stop.text)

    def _rest(self) -> None:
        """The read-out with the mouse away: the latest figure, or why there is none."""
        self._guide.hide()
        self.hovered.setText(resting_text(self._series) if self._frame else EMPTY_TEXT)

    def leaveEvent(self, event: QEvent) -> None:
        self._rest()
        super().leaveEvent(event)

    # -- layout ------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_title()
        self._fit_legend()

    def _width(self) -> int:
        return max(self.width(), 200) if self.isVisible() else DEFAULT_SIZE.width()

    def _fit_title(self) -> None:
        if self._series is None or self._frame is None:
            return
        title = f"{self._series.ref} {self._series.indicator}".strip()
        font = QFont(self._label_font)
        font.setPointSizeF(TITLE_POINTS)
        font.setBold(True)
        text = QFontMetrics(font).elidedText(title, Qt.TextElideMode.ElideRight,
                                             self._width() - 100)  # less axis and margins
        self.plot_item.setTitle(escape(text), color=INK, size=f"{TITLE_POINTS}pt", bold=True)

    def _fit_legend(self) -> None:
        """As many legend columns as fit across the chart; then lay the chart
        out now, so that an export or a hover straight after sees it settled."""
        names = [label.text for _, label in self.legend.items]
        self.legend.setVisible(bool(names))
        metrics = QFontMetrics(self._tick_font)
        widths = [metrics.horizontalAdvance(n) + 20 + 6 + 24 for n in names]  # sample, gaps
        available = self._width() - 40
        columns = len(names)
        while columns > 1 and sum(
            max(widths[i::columns]) for i in range(columns)
        ) > available:
            columns -= 1
        self.legend.setColumnCount(max(columns, 1))
        # The view may have been resized while the old title and legend still
        # held the layout wider than it: fit the layout to the view again.
        self.view.ci.setGeometry(QRectF(self.view.rect()))
        self.view.ci.layout.activate()

    # -- export ------------------------------------------------------------

    def export_png(self, path: Path, width: int = 1200) -> Path:
        """Save the chart with its legend as a PNG width pixels wide. Exports
        are drawn at the chart's default size, however big it is on screen, so
        every export of a measure looks the same."""
        with self._export_copy() as copy:
            image = png_image(copy.view, width)
        return write_png(Path(path), image)

    def export_svg(self, path: Path) -> Path:
        """Save the chart with its legend as SVG, at the chart's default size."""
        with self._export_copy() as copy:
            svg = svg_bytes(copy.view, self._series.indicator if self._series else "Chart")
        return write_atomically(Path(path), lambda handle: handle.write(svg))

    @contextmanager
    def _export_copy(self) -> Iterator[MeasureChart]:
        """A hidden chart of the same series, laid out at the default size."""
        copy = MeasureChart()
        try:
            copy.hovered.hide()
            copy.resize(DEFAULT_SIZE)
            copy.set_series(self._series)
            # Lay it out and paint it once, never shown: besides sizing the
            # scene, a pyqtgraph TextItem's first paint places its background
            # by the scene, not by the export's scaling (stray white boxes).
            copy.grab()
            yield copy
        finally:
            copy.deleteLater()
