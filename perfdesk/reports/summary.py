"""A plan's summary page: counts by status, timeframe and RAG, the status
at each quarter end, and the exceptions the board should look at first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from perfdesk.domain.measures import Rag
from perfdesk.domain.status import Status
from perfdesk.services.pack.model import PackPlan, QuarterCount

from .charts import quarter_bars, status_bar
from .styles import (
    MUTED,
    TOTAL_FILL,
    Styles,
    rag_markup,
    short_date,
    status_heading,
    status_markup,
    text,
)
from .tables import Cell, actions_table, grid, layout, section, widths

STATUS_COL = 50.0  # wide enough for "Complete" in the header
COUNTS_WIDTH = 230.0  # a two-column table of counts reads best narrow


def _status_row(
    label: str, counts: Mapping[str, int], st: Styles, bar_width: float | None,
    bold: bool = False,
) -> list[Flowable]:
    wrap = (lambda s: f"<b>{s}</b>") if bold else (lambda s: s)
    cells: list[Flowable] = [Cell(wrap(label), st.cell)]
    cells += [Cell(wrap(str(counts.get(s.label, 0))), st.cell_centre) for s in Status]
    total = sum(counts.get(s.label, 0) for s in Status)
    cells.append(Cell(wrap(str(total)), st.cell_centre))
    if bar_width is not None:
        cells.append(status_bar(counts, width=bar_width - 8, height=8))
    return cells


def status_table(
    first: str,
    rows: Sequence[tuple[str, Mapping[str, int]]],
    totals: Mapping[str, int] | None,
    width: float,
    st: Styles,
    bars: bool = True,
) -> Table:
    """One row per priority (or quarter end), one column per status headed by
    its symbol and word, a total, and (with `bars`) a bar of the same counts."""
    bar = 80.0 if bars else None
    fixed = [None, *[STATUS_COL] * len(Status), 36.0] + ([bar] if bar else [])
    cols = widths(width, fixed, [1.0])
    head: list[Flowable] = [Cell(first, st.head)]
    head += [Cell(status_heading(s), st.head_centre) for s in Status]
    head.append(Cell("Total", st.head_centre))
    if bars:
        head.append(Cell("Share", st.head))
    data = [head] + [_status_row(text(label), counts, st, bar) for label, counts in rows]
    style = [
        *grid(),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (-1, 1), (-1, -1), "MIDDLE"),
    ]
    if totals is not None:
        data.append(_status_row("Total", totals, st, bar, bold=True))
        style += [
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
            ("LINEABOVE", (0, -1), (-1, -1), 0.9, MUTED),
        ]
    return Table(data, colWidths=cols, repeatRows=1, style=TableStyle(style))


def count_table(
    heading: str, unit: str, rows: Sequence[tuple[str, int]], width: float, st: Styles
) -> Table:
    """A two-column table of counts with a total row."""
    data: list[list[Flowable]] = [[Cell(heading, st.head), Cell(unit, st.head_centre)]]
    data += [[Cell(label, st.cell), Cell(str(n), st.cell_centre)] for label, n in rows]
    data.append([
        Cell("<b>Total</b>", st.cell),
        Cell(f"<b>{sum(n for _, n in rows)}</b>", st.cell_centre),
    ])
    style = [*grid(), ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL)]
    return Table(data, colWidths=widths(width, [None, 56], [1.0]), style=TableStyle(style))


def _legend(st: Styles) -> Paragraph:
    return Cell("<br/>".join(status_markup(s) for s in reversed(Status)), st.cell)


def quarter_section(quarters: Sequence[QuarterCount], width: float, st: Styles) -> list[Flowable]:
    """The counts at each quarter end as a table and as stacked columns: side
    by side when the page is wide, the chart under the table when not."""
    title = "Status at each quarter end"
    if not quarters:
        return [*section(title, st, room=60),
                Paragraph("No quarter ends fall in the plan's period yet.", st.muted)]
    rows = [(short_date(q.as_at), q.by_status) for q in quarters]
    legend_w = 78.0
    chart_w = min(52.0 * len(quarters) + 30, 260.0)
    side_by_side = width - (chart_w + legend_w + 16) >= 400
    table_w = width - (chart_w + legend_w + 16) if side_by_side else width
    table = status_table("Quarter end", rows, None, table_w, st, bars=not side_by_side)
    lines = 3 + len(quarters)  # the header takes about three rows
    chart = Table(
        [[quarter_bars(quarters, width=chart_w, height=105), _legend(st)]],
        colWidths=[chart_w + 8, legend_w],
        style=layout("BOTTOM"),
        hAlign="LEFT",
    )
    if not side_by_side:
        return [*section(title, st, room=140 + 14 * lines), table, Spacer(1, 8), chart]
    pair = Table(
        [[table, chart]], colWidths=[table_w + 16, chart_w + legend_w + 8], hAlign="LEFT",
        style=layout(),
    )
    return [*section(title, st, room=max(150, 30 + 14 * lines)), pair]


def _side_by_side(blocks: list[list[Flowable]], block_w: float) -> Table:
    return Table(
        [blocks], colWidths=[block_w + 16] * len(blocks), hAlign="LEFT", style=layout()
    )


def summary_story(plan: PackPlan, width: float, st: Styles) -> list[Flowable]:
    """Everything on the summary pages of one plan, after its heading."""
    story: list[Flowable] = []
    n_actions = sum(len(p.actions) for p in plan.priorities)
    n_measures = sum(len(p.measures) for p in plan.priorities)
    kinds = {p.kind for p in plan.priorities if p.ref} or {"Priority"}
    group = "Theme / priority" if len(kinds) > 1 else next(iter(kinds))
    story.append(Paragraph(
        f"{n_actions} actions and {n_measures} measures. Counts are as at the pack date.",
        st.body,
    ))

    story += section("Actions by status", st)
    story.append(status_table(group, plan.by_priority_status, plan.by_status, width, st))

    block = min((width - 16) / 2, COUNTS_WIDTH)
    timeframe = count_table("Timeframe", "Actions", list(plan.by_timeframe.items()), block, st)
    rag_rows = [(rag_markup(r), plan.measures_by_rag.get(r.label, 0)) for r in Rag]
    rag = count_table("RAG", "Measures", rag_rows, block, st)
    story += [CondPageBreak(140), Spacer(1, 6)]
    story.append(_side_by_side([
        [Paragraph("Actions by timeframe", st.h3), timeframe],
        [Paragraph("Measures by RAG", st.h3), rag],
    ], block))

    story += quarter_section(plan.quarter_ends, width, st)

    story += section("Exceptions: overdue, off-track and at-risk actions", st)
    if plan.exceptions:
        story.append(actions_table(plan.exceptions, width, st, due_only=True))
    else:
        story.append(Paragraph("No actions are overdue, off track or at risk.", st.body))
    return story
