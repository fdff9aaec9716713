"""The drawn parts of a measure chart, each styled so it reads without colour:
values solid with filled dots, baseline dashed grey, target solid with a star
at its date, benchmarks each with their own colour, dash pattern and hollow
marker, and the latest point's RAG written beside it.

The items are made once per chart and updated in place for each measure:
removing items from a pyqtgraph plot disconnects signals, which is slow and,
under PySide6 6.12.0 on Python 3.11, leaks references to True."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPen

from perfdesk import presentation
from perfdesk.services.measures.view import MeasureSeries
from perfdesk.ui.measures.charts.axes import format_value, to_x
from perfdesk.ui.measures.charts.frame import CLOSE_LINES, Frame, band_edges

INK = "#1f2328"
ACTUAL = "#1f4e79"
TARGET = "#6a1b9a"
BASELINE = "#5f6368"
AMBER_FILL = (240, 180, 0, 70)
LABEL_FILL = (255, 255, 255, 140)  # the band shows through; the text stays legible

# Benchmark styles in turn: colour, dash pattern, hollow marker.
BENCHMARK_STYLES: tuple[tuple[str, Qt.PenStyle | list[float], str], ...] = (
    ("#00838f", Qt.PenStyle.DashLine, "s"),
    ("#795548", Qt.PenStyle.DotLine, "t"),
    ("#ad1457", Qt.PenStyle.DashDotLine, "x"),
    ("#546e7a", Qt.PenStyle.DashDotDotLine, "h"),
    ("#827717", [7.0, 3.0, 1.5, 3.0], "+"),
)
RAG_SYMBOLS = {"Green": "o", "Amber": "d", "Red": "t", "Grey": "s"}


@dataclass
class Layers:
    """What is on the plot now (None: not drawn), for the read-out and for tests."""

    values: pg.PlotDataItem | None = None
    baseline: pg.PlotDataItem | None = None
    target: pg.PlotDataItem | None = None
    target_marker: pg.ScatterPlotItem | None = None
    band: pg.BarGraphItem | None = None
    benchmarks: dict[str, pg.PlotDataItem] = field(default_factory=dict)
    latest: pg.ScatterPlotItem | None = None
    latest_label: pg.TextItem | None = None
    labels: list[pg.TextItem] = field(default_factory=list)
    message: pg.TextItem | None = None

    def legend_entries(self) -> list[tuple[pg.GraphicsObject, str]]:
        entries = [(self.values, "Actual"), (self.target, "Target"),
                   (self.band, "Amber band"), (self.baseline, "Baseline")]
        entries += [(item, name) for name, item in self.benchmarks.items()]
        return [(item, name) for item, name in entries if item is not None]


def _pen(
    colour: str, width: float = 2.0, dash: Qt.PenStyle | list[float] | None = None
) -> QPen:
    pen = pg.mkPen(colour, width=width)
    if isinstance(dash, list):
        pen.setDashPattern(dash)
    elif dash is not None:
        pen.setStyle(dash)
    return pen


class ChartItems:
    """Every item a measure chart can show, added to the plot once."""

    def __init__(self, plot: pg.PlotItem, font: QFont) -> None:
        self.plot = plot
        self.font = font
        self.band = self._add(pg.BarGraphItem(x0=[0], x1=[1], y0=[0], y1=[1],
                                              brush=pg.mkBrush(AMBER_FILL), pen=pg.mkPen(None)),
                              z=-20)
        self.baseline = self._add(pg.PlotDataItem(pen=_pen(BASELINE, 2, Qt.PenStyle.DashLine),
                                                  antialias=True))
        self.target = self._add(pg.PlotDataItem(pen=_pen(TARGET, 2), antialias=True))
        self.target_marker = self._add(pg.ScatterPlotItem(
            symbol="star", size=16, brush=pg.mkBrush(TARGET), pen=pg.mkPen("w", width=1),
            antialias=True,
        ), z=15)
        self.baseline_label = self._label(z=12)
        self.target_label = self._label(z=12)
        self.benchmarks: list[pg.PlotDataItem] = []
        self.values = self._add(pg.PlotDataItem(
            pen=_pen(ACTUAL, 2.6), symbol="o", symbolSize=7,
            symbolPen=pg.mkPen(ACTUAL), symbolBrush=pg.mkBrush(ACTUAL), antialias=True,
        ), z=10)
        self.latest = self._add(pg.ScatterPlotItem(size=15, pen=pg.mkPen("w", width=1.5),
                                                     antialias=True), z=20)
        self.latest_label = self._label(z=21)
        big = QFont(font)
        big.setPointSizeF(font.pointSizeF() * 1.4)
        self.message = self._add(pg.TextItem(
            html=f'<div style="color:{BASELINE}">No figures yet</div>', anchor=(0.5, 0.5)
        ))
        self.message.setFont(big)
        self.message.setPos(0.5, 0.5)

    def _add(self, item: Any, z: float = 0) -> Any:  # a pyqtgraph item (untyped)
        item.setZValue(z)
        item.hide()
        self.plot.addItem(item)
        return item

    def _label(self, z: float) -> pg.TextItem:
        item = pg.TextItem(fill=pg.mkBrush(LABEL_FILL))
        item.setFont(self.font)
        return self._add(item, z)

    def _benchmark(self, index: int) -> pg.PlotDataItem:
        while len(self.benchmarks) <= index:
            colour, dash, symbol = BENCHMARK_STYLES[len(self.benchmarks) % len(BENCHMARK_STYLES)]
            self.benchmarks.append(self._add(pg.PlotDataItem(
                pen=_pen(colour, 1.8, dash), symbol=symbol, symbolSize=7,
                symbolPen=pg.mkPen(colour, width=1.5), symbolBrush=pg.mkBrush("w"), antialias=True,
            )))
        return self.benchmarks[index]

    def _all(self) -> list[pg.GraphicsObject]:
        return [self.band, self.baseline, self.target, self.target_marker, self.baseline_label,
                self.target_label, self.values, self.latest, self.latest_label, self.message,
                *self.benchmarks]

    def show_message(self) -> Layers:
        for item in self._all():
            item.setVisible(item is self.message)
        return Layers(message=self.message)

    def show_series(self, series: MeasureSeries, frame: Frame) -> Layers:
        for item in self._all():
            item.hide()
        layers = Layers()
        unit = series.unit
        tx = to_x(series.target_date) if series.target_date else frame.x1

        if edges := band_edges(series):
            self.band.setOpts(
                x0=[frame.x0] * len(edges), x1=[tx] * len(edges),
                y0=[lo for lo, _ in edges], y1=[hi for _, hi in edges],
            )
            layers.band = self._shown(self.band)

        ends = []  # (value, right end, label text, colour, label item) of each line
        if series.baseline is not None:
            start = series.baseline_date or (
                series.values[0].period_end if series.values else None
            )
            bx = to_x(start) if start else frame.x0
            self.baseline.setData([bx, frame.x1], [series.baseline] * 2)
            layers.baseline = self._shown(self.baseline)
            ends.append((series.baseline, frame.x1,
                         f"Baseline {format_value(series.baseline, unit)}", BASELINE,
                         self.baseline_label))
        if series.target is not None:
            self.target.setData([frame.x0, tx], [series.target] * 2)
            layers.target = self._shown(self.target)
            if series.target_date:
                self.target_marker.setData([tx], [series.target])
                layers.target_marker = self._shown(self.target_marker)
            ends.append((series.target, tx, f"Target {format_value(series.target, unit)}",
                         TARGET, self.target_label))
        layers.labels = _label_line_ends(ends, frame)

        for i, (name, points) in enumerate(series.benchmarks.items()):
            item = self._benchmark(i)
            item.setData([to_x(p.period_end) for p in points], [p.value for p in points])
            layers.benchmarks[name] = self._shown(item)

        if series.values:
            self.values.setData([to_x(p.period_end) for p in series.values],
                                [p.value for p in series.values])
            layers.values = self._shown(self.values)
            self._mark_latest(layers, series, frame)
        return layers

    @staticmethod
    def _shown(item: Any) -> Any:  # a pyqtgraph item (untyped)
        item.show()
        return item

    def _mark_latest(self, layers: Layers, series: MeasureSeries, frame: Frame) -> None:
        """The latest point in its RAG colour and shape, with the RAG written beside it."""
        rag = series.latest_rag
        last = series.values[-1]
        x, y = to_x(last.period_end), last.value
        self.latest.setData([x], [y], symbol=RAG_SYMBOLS.get(rag.label, "o"),
                            brush=pg.mkBrush(presentation.colour(rag)))
        layers.latest = self._shown(self.latest)
        if (x - frame.x0) / (frame.x1 - frame.x0) < 0.82:
            anchor = (-0.12, 0.5)  # room on the right: beside the point
        else:
            rising = len(series.values) > 1 and series.values[-2].value <= y
            anchor = (1.08, 1.0) if rising else (1.08, 0.0)  # left, away from the line
        label = self.latest_label
        mark = f'<span style="color:{presentation.colour(rag)}">{presentation.symbol(rag)}</span>'
        label.setHtml(f'{mark}<span style="color:{INK}"> {rag.label}</span>')
        label.setAnchor(anchor)
        label.setPos(x, y)
        layers.latest_label = self._shown(label)


def _label_line_ends(
    ends: list[tuple[float, float, str, str, pg.TextItem]], frame: Frame
) -> list[pg.TextItem]:
    """Name each horizontal line above its right end; when the two lines are
    too close for that, the lower one is named below it instead."""
    shown = []
    for value, x, text, colour, item in ends:
        others = [v for v, _, _, c, _ in ends if c != colour]
        above = (
            not others
            or abs(value - others[0]) > CLOSE_LINES * (frame.y1 - frame.y0)
            or value > others[0]
            or (value == others[0] and colour == TARGET)
        )
        item.setHtml(f'<span style="color:{colour}">{escape(text)}</span>')
        item.setAnchor((1.0, 1.05) if above else (1.0, -0.05))
        item.setPos(x, value)
        item.show()
        shown.append(item)
    return shown
