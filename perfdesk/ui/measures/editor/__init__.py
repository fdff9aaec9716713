"""The measure editor: figures, chart, benchmarks, definition and owner, and
the actions that serve the measure."""

from perfdesk.ui.measures.editor.measure_editor import MeasureEditor

__all__ = ["MeasureEditor"]
