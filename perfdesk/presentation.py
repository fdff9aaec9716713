"""How a status or a RAG rating is shown: a colour and a symbol beside its
word, so nothing relies on colour alone. The window (ui/), the printed packs
(reports/) and the command line all draw them from here; what the statuses
and ratings mean is in domain/ (status.py, measures.py). No Qt, no
reportlab: colours are "#rrggbb" strings each side turns into its own."""

from __future__ import annotations

from perfdesk.domain.measures import Rag
from perfdesk.domain.status import Status

Shown = Status | Rag

_LOOKS: dict[Shown, tuple[str, str]] = {  # (colour, symbol)
    Status.NOT_STARTED: ("#8a8f98", "○"),
    Status.ON_TRACK: ("#2e7d32", "▲"),
    Status.AT_RISK: ("#e0a000", "◆"),
    Status.OFF_TRACK: ("#c62828", "▼"),
    Status.COMPLETE: ("#1565c0", "✓"),
    Status.CLOSED: ("#37474f", "■"),
    Rag.GREEN: ("#2e7d32", "●"),
    Rag.AMBER: ("#e0a000", "◆"),
    Rag.RED: ("#c62828", "▼"),  # as "Off track": one shape, one meaning
    Rag.GREY: ("#8a8f98", "–"),
}

OVERDUE_COLOUR = "#c62828"  # as "Off track"
OVERDUE_SYMBOL = "✗"


def colour(shown: Shown) -> str:
    """The colour it is drawn in, as "#rrggbb"."""
    return _LOOKS[shown][0]


def symbol(shown: Shown) -> str:
    """The shape that says it without colour, e.g. "▲"."""
    return _LOOKS[shown][1]


def badge(shown: Shown) -> str:
    """Symbol and word, as lists and headers show it: "▲ On track"."""
    return f"{_LOOKS[shown][1]} {shown.label}"
