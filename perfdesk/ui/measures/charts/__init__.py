"""Charts of measures, drawn with pyqtgraph.

pyqtgraph is heavy: nothing imports this package at start-up. The measure
editor imports it when it first shows a chart.
"""

from perfdesk.ui.measures.charts.measure_chart import MeasureChart

__all__ = ["MeasureChart"]
