"""The right-hand editor for a measure: a header with its RAG and direction,
then Figures, Chart, Benchmarks, About and Actions tabs. It re-reads the
measure after any edit that may have changed it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from perfdesk import presentation
from perfdesk.domain.measures import DIRECTION_TEXT
from perfdesk.services.measures.detail import MeasureDetail, measure_detail
from perfdesk.store.changes import Changes
from perfdesk.ui import ask
from perfdesk.ui.measures.editor.about_page import AboutPage
from perfdesk.ui.measures.editor.benchmarks_page import BenchmarksPage
from perfdesk.ui.measures.editor.figures_page import FiguresPage
from perfdesk.ui.measures.editor.links_page import LinksPage
from perfdesk.ui.ops import Operations

if TYPE_CHECKING:
    from perfdesk.ui.measures.charts.measure_chart import MeasureChart

EMPTY_TEXT = "Select a measure to see its figures and chart"


class MeasureEditor(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.today = ops.today()
        self.detail: MeasureDetail | None = None
        self._measure_id: str | None = None
        self.title = QLabel()
        self.title.setAccessibleName("Measure")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.indicator = QLabel()
        self.indicator.setWordWrap(True)
        self.indicator.setAccessibleName("Indicator")
        self.figures = FiguresPage(ops)
        self.chart_page = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_page)
        self.chart: MeasureChart | None = None  # built when first shown: pyqtgraph is heavy
        self.benchmarks = BenchmarksPage(ops)
        self.about = AboutPage(ops)
        self.links = LinksPage(ops)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Measure pages")
        self.tabs.addTab(self.figures, "&Figures")
        self.tabs.addTab(self.chart_page, "C&hart")
        self.tabs.addTab(self.benchmarks, "&Benchmarks")
        self.tabs.addTab(self.about, "Abou&t")
        self.tabs.addTab(self.links, "&Actions")
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.title)
        body_layout.addWidget(self.indicator)
        body_layout.addWidget(self.tabs)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.tabs.currentChanged.connect(self._tab_changed)
        ops.changed.connect(self.on_changed)

    @property
    def measure_id(self) -> str | None:
        return self._measure_id

    def show_measure(self, measure_id: str | None) -> None:
        self._measure_id = measure_id
        self.reload()

    def reload(self) -> None:
        measure_id = self._measure_id
        detail = self.ops.read(lambda s: measure_detail(s, measure_id, self.today)) \
            if measure_id else None
        self.detail = detail
        if detail is None:
            self.stack.setCurrentWidget(self.empty)
            return
        row = detail.row
        direction = DIRECTION_TEXT[row.direction] if row.direction else "no trend yet"
        self.title.setText(
            f"<span style='font-size:15pt; font-weight:600'>{row.ref} · "
            f"<span style='color:{presentation.colour(row.rag)}'>{presentation.symbol(row.rag)}"
            f"</span> {row.rag.label}"
            f"</span> &nbsp; {direction}"
        )
        self.indicator.setText(f"{row.indicator} — {row.area}")
        for page in (self.figures, self.benchmarks, self.about, self.links):
            page.load(detail)
        self.tabs.setTabText(0, f"&Figures ({len(detail.values)})")
        self.tabs.setTabText(4, f"&Actions ({len(detail.actions)})")
        if self.chart is not None:
            self._draw()
        self.stack.setCurrentIndex(1)

    def on_changed(self, changes: Changes) -> None:
        """Re-read the measure shown when it, its figures, benchmarks or owner
        changed, the actions linked to it (their status is shown), or the
        plan (whenever the measures list is re-read)."""
        if self._measure_id and (changes.measures or changes.links or changes.leads
                                 or changes.actions or changes.outline):
            self.reload()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.chart_page:
            self._ensure_chart()
            self._draw()

    def _ensure_chart(self) -> None:
        if self.chart is not None:
            return
        from perfdesk.ui.measures.charts.measure_chart import MeasureChart

        self.chart = MeasureChart()
        self.chart.setAccessibleName("Chart of the measure")
        png = QPushButton("Export &PNG…")
        svg = QPushButton("Export &SVG…")
        png.clicked.connect(lambda: self.export("png"))
        svg.clicked.connect(lambda: self.export("svg"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(png)
        buttons.addWidget(svg)
        self.chart_layout.addWidget(self.chart, 1)
        self.chart_layout.addLayout(buttons)

    def _draw(self) -> None:
        from perfdesk.services.measures.view import measure_series

        if self.chart is None or self._measure_id is None:
            return
        measure_id = self._measure_id
        self.chart.set_series(self.ops.read(lambda s: measure_series(s, measure_id)))

    def export(self, kind: str) -> None:
        """Export the chart as "png" or "svg", asking where."""
        if self.chart is None or self.detail is None:
            return
        suggested = f"{self.detail.row.ref}.{kind}"
        path = ask.save_path(self, f"Export chart as {kind.upper()}",
                             f"{kind.upper()} image (*.{kind})", suggested)
        if not path:
            return
        try:
            saved = (self.chart.export_png(Path(path)) if kind == "png"
                     else self.chart.export_svg(Path(path)))
        except OSError as exc:
            ask.refuse(self, "Chart not exported", f"{path} could not be written: {exc}.")
            return
        ask.inform(self, "Chart exported", f"Saved {saved}.")
