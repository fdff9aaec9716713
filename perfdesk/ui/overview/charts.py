"""Stacked bar charts for the Overview, drawn with pyqtgraph.

This module loads pyqtgraph, which takes a noticeable moment, so the
Overview imports it only when it is first shown, never at start-up.

A chart is a `BarChart` widget: a title, the plot, and a legend underneath
whose entries carry each series' symbol and word ("▲ On track") beside its
colour, so the chart never relies on colour alone. Bars are horizontal when
their category names are long (priorities, measure areas): the names go on
the left axis, wrapped to two lines and elided to fit. A click on a bar
segment emits `segment_clicked(category, series)`; a click on a category's
name emits it with series -1 (the whole bar).
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent
from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QHelpEvent, QMouseEvent, QPalette, QWheelEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from perfdesk.ui.overview.chart_data import Bars, fit_label, nice_step

BAR = 0.64  # a bar's thickness, as a share of its category's slot
ONE_LINE_PITCH = 26  # pixels per horizontal bar when every name fits on one line
TWO_LINE_PITCH = 38  # ... when some name needs two lines
AXIS_SPACE = 34  # the value axis and the margins around the plot
MIN_SLOTS = {True: 4, False: 3}  # room for at least this many bars, horizontal or not


class _PlotView(pg.PlotWidget):
    """A fixed plot: the mouse wheel scrolls the page around it instead of
    zooming, and hovering a bar shows what it counts."""

    def __init__(self, chart: BarChart, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._chart = chart

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            tip = self._chart.tip_at(self.mapToScene(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        if event.type() == QEvent.Type.MouseMove:
            assert isinstance(event, QMouseEvent)
            found = self._chart.segment_at(self.mapToScene(event.position().toPoint()))
            if found is not None and self._chart.clickable:
                self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
            else:
                self.viewport().unsetCursor()
        return super().viewportEvent(event)


class BarChart(QWidget):
    segment_clicked = Signal(int, int)  # category, series (-1: the whole bar)

    def __init__(self, title: str, *, horizontal: bool, clickable: bool = True,
                 label_width: int = 240, height: int = 230,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontal = horizontal
        self.clickable = clickable
        self.label_width = label_width
        self.bars = Bars((), (), ())
        self._height = height
        self._series_items: list[pg.BarGraphItem] = []  # one per series, kept and updated
        self._total_items: list[pg.TextItem] = []  # one per category, kept and reused
        palette = self.palette()
        self._fg = palette.color(QPalette.ColorRole.WindowText)
        self._bg = palette.color(QPalette.ColorRole.Base)
        self.title = QLabel(f"<b>{html.escape(title)}</b>")
        self.plot = _PlotView(self, background=self._bg)
        self.plot.setAccessibleName(title)
        self.plot.setMinimumWidth(420)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.plot.setFixedHeight(height)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (self.title, self.plot, self.legend, self.note):
            layout.addWidget(widget)
        self._set_up_plot()

    # -- drawing -----------------------------------------------------------
    def _set_up_plot(self) -> None:
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=self.horizontal, y=not self.horizontal, alpha=0.25)
        self.category_axis = item.getAxis("left" if self.horizontal else "bottom")
        self.value_axis = item.getAxis("bottom" if self.horizontal else "left")
        font = QFont(self.font())
        for axis in (self.category_axis, self.value_axis):
            axis.setPen(self._fg)
            axis.setTextPen(self._fg)
            axis.setStyle(tickFont=font)
        self.category_axis.setStyle(tickLength=0)
        if self.horizontal:
            item.invertY(True)  # the first category at the top
            self.category_axis.setWidth(self.label_width)
        else:
            self.value_axis.setWidth(36)
        self.plot.scene().sigMouseClicked.connect(self._clicked)

    def set_bars(self, bars: Bars, note: str = "", empty: str = "Nothing to count yet.") -> None:
        """Draw the bars, with a note under them; with no bars, just `empty`.

        The plot's items are made once and updated in place: removing items
        from a pyqtgraph plot disconnects signals, which is slow and, under
        PySide6 6.12.0, leaks a reference to True each time."""
        self.bars = bars
        has_bars = bool(bars.categories)
        self.plot.setVisible(has_bars)
        self.legend.setVisible(has_bars)
        note = note if has_bars else empty
        item = self.plot.getPlotItem()
        n = len(bars.categories)
        edge = pg.mkPen(self._bg, width=1)
        while len(self._series_items) < len(bars.series):
            self._series_items.append(pg.BarGraphItem(x0=[], width=[], y=[], height=[]))
            item.addItem(self._series_items[-1])
        while len(self._total_items) < n:
            anchor = (0, 0.5) if self.horizontal else (0.5, 1)
            self._total_items.append(pg.TextItem("", color=self._fg, anchor=anchor))
            item.addItem(self._total_items[-1])
        starts = [0] * n
        for s, bar in enumerate(self._series_items):
            shown = [c for c in range(n) if s < len(bars.series) and bars.values[c][s] > 0]
            lengths = [bars.values[c][s] for c in shown]
            base = [starts[c] for c in shown]
            brush = pg.mkBrush(bars.series[s].colour if s < len(bars.series) else self._bg)
            if self.horizontal:
                bar.setOpts(x0=base, width=lengths, y=shown, height=BAR, x=None, y0=None,
                            brush=brush, pen=edge)
            else:
                bar.setOpts(x=shown, width=BAR, y0=base, height=lengths, x0=None, y=None,
                            brush=brush, pen=edge)
            for c, length in zip(shown, lengths, strict=True):
                starts[c] += length
        for c, total in enumerate(self._total_items):
            total.setVisible(c < n)
            if c < n:
                total.setText(str(starts[c]))
                total.setPos(*((starts[c], c) if self.horizontal else (c, starts[c])))
        self._draw_axes(bars)
        self.legend.setText(" &nbsp;&nbsp; ".join(
            f'<span style="color:{s.colour}">■</span>&nbsp;{html.escape(s.legend)}'
            for s in bars.series
        ))
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _draw_axes(self, bars: Bars) -> None:
        item = self.plot.getPlotItem()
        n = len(bars.categories)
        metrics = QFontMetrics(self.font())
        if self.horizontal:
            width = self.label_width - 12
            labels = [fit_label(c, metrics, width) for c in bars.categories]
            pitch = TWO_LINE_PITCH if any("\n" in t for t in labels) else ONE_LINE_PITCH
            self.plot.setFixedHeight(max(self._height, n * pitch + AXIS_SPACE))
        else:
            slot = max(60, (self.plot.width() - 60) // max(n, 1))
            labels = [fit_label(c, metrics, slot - 8, 1) for c in bars.categories]
            self.plot.setFixedHeight(self._height)
        self.category_axis.setTicks([list(enumerate(labels)), []])
        top = bars.top
        step = nice_step(top)
        high = top + max(1.0, top * 0.14)
        self.value_axis.setTickSpacing(step, step)
        slots = max(n, MIN_SLOTS[self.horizontal])  # a lone bar stays bar-shaped
        if self.horizontal:
            item.setXRange(0, high, padding=0)
            item.setYRange(-0.5, slots - 0.5, padding=0)
        else:
            item.setYRange(0, high, padding=0)
            item.setXRange(-0.5, slots - 0.5, padding=0)

    # -- finding what is under the mouse -------------------------------------
    def segment_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(category, series) of the bar segment at a scene position; series
        -1 for a category's name; None for anywhere else."""
        view = self.plot.getPlotItem().getViewBox()
        point = view.mapSceneToView(scene_pos)
        along, across = (point.x(), point.y()) if self.horizontal else (point.y(), point.x())
        category = round(across)
        if not 0 <= category < len(self.bars.categories):
            return None
        if self.category_axis.sceneBoundingRect().contains(scene_pos):
            return category, -1
        if not view.sceneBoundingRect().contains(scene_pos) or abs(across - category) > BAR / 2:
            return None
        start = 0
        for series, value in enumerate(self.bars.values[category]):
            if value and start <= along < start + value:
                return category, series
            start += value
        return None

    def describe(self, category: int, series: int) -> str:
        name = self.bars.categories[category]
        if series < 0:
            return f"{name}: {self.bars.total(category)}"
        return f"{name}\n{self.bars.series[series].legend}: {self.bars.values[category][series]}"

    def tip_at(self, scene_pos: QPointF) -> str:
        found = self.segment_at(scene_pos)
        if found is None:
            return ""
        tip = self.describe(*found)
        return tip + "\nClick to list them." if self.clickable else tip

    def _clicked(self, event: MouseClickEvent) -> None:
        if not self.clickable or event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        found = self.segment_at(event.scenePos())
        if found is not None:
            self.segment_clicked.emit(*found)
