"""Small charts drawn with reportlab graphics shapes.

They sit inside table cells beside the figures they picture, so they carry
no numbers of their own that the table does not already print: a chart
that prints badly in black and white loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from perfdesk import presentation
from perfdesk.domain.measures import Point
from perfdesk.domain.status import Status
from perfdesk.services.pack.model import QuarterCount

from .styles import ACCENT, FONT, MUTED, RULE

_EMPTY = colors.HexColor("#eceff2")
# The ignores on Rect(...): types-reportlab types Rect's **kw as the whole style
# dict instead of Unpack[...] of it, so every style keyword reads as wrong.


def _drawing(width: float, height: float) -> Drawing:
    # Name the font, or reportlab's renderer selects Helvetica for the drawing.
    return Drawing(width, height, initialFontName=FONT, initialFontSize=6.5)


def sparkline(
    trend: Sequence[Point],
    target: float | None,
    end_colour: str,
    width: float = 72,
    height: float = 22,
) -> Drawing:
    """The measure's values, oldest on the left, with the target as a dashed
    line and the latest value as a dot in its RAG colour. The first and last
    periods are written small underneath."""
    drawing = _drawing(width, height)
    values = [p.value for p in trend]
    span = [*values, target] if target is not None else values
    lo, hi = min(span), max(span)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad, base = 3.0, 8.0  # the periods' labels sit below `base`

    def y(value: float) -> float:
        return base + pad + (value - lo) / (hi - lo) * (height - base - 2 * pad)

    label: dict[str, Any] = {"fontName": FONT, "fontSize": 5.5, "fillColor": MUTED}
    drawing.add(String(pad, 1, f"{trend[0].period_end:%b %y}", textAnchor="start", **label))
    if len(trend) > 1:
        drawing.add(
            String(width - pad, 1, f"{trend[-1].period_end:%b %y}", textAnchor="end", **label)
        )

    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [(pad + i * step, y(v)) for i, v in enumerate(values)]
    if target is not None:
        drawing.add(
            Line(0, y(target), width, y(target), strokeColor=MUTED, strokeWidth=0.6,
                 strokeDashArray=[2, 1.5])
        )
    if len(points) > 1:
        flat = [c for point in points for c in point]
        drawing.add(PolyLine(flat, strokeColor=ACCENT, strokeWidth=1.1))
    last_x, last_y = points[-1]
    drawing.add(
        Circle(last_x, last_y, 2.1, fillColor=colors.HexColor(end_colour),
               strokeColor=colors.black, strokeWidth=0.3)
    )
    return drawing


def status_bar(
    counts: Mapping[str, int], width: float = 80, height: float = 9
) -> Drawing:
    """One bar split by status, in status order, each part as wide as its share."""
    drawing = _drawing(width, height)
    total = sum(counts.get(s.label, 0) for s in Status)
    drawing.add(Rect(0, 0, width, height, fillColor=_EMPTY, strokeColor=None))  # type: ignore[arg-type]
    x = 0.0
    for status in Status:
        n = counts.get(status.label, 0)
        if not n or not total:
            continue
        w = width * n / total
        drawing.add(
            Rect(x, 0, w, height, fillColor=colors.HexColor(presentation.colour(status)),  # type: ignore[arg-type]
                 strokeColor=colors.white, strokeWidth=0.5)  # type: ignore[arg-type]
        )
        x += w
    return drawing


def quarter_bars(
    quarters: Sequence[QuarterCount], width: float = 220, height: float = 110
) -> Drawing:
    """A stacked column per quarter end, statuses bottom to top in order,
    with the date under each column and the total above it."""
    drawing = _drawing(width, height)
    label_h, top_h = 12.0, 10.0
    plot_h = height - label_h - top_h
    totals = [sum(q.by_status.get(s.label, 0) for s in Status) for q in quarters]
    biggest = max([*totals, 1])
    n = max(len(quarters), 1)
    slot = width / n
    bar_w = min(slot * 0.6, 36)
    drawing.add(Line(0, label_h, width, label_h, strokeColor=RULE, strokeWidth=0.6))
    for i, (quarter, total) in enumerate(zip(quarters, totals, strict=True)):
        x = i * slot + (slot - bar_w) / 2
        y = label_h
        for status in Status:
            count = quarter.by_status.get(status.label, 0)
            if not count:
                continue
            h = plot_h * count / biggest
            drawing.add(
                Rect(x, y, bar_w, h, fillColor=colors.HexColor(presentation.colour(status)),  # type: ignore[arg-type]
                     strokeColor=colors.white, strokeWidth=0.5)  # type: ignore[arg-type]
            )
            y += h
        centre = x + bar_w / 2
        drawing.add(
            String(centre, 3, f"{quarter.as_at:%b %y}", fontName=FONT, fontSize=6.5,
                   fillColor=MUTED, textAnchor="middle")
        )
        drawing.add(
            String(centre, y + 2.5, str(total), fontName=FONT, fontSize=6.5,
                   fillColor=colors.black, textAnchor="middle")
        )
    return drawing
