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
from reportlab.platypus import Flowable

Part = tuple[str, str, Color]  # text (line breaks kept), font, colour


class PlainCell(Flowable):
    def __init__(self, parts: Sequence[Part], size: float, leading: float) -> None:
        super().__init__()
        self.parts = [p for p in parts if p[0].strip()]
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
                for line in (simpleSplit(paragraph, font, self.size, availWidth) or [""])
            ]
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
