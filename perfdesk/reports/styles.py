"""Fonts, colours and paragraph styles for the pack.

Everything is set in DejaVu Sans, which has every symbol the pack prints
(✓ ✗ ▲ ▼ ◆ ○ ■ ● ↑ ↓ →). reportlab embeds only the glyphs used.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

from perfdesk import presentation
from perfdesk.domain.measures import Rag
from perfdesk.domain.status import Status
from perfdesk.paths import resources_dir

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"

INK = colors.HexColor("#1b1f24")
MUTED_HEX = "#5b6470"
MUTED = colors.HexColor(MUTED_HEX)
RULE = colors.HexColor("#b8bec6")
HEADER_FILL = colors.HexColor("#e6e9ed")
ZEBRA_FILL = colors.HexColor("#f5f6f8")
TOTAL_FILL = colors.HexColor("#eceff2")
ACCENT = colors.HexColor("#1f4e79")
DRAFT_RED = colors.HexColor("#b71c1c")


@functools.cache
def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) once per process, as a
    family so <b> and <i> in paragraphs pick the right face."""
    folder = resources_dir() / "fonts"
    for name, file in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        (FONT_ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
    )


TEXT_LIMIT = 2000  # characters of any one piece of text the pack prints
TITLE_LIMIT = 300  # characters of a title or heading


def cut(value: str, limit: int = TEXT_LIMIT) -> str:
    """Plain text cut at `limit` characters (at a space if there is one
    near the end), with an ellipsis. No one piece of text, however long it
    was typed or imported, can make the pack slow or stop it."""
    value = value.strip()
    if len(value) <= limit:
        return value
    head = value[:limit]
    at_space = head.rsplit(" ", 1)[0]
    return (at_space if len(at_space) > limit * 0.8 else head).rstrip() + "…"


def text(value: str, limit: int = TEXT_LIMIT) -> str:
    """Plain text made safe for Paragraph markup, cut at `limit` characters;
    line breaks kept."""
    return escape(cut(value, limit)).replace("\n", "<br/>")


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def _mark(shown: Status | Rag, size: int | None = None) -> str:
    """The symbol in its colour."""
    sized = f' size="{size}"' if size else ""
    return f'<font color="{presentation.colour(shown)}"{sized}>{presentation.symbol(shown)}</font>'


OVERDUE_MARKUP = (f'<font color="{presentation.OVERDUE_COLOUR}"><b>'
                  f'{presentation.OVERDUE_SYMBOL}\u00a0Overdue</b></font>')


def status_markup(status: Status, bold: bool = False) -> str:
    """A status as symbol + word, the symbol in the status colour, so it
    reads in black and white."""
    word = f"<b>{status.label}</b>" if bold else status.label
    return f"{_mark(status)}\u00a0{word}"


def status_heading(status: Status) -> str:
    """A column heading: the symbol above the word."""
    return f"{_mark(status, size=10)}<br/>{status.label}"


def rag_markup(rag: Rag) -> str:
    return f"{_mark(rag)}\u00a0{rag.label}"


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    bullet: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_centre: ParagraphStyle
    head: ParagraphStyle
    head_centre: ParagraphStyle
    cover_title: ParagraphStyle
    cover_sub: ParagraphStyle
    cover_line: ParagraphStyle
    cover_draft: ParagraphStyle
    toc: tuple[ParagraphStyle, ...]


@functools.cache
def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK, spaceAfter=4
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9.2, spaceAfter=0)
    head = ParagraphStyle("head", parent=cell, fontName=FONT_BOLD, textColor=INK)
    h1 = ParagraphStyle(
        "h1", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20,
        textColor=ACCENT, spaceBefore=0, spaceAfter=8, keepWithNext=1,
    )
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        muted=ParagraphStyle("muted", parent=body, fontSize=8, leading=10, textColor=MUTED),
        bullet=ParagraphStyle(
            "bullet", parent=body, leftIndent=14, bulletIndent=4, spaceAfter=2,
            bulletFontName=FONT,
        ),
        h1=h1,
        h2=ParagraphStyle(
            "h2", parent=h1, fontSize=13, leading=16.5, spaceBefore=6, spaceAfter=5
        ),
        h3=ParagraphStyle(
            "h3", parent=h1, fontSize=10.5, leading=13.5, textColor=INK,
            spaceBefore=8, spaceAfter=4, keepWithNext=0,
        ),
        cell=cell,
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        cell_centre=ParagraphStyle("cell_centre", parent=cell, alignment=TA_CENTER),
        head=head,
        head_centre=ParagraphStyle("head_centre", parent=head, alignment=TA_CENTER),
        cover_title=ParagraphStyle(
            "cover_title", parent=body, fontName=FONT_BOLD, fontSize=26, leading=32,
            textColor=ACCENT, spaceAfter=10,
        ),
        cover_sub=ParagraphStyle(
            "cover_sub", parent=body, fontSize=15, leading=20, textColor=INK, spaceAfter=6
        ),
        cover_line=ParagraphStyle("cover_line", parent=body, fontSize=11, leading=15),
        cover_draft=ParagraphStyle(
            "cover_draft", parent=body, fontName=FONT_BOLD, fontSize=22, leading=28,
            textColor=DRAFT_RED, spaceBefore=14,
        ),
        toc=(
            ParagraphStyle(
                "toc0", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14,
                spaceBefore=8, leftIndent=0, firstLineIndent=0,
            ),
            ParagraphStyle(
                "toc1", parent=body, fontSize=9.5, leading=12.5, leftIndent=14,
                firstLineIndent=0, spaceAfter=0,
            ),
        ),
    )


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """Text cut with an ellipsis to fit a width."""
    room = int(width / (size * 0.2)) + 2  # no glyph is narrower than 0.2 em
    if len(text) <= room and stringWidth(text, font, size) <= width:
        return text
    text = text[:room]
    low, high = 0, len(text)  # the longest start that fits with its ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(text[:middle] + "…", font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"
