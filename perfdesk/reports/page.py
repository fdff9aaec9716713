"""The page: size, margins, and what is printed on every page.

Every page carries its protective marking centred at the top and the
bottom, "DRAFT" when its plan is a draft, and a footer with the plan's
title, the "as at" date and "Page X of Y". The numbers are written in
when the pack is finished (`contents.DeferredCanvas`), so it is laid out
once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Flowable, Frame, PageTemplate

from .contents import DeferredCanvas, page_text_width
from .styles import DRAFT_RED, FONT, FONT_BOLD, INK, MUTED, RULE, fit_text, long_date

MARGIN_X = 15 * mm
MARGIN_TOP = 19 * mm
MARGIN_BOTTOM = 22 * mm


@dataclass(frozen=True)
class Decoration:
    """What the edges of one kind of page say."""

    marking: str
    draft: bool
    title: str  # the plan's title; the pack's title outside any plan
    as_at: dt.date
    heading: str  # top left: the meeting, if there is one


def page_size(landscape_pages: bool) -> tuple[float, float]:
    return landscape(A4) if landscape_pages else A4


class RoomFor(CondPageBreak):
    """Starts a new page unless the flowables after it, and `extra` points
    more, fit in what is left of this one. It never asks for more than most
    of a page, so an opening longer than a page still starts where it is."""

    def __init__(self, flowables: list[Flowable], extra: float) -> None:
        super().__init__(0)
        self._flowables = [f for f in flowables if not isinstance(f, CondPageBreak)]
        self._extra = extra

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        need = self._extra
        for f in self._flowables:
            need += f.wrapOn(self.canv, availWidth, availHeight)[1]
            need += f.getSpaceBefore() + f.getSpaceAfter()
        frame = self._doctemplateAttr("frame")  # type: ignore[attr-defined]  # not in the stubs
        page = getattr(frame, "_height", None)
        self.height = min(need, 0.7 * page) if page else need
        return super().wrap(availWidth, availHeight)


class PackDoc(BaseDocTemplate):
    """Page templates named "front" (cover and contents) and one per plan.
    Headings that carry `toc_entry = (level, markup, plain, key)` become a
    contents line and a PDF bookmark; flowables that carry `progress_step`
    report progress."""

    def __init__(
        self,
        filename: BinaryIO,
        pagesize: tuple[float, float],
        on_step: Callable[[int], None] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(
            filename, pagesize=pagesize, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, initialFontName=FONT,
            lang="en-GB", **kw,
        )
        self.on_step = on_step

    def add_template(self, template_id: str, decoration: Decoration) -> None:
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id=template_id,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )

        def on_page(canvas: Canvas, doc: PackDoc) -> None:
            decorate(canvas, doc.pagesize, decoration)

        self.addPageTemplates([PageTemplate(id=template_id, frames=[frame], onPage=on_page)])

    def afterFlowable(self, flowable: Flowable) -> None:
        entry = getattr(flowable, "toc_entry", None)
        if entry is not None:
            level, _markup, plain, key = entry
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(plain, key, level=level, closed=level > 0)
            pages = getattr(self.canv, "page_of_key", None)
            if pages is not None:
                pages[key] = self.page
        step = getattr(flowable, "progress_step", None)
        if step is not None and self.on_step is not None:
            self.on_step(step)



def decorate(
    canvas: Canvas,
    pagesize: tuple[float, float],
    deco: Decoration,
) -> None:
    width, height = pagesize
    left, right = MARGIN_X, width - MARGIN_X
    centre = width / 2
    top_y = height - 10 * mm
    canvas.saveState()

    # Top: the marking in the middle, the pack on the left, DRAFT on the right.
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 9)
    marking = fit_text(deco.marking, FONT_BOLD, 9, (right - left) / 3)
    canvas.drawCentredString(centre, top_y, marking)
    marking_half = stringWidth(marking, FONT_BOLD, 9) / 2 + 6 * mm
    side = centre - marking_half - left
    if deco.heading:
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(left, top_y, fit_text(deco.heading, FONT, 7.5, side))
    if deco.draft:
        canvas.setFillColor(DRAFT_RED)
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawRightString(right, top_y - 0.5, "DRAFT")
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(left, top_y - 2.5 * mm, right, top_y - 2.5 * mm)

    # Bottom: plan and date on the left, page number on the right, marking last.
    foot_y = 13 * mm
    canvas.line(left, foot_y + 3.5 * mm, right, foot_y + 3.5 * mm)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(INK)
    if isinstance(canvas, DeferredCanvas):  # it writes "Page X of Y" here once all are known
        canvas.footer_at = (right, foot_y)
    as_at = f"As at {long_date(deco.as_at)}"
    room = right - left - page_text_width() - 8 * mm
    room -= stringWidth(as_at + "  ·  ", FONT, 7.5)
    canvas.drawString(left, foot_y, f"{fit_text(deco.title, FONT, 7.5, room)}  ·  {as_at}")
    canvas.setFont(FONT_BOLD, 9)
    canvas.drawCentredString(centre, 6 * mm, marking)
    if deco.draft:
        canvas.setFillColor(DRAFT_RED)
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawRightString(right, 6 * mm - 0.5, "DRAFT")
    canvas.restoreState()
