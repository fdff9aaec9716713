"""Plain text in a table cell, wrapped without markup.

A pack of 2,000 actions has some 8,000 wrapped cells. A reportlab Paragraph
parses markup and breaks lines fragment by fragment; these cells hold plain
text in one or two fonts, so they are split on word boundaries by width and
drawn line by line, which costs a fraction of the time.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

Part = tuple[str, str, Color]  # text (line breaks kept), font, colour
MAX_HEIGHT = 300.0  # points; a row can never be split, so a cell must fit on a page
CUT_NOTE = "… (cut short: the full text is in the plan)"
CUT_FONT = "DejaVuSans-Oblique"
TEXT_LIMIT = 2000  # characters of one part


def _split(paragraph: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width`, broken at spaces, and inside a word too
    long for a line of its own (a long reference or web address)."""
    lines = simpleSplit(paragraph, font, size, width) or [""]
    if all(stringWidth(line, font, size) <= width for line in lines):
        return lines
    broken: list[str] = []
    for line in lines:
        while stringWidth(line, font, size) > width and len(line) > 1:
            low, high = 1, len(line) - 1  # the longest start that fits, at least 1
            while low < high:
                middle = (low + high + 1) // 2
                if stringWidth(line[:middle], font, size) <= width:
                    low = middle
                else:
                    high = middle - 1
            broken.append(line[:low])
            line = line[low:].lstrip()
        broken.append(line)
    return broken


class PlainCell(Flowable):
    def __init__(self, parts: Sequence[Part], size: float, leading: float,
                 max_height: float = MAX_HEIGHT) -> None:
        super().__init__()
        self.parts = [(p[0][:TEXT_LIMIT], p[1], p[2]) for p in parts if p[0].strip()]
        self.max_height = max_height
        self.size = size
        self.leading = leading
        self._wrapped_for: float | None = None
        self._lines: list[tuple[str, str, Color]] = []

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth != self._wrapped_for:  # the lines depend only on the width
            self._lines = [
                (line, font, colour)
                for text, font, colour in self.parts
                for paragraph in text.strip().split("\n")
                for line in _split(paragraph, font, self.size, availWidth)
            ]
            fits = max(int(self.max_height // self.leading), 2)
            if len(self._lines) > fits:
                note = _split(CUT_NOTE, CUT_FONT, self.size, availWidth)
                colour = self._lines[0][2]
                self._lines = self._lines[:max(fits - len(note), 1)]
                self._lines += [(line, CUT_FONT, colour) for line in note]
            self._wrapped_for = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self.leading
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        baseline = self.height - self.size  # as a Paragraph sets its first line
        for line, font, colour in self._lines:
            canvas.setFont(font, self.size)
            canvas.setFillColor(colour)
            canvas.drawString(0, baseline, line)
            baseline -= self.leading
