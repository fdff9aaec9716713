"""The pack's tables: actions, exceptions, measures and update history.

Long tables break between rows and repeat their header row on each page.
A row can never be split, so a single cell's text is cut (with a note) at
a length that always fits on one page, even in landscape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table, TableStyle

from perfdesk import presentation
from perfdesk.domain.measures import DIRECTION_TEXT, Unit, format_value
from perfdesk.domain.periods import period_label
from perfdesk.domain.status import Status
from perfdesk.services.pack.model import PackAction, PackMeasure, UpdateLine

from .charts import sparkline
from .plain_cell import Part, PlainCell
from .styles import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    HEADER_FILL,
    INK,
    MUTED,
    MUTED_HEX,
    OVERDUE_MARKUP,
    RULE,
    ZEBRA_FILL,
    Styles,
    rag_markup,
    short_date,
    status_markup,
    text,
)

CUT_NOTE = "(cut short: the full text is in the plan)"
CELL_MAX_HEIGHT = 300.0  # points: a row always fits on a landscape page with its header


class Cell(Paragraph):
    """A table cell's text. reportlab wraps each cell several times in a
    layout pass (to measure a row, to split the table, to draw it) and again
    in every pass, but the lines depend only on the width, so the first
    result is kept. The first pass is never the one saved (see `PackDoc`),
    so on it the text is measured but not drawn.

    A row can never be split across pages, so a cell is never taller than
    `max_height`: longer text keeps the lines that fit and ends with a note
    that it was cut short."""

    _wrapped_width: float | None = None
    _cut: Flowable | None = None

    def __init__(self, text: str, style: ParagraphStyle, *args: Any,
                 max_height: float = CELL_MAX_HEIGHT, **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        self.max_height = max_height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if availWidth != self._wrapped_width:
            self._cut = None
            size = super().wrap(availWidth, availHeight)
            if size[1] == 0x7FFFFFFF:  # too narrow to hold anything: do not keep
                return size
            self._wrapped_width = availWidth
            if self.height > self.max_height:
                self._cut_short(availWidth)
        if self._cut is not None:
            return self.width, self._cut.height + self._note_height
        return self.width, self.height

    @property
    def _note_height(self) -> float:
        return float(self.style.leading)

    def _cut_short(self, width: float) -> None:
        room = max(self.max_height - self._note_height, self.style.leading)
        parts = Paragraph.split(self, width, room)
        first = parts[0] if parts else Paragraph(text(CUT_NOTE), self.style)
        if isinstance(first, Cell):
            first.max_height = 0x7FFFFFFF
        first.wrap(width, room)
        self._cut = first

    def draw(self) -> None:
        if getattr(self.canv, "pack_measuring_only", False):
            return
        if self._cut is None:
            super().draw()
            return
        self._cut.drawOn(self.canv, 0, self._note_height)
        self.canv.saveState()
        self.canv.setFont(FONT_ITALIC, self.style.fontSize)
        self.canv.setFillColor(MUTED)
        self.canv.drawString(0, self._note_height - self.style.fontSize, "… " + CUT_NOTE)
        self.canv.restoreState()


CELL_LIMIT = 1200  # characters of one cell's text; longer is cut with a note
LINE_LIMIT = 12  # line breaks kept in one cell


def widths(total: float, fixed: Sequence[float | None], share: Sequence[float]) -> list[float]:
    """Column widths: fixed ones in points; each None takes its share (in
    order) of what is left."""
    rest = total - sum(w for w in fixed if w is not None)
    shares = iter(share)
    weights = [next(shares) if w is None else 0.0 for w in fixed]
    scale = rest / sum(weights) if sum(weights) else 0.0
    pairs = zip(fixed, weights, strict=True)
    return [w if w is not None else weight * scale for w, weight in pairs]


def layout(valign: str = "TOP", *extra: tuple) -> TableStyle:
    """An invisible table that only puts things side by side. (Every table
    names its font: reportlab would otherwise select Helvetica for cells.)"""
    return TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        *extra,
    ])


def grid(header_rows: int = 1, zebra: bool = True) -> list[tuple]:
    """The common look: a light grid, a shaded header, optional zebra rows."""
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.35, RULE),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.9, MUTED),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [None, ZEBRA_FILL]))
    return commands


def section(title: str, st: Styles, room: float = 110) -> list[Flowable]:
    """A small heading that starts a new page unless `room` points (the
    heading, a table's header and its first rows) are left on this one."""
    return [CondPageBreak(room), Paragraph(title, st.h3)]


def clip(value: str, limit: int = CELL_LIMIT) -> str:
    """Markup for a cell's text, cut at `limit` characters. Only the first
    few line breaks are kept: later lines run on after a space."""
    lines = value.strip().splitlines()
    value = "\n".join(lines[:LINE_LIMIT]) + " " + " ".join(lines[LINE_LIMIT:])
    value = value.strip()
    if len(value) <= limit:
        return text(value)
    cut = value[:limit].rsplit(" ", 1)[0]
    return text(cut) + f"… <i>{CUT_NOTE}</i>"


def _muted(value: str) -> str:
    return f'<font color="{MUTED_HEX}">{value}</font>'


def _head(st: Styles, labels: Sequence[str]) -> list[Flowable | str]:
    return [Cell(label, st.head) for label in labels]






def _status(action: PackAction) -> str:
    cell = status_markup(action.status)
    return f"{cell}<br/>{OVERDUE_MARKUP}" if action.overdue else cell


def _clipped(value: str, limit: int = CELL_LIMIT) -> list[Part]:
    """A cell's plain text, cut as `clip` cuts markup."""
    lines = value.strip().splitlines()
    value = ("\n".join(lines[:LINE_LIMIT]) + " " + " ".join(lines[LINE_LIMIT:])).strip()
    if len(value) <= limit:
        return [(value, FONT, INK)]
    cut = value[:limit].rsplit(" ", 1)[0]
    return [(cut + "…", FONT, INK), (CUT_NOTE, FONT_ITALIC, MUTED)]


def _when_parts(action: PackAction, due_only: bool) -> list[Part]:
    due = short_date(action.due_date)
    if due_only:
        return [(due, FONT, INK)] if due else _clipped(action.by_when, 80)
    parts = _clipped(action.by_when, 200) if action.by_when.strip() else []
    if due and (not parts or action.overdue):
        parts.append((f"Due {due}", FONT, MUTED))
    return parts or [("Not set", FONT, MUTED)]


def _latest_parts(action: PackAction, limit: int) -> list[Part]:
    if not action.latest_text.strip() and action.latest_on is None:
        return [("No update yet", FONT, MUTED)]
    parts: list[Part] = []
    if action.latest_on:
        parts.append((short_date(action.latest_on), FONT_BOLD, INK))
    if action.latest_text.strip():
        parts += _clipped(action.latest_text, limit)
    return parts


REF_WIDTH = 34.0


def actions_table(
    actions: Sequence[PackAction], width: float, st: Styles, due_only: bool = False
) -> Table:
    """Ref, Action, Lead(s), By when (or Due), Status, Latest update with its date.
    `due_only` is the exceptions table: the due date instead of "by when".

    Large plans run to thousands of rows, so cells that need no wrapping or
    markup are plain strings (a short ref), and identical ones are shared
    (the status cells)."""
    when = "Due" if due_only else "By when"
    rows: list[list[Flowable | str]] = [
        _head(st, ["Ref", "Action", "Lead(s)", when, "Status", "Latest update"])
    ]
    statuses: dict[tuple[Status, bool], Cell] = {}
    size, leading = st.cell.fontSize, st.cell.leading
    for a in actions:
        leads = [("; ".join(a.leads[:12]), FONT, INK)] if a.leads else [("None named", FONT, MUTED)]
        if len(a.leads) > 12:
            leads.append((f"and {len(a.leads) - 12} more", FONT, MUTED))
        status = statuses.get((a.status, a.overdue))
        if status is None:
            status = statuses[a.status, a.overdue] = Cell(_status(a), st.cell)
        short = stringWidth(a.ref, FONT_BOLD, st.cell.fontSize) <= REF_WIDTH - 6
        rows.append([
            a.ref if short else Cell(f"<b>{text(a.ref)}</b>", st.cell),
            PlainCell(_clipped(a.text), size, leading),
            PlainCell(leads, size, leading),
            PlainCell(_when_parts(a, due_only), size, leading),
            status,
            PlainCell(_latest_parts(a, 600 if due_only else CELL_LIMIT), size, leading),
        ])
    wide = width > 600  # landscape: room for dates and statuses on one line
    cols = widths(width, [REF_WIDTH, None, None, 70 if wide else 54, 64 if wide else 58, None],
                  [0.43, 0.22, 0.35])
    style = [*grid(), ("FONT", (0, 1), (0, -1), FONT_BOLD, st.cell.fontSize, st.cell.leading)]
    return Table(rows, colWidths=cols, repeatRows=1, splitByRow=1, style=TableStyle(style))


def _figure(value: float | None, unit: Unit, written: str) -> str:
    if value is not None:
        return text(format_value(value, unit, short=True))
    return text(written) if written.strip() else _muted("–")


def _measure_row(m: PackMeasure, st: Styles) -> list[Flowable | str]:
    unit_note = " · rate per 10,000" if m.unit is Unit.PER_10000 else ""
    area = f"<br/>{_muted(text(m.area) + unit_note)}" if m.area or unit_note else ""
    baseline = _figure(m.baseline, m.unit, m.baseline_text)
    if m.baseline_date:
        baseline += f"<br/>{_muted(f'{m.baseline_date:%b %Y}')}"
    latest = _figure(m.latest, m.unit, "")
    if m.latest is not None and m.latest_period:
        latest = f"<b>{latest}</b><br/>{_muted(text(period_label(m.latest_period)))}"
    target = text(m.target_text) if m.target_text.strip() else _figure(m.target, m.unit, "")
    if m.target_date:
        target += f"<br/>{_muted(f'{m.target_date:%b %Y}')}"
    direction = DIRECTION_TEXT[m.direction] if m.direction else _muted("–")
    marks = [
        f"<b>{text(format_value(value, m.unit, short=True))}</b> {text(name)} {text(period)}"
        for name, period, value in m.benchmarks[:8]
    ]
    trend: Flowable
    if m.trend:
        trend = sparkline(m.trend, m.target, presentation.colour(m.rag), width=70, height=30)
    else:
        trend = Cell(_muted("No figures yet"), st.cell)
    return [
        Cell(f"<b>{text(m.ref)}</b> {clip(m.indicator, 400)}{area}", st.cell),
        Cell(baseline, st.cell),
        Cell(latest, st.cell),
        Cell(target, st.cell),
        Cell(rag_markup(m.rag), st.cell),
        Cell(direction, st.cell),
        Cell("<br/>".join(marks) or _muted("None"), st.cell),
        trend,
    ]


def measures_table(measures: Sequence[PackMeasure], width: float, st: Styles) -> Table:
    """Indicator, Baseline, Latest, Target, RAG, Direction, Benchmarks, and a
    small trend chart for each measure with figures."""
    rows: list[list[Flowable | str]] = [
        _head(st, ["Indicator", "Baseline", "Latest", "Target", "RAG", "Direction",
                   "Benchmarks", "Trend"])
    ]
    rows += [_measure_row(m, st) for m in measures]
    cols = widths(width, [None, 46, 52, 50, 44, 56, None, 78], [0.62, 0.38])
    style = [*grid(), ("VALIGN", (7, 1), (7, -1), "MIDDLE")]
    return Table(rows, colWidths=cols, repeatRows=1, splitByRow=1, style=TableStyle(style))


def history_table(action: PackAction, width: float, st: Styles) -> Table:
    """One action's updates, oldest first; withdrawn ones greyed and marked."""
    title = Cell(
        f"<b>{text(action.ref, 200)}</b>  {clip(action.text, 500)}  ·  "
        f"{status_markup(action.status)}",
        st.cell, max_height=60,  # repeated on every page the table runs to
    )
    rows: list[list[Flowable | str]] = [
        [title, "", "", "", ""],
        _head(st, ["Date", "Status", "By", "Done", "Next steps"]),
    ]
    for u in action.history:
        rows.append(_history_row(u, st))
    if not action.history:
        rows.append([Cell(_muted("No updates recorded."), st.cell), "", "", "", ""])
    cols = widths(width, [54, 62, None, None, None], [0.18, 0.46, 0.36])
    style = [
        *grid(header_rows=2),
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), ZEBRA_FILL),
    ]
    if not action.history:
        style.append(("SPAN", (0, 2), (-1, 2)))
    return Table(rows, colWidths=cols, repeatRows=2, splitByRow=1, style=TableStyle(style))


def _history_row(u: UpdateLine, st: Styles) -> list[Flowable | str]:
    done, steps = clip(u.done), clip(u.next_steps)
    if u.withdrawn:
        note = clip(u.withdrawn_note, 300) if u.withdrawn_note.strip() else "Withdrawn"
        done = _muted(f"<b>WITHDRAWN</b> — {note}<br/><strike>{done}</strike>")
        steps = _muted(f"<strike>{steps}</strike>")
    return [
        Cell(short_date(u.reported_on), st.cell),
        Cell(status_markup(u.status), st.cell),
        Cell(text(u.author), st.cell),
        Cell(done, st.cell),
        Cell(steps, st.cell),
    ]
