"""Reading a pack back: each page's text, and what is printed in the bands
at the top and bottom of the page, found by where pypdf says it was drawn."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfReader

MM = 72 / 25.4


def squash(text: str) -> str:
    """Whitespace (line breaks, no-break spaces) collapsed to single spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    width: float
    height: float
    text: str  # squashed
    header: str  # the band at the top: marking, meeting, DRAFT
    footer: str  # the line above the bottom marking: title, as at, page number
    bottom: str  # the last line: the marking (and DRAFT)
    lines: tuple[str, ...]  # text on the same baseline, top to bottom, left to right


def read_pages(path: Path) -> list[Page]:
    return [_read(n, page) for n, page in enumerate(PdfReader(path).pages, start=1)]


def _read(number: int, page: PageObject) -> Page:
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    drawn: list[tuple[float, float, str]] = []  # (y, x, text)

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        drawn.append((y, x, text))

    full = page.extract_text(visitor_text=visit)

    def band(low: float, high: float) -> str:
        return squash(" ".join(t for y, _, t in drawn if low <= y < high))

    return Page(
        number=number, width=width, height=height, text=squash(full),
        header=band(height - 14 * MM, height),
        footer=band(10 * MM, 17 * MM),
        bottom=band(0, 9 * MM),
        lines=_lines([(-round(y), x, t) for y, x, t in drawn if t.strip()]),
    )


def _lines(placed: list[tuple[float, float, str]]) -> tuple[str, ...]:
    rows: dict[float, list[tuple[float, str]]] = {}
    for y, x, text in placed:
        rows.setdefault(y, []).append((x, text))
    return tuple(squash(" ".join(t for _, t in sorted(rows[y]))) for y in sorted(rows))


def has_ref(text: str, ref: str) -> bool:
    """The ref as a word of its own: "1.1" is not found inside "1.10"."""
    return re.search(rf"(?<![\w.]){re.escape(ref)}(?![\w]|\.\d)", text) is not None
