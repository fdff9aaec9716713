"""The Overview tab's parts: its table models (light) and its charts
(`charts.py`, which loads pyqtgraph and is imported only when first shown)."""
