"""The contents page and "Page X of Y", in one layout pass.

The canvas keeps every page until the pack is laid out; then it knows how
many pages there are and on which page each heading landed, and writes
those numbers onto the pages it kept. Laying the pack out once instead of
twice (reportlab's multiBuild) halves the time a long pack takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from .styles import FONT, FONT_BOLD, INK, MUTED, fit_text

LINE = {0: 17.0, 1: 13.5}  # height of a contents line by level
SIZE = {0: 11.0, 1: 9.5}
INDENT = {0: 0.0, 1: 14.0}
NUMBER_WIDTH = 40.0


@dataclass(frozen=True)
class Slot:
    """Where a page number goes once it is known."""

    page: int
    x: float  # right edge, absolute
    y: float
    key: str
    level: int


class DeferredCanvas(Canvas):
    """Holds each page back until `save`, then adds what only the end knows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: list[dict[str, object]] = []
        self.page_of_key: dict[str, int] = {}
        self.slots: list[Slot] = []
        self.footer_at: tuple[float, float] | None = None  # set per page by the decoration
        self.pages = 0  # how many pages were written, once saved

    def showPage(self) -> None:
        self._kept.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # Canvas's own, not in the stubs

    def save(self) -> None:
        total = len(self._kept)
        for number, state in enumerate(self._kept, start=1):
            self.__dict__.update(state)
            self._finish_page(number, total)
            Canvas.showPage(self)
        self.pages = total  # (after the pages' own states are put back)
        Canvas.save(self)

    def _finish_page(self, number: int, total: int) -> None:
        self.saveState()
        self.setFillColor(INK)
        if self.footer_at is not None:
            self.setFont(FONT, 7.5)
            self.drawRightString(*self.footer_at, f"Page {number} of {total}")
        for slot in self.slots:
            if slot.page == number and slot.key in self.page_of_key:
                self.setFont(FONT_BOLD if slot.level == 0 else FONT, SIZE[slot.level])
                self.drawRightString(slot.x, slot.y, str(self.page_of_key[slot.key]))
        self.restoreState()


def page_text_width() -> float:
    """Room kept in the footer for "Page X of Y" (filled in at the end)."""
    return stringWidth("Page 8888 of 8888", FONT, 7.5)


class Contents(Flowable):
    """One line per plan and priority; the page numbers are written in when
    the pack is finished. Each line links to its heading."""

    def __init__(self, entries: list[tuple[int, str, str]]) -> None:
        super().__init__()
        self.entries = entries  # (level, plain text, bookmark key)

    def _height(self, entries: list[tuple[int, str, str]]) -> float:
        return sum(LINE[min(level, 1)] for level, _, _ in entries)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        return availWidth, self._height(self.entries)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        used, fits = 0.0, 0
        for level, _, _ in self.entries:
            if used + LINE[min(level, 1)] > availHeight:
                break
            used += LINE[min(level, 1)]
            fits += 1
        if fits == 0 or fits == len(self.entries):
            return [] if fits == 0 else [self]
        return [Contents(self.entries[:fits]), Contents(self.entries[fits:])]

    def draw(self) -> None:
        canvas = self.canv
        y = self._height(self.entries)
        for level, text, key in self.entries:
            level = min(level, 1)
            y -= LINE[level]
            baseline = y + 4
            font = FONT_BOLD if level == 0 else FONT
            room = self.width - INDENT[level] - NUMBER_WIDTH
            canvas.setFont(font, SIZE[level])
            canvas.setFillColor(INK)
            canvas.drawString(INDENT[level], baseline, fit_text(text, font, SIZE[level], room))
            canvas.setStrokeColor(MUTED)
            canvas.setDash(0.5, 2.5)
            canvas.setLineWidth(0.6)
            end = INDENT[level] + stringWidth(fit_text(text, font, SIZE[level], room), font,
                                              SIZE[level]) + 4
            canvas.line(end, baseline, self.width - NUMBER_WIDTH + 6, baseline)
            canvas.setDash()
            x, ay = canvas.absolutePosition(self.width, baseline)
            slots = getattr(canvas, "slots", None)
            if slots is not None:
                slots.append(Slot(canvas.getPageNumber(), x, ay, key, level))
            canvas.linkRect("", key, (0, y, self.width, y + LINE[level]), relative=1)

