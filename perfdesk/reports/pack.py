"""Draw a board pack (`PackData`) as a PDF.

    build_pack(data, Path("pack.pdf"), progress=lambda done, total: ...)
    write_pack(data, Path("pack.pdf")).pages   # the same, and how many pages


The pack is: a cover, the contents, then for each plan a summary and a
section per priority (its actions and its measures), and, when asked for,
an appendix with every action's update history. The file is written to a
temporary file beside `out` and moved into place only when complete.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)

from perfdesk.domain.status import Status
from perfdesk.files import write_atomically
from perfdesk.services.pack.model import PackData, PackPlan, PackPriority

from .charts import status_bar
from .contents import Contents, DeferredCanvas
from .page import Decoration, PackDoc, RoomFor, page_size
from .styles import (
    OVERDUE_MARKUP,
    RULE,
    TITLE_LIMIT,
    Styles,
    long_date,
    status_markup,
    styles,
    text,
)
from .summary import summary_story
from .tables import Cell, actions_table, history_table, layout, measures_table, section

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class WrittenPack:
    path: Path
    pages: int


def build_pack(data: PackData, out: Path, progress: Progress | None = None) -> Path:
    """Write the pack to `out` (replacing it) and return `out`. `progress(done,
    total)` is called as plans and priorities are laid out; the last call is
    `progress(total, total)`, once the file is in place. A file that cannot
    be written raises PerfDeskError with a plain message; `out` is untouched."""
    return write_pack(data, out, progress).path


def write_pack(data: PackData, out: Path, progress: Progress | None = None) -> WrittenPack:
    """`build_pack`, also saying how many pages were written (so no one has
    to read the PDF back to count them)."""
    out = Path(out)
    with collector_paused():
        st = styles()
        steps = _count_steps(data)
        total = steps + 1  # one layout pass, then the move into place
        done = 0
        pages = 0

        def on_step(step: int) -> None:
            nonlocal done
            now = min(step, total - 1)
            if progress is not None and now > done:
                done = now
                progress(done, total)

        def write(fh: BinaryIO) -> None:
            nonlocal pages
            doc = PackDoc(
                fh, page_size(data.options.landscape), on_step=on_step,
                title=data.title, author=data.organisation, subject=data.subtitle,
                creator="PerfDesk",
            )
            _add_templates(doc, data)
            story: list[Flowable] = _front(data, st)
            step = 0
            for index, plan in enumerate(data.plans):
                plan_story, step = _plan_story(plan, index, doc.width, st, step)
                story += plan_story
            if data.options.history and data.plans:
                story += _appendix(data, doc.width, st, step)
            contents = next(f for f in story if isinstance(f, Contents))
            contents.entries = [(f.toc_entry[0], f.toc_entry[2], f.toc_entry[3])
                                for f in story if hasattr(f, "toc_entry")]
            canvases: list[DeferredCanvas] = []

            def canvasmaker(*args: object, **kwargs: object) -> DeferredCanvas:
                canvases.append(DeferredCanvas(*args, **kwargs))
                return canvases[-1]

            doc.build(story, canvasmaker=canvasmaker)
            pages = canvases[-1].pages

        if progress is not None:
            progress(0, total)
        write_atomically(out, write, when_busy="If the pack is open in a PDF viewer, close it")
        if progress is not None:
            progress(total, total)
    return WrittenPack(out, pages)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a pack is laid out: the
    layout makes hundreds of thousands of short-lived objects, and each
    collection would walk every object the process holds (the database
    layer's classes too). Nothing made here lives on, and the collector is
    back on (if it was on) when the pack is written or has failed."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _count_steps(data: PackData) -> int:
    per_plan = sum(1 + len(plan.priorities) for plan in data.plans)
    return max(per_plan + (len(data.plans) if data.options.history else 0), 1)


def _add_templates(doc: PackDoc, data: PackData) -> None:
    heading = f"Board meeting {long_date(data.meeting)}" if data.meeting else ""
    draft = data.draft or any(plan.draft for plan in data.plans)
    doc.add_template("front", Decoration(data.marking, draft, data.title, data.as_at, heading))
    for index, plan in enumerate(data.plans):
        deco = Decoration(plan.marking, plan.draft, plan.title, data.as_at, heading)
        doc.add_template(f"plan{index}", deco)


def heading(
    markup: str, style: ParagraphStyle, level: int | None = None, key: str = "",
    step: int | None = None,
) -> Paragraph:
    """A heading; with a level it is also a contents line and a bookmark."""
    para = Paragraph(markup, style)
    if level is not None:
        plain = Paragraph(markup, style).getPlainText()
        para.toc_entry = (level, markup, plain, key)  # type: ignore[attr-defined]
    if step is not None:
        para.progress_step = step  # type: ignore[attr-defined]
    return para


def _facts(rows: list[tuple[str, str]], width: float, st: Styles) -> Table:
    data = [[Paragraph(f"<b>{k}</b>", st.cover_line), Cell(v, st.cover_line, max_height=420)]
            for k, v in rows]
    return Table(
        data, colWidths=[45 * mm, width - 45 * mm], hAlign="LEFT",
        style=layout(
            "TOP",
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ),
    )


def _front(data: PackData, st: Styles) -> list[Flowable]:
    """The cover and the contents."""
    story: list[Flowable] = [NextPageTemplate("front"), Spacer(1, 28 * mm)]
    if data.organisation:
        story.append(Paragraph(text(data.organisation, TITLE_LIMIT), st.cover_line))
        story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(text(data.title, TITLE_LIMIT), st.cover_title))
    if data.subtitle:
        story.append(Paragraph(text(data.subtitle, TITLE_LIMIT), st.cover_sub))
    story.append(Spacer(1, 8 * mm))
    rows = [
        ("Board", text(data.board, TITLE_LIMIT) or "–"),
        ("Meeting", long_date(data.meeting) or "Not set"),
        ("As at", long_date(data.as_at)),
        ("Organisation", text(data.organisation, TITLE_LIMIT) or "–"),
        ("Protective marking", f"<b>{text(data.marking, TITLE_LIMIT)}</b>"),
    ]
    plans = "<br/>".join(
        text(p.title, TITLE_LIMIT) + (" <b>(DRAFT)</b>" if p.draft else "")
        + (f'<br/><font color="#5b6470" size="9">{text(p.period, TITLE_LIMIT)}</font>'
           if p.period else "")
        for p in data.plans
    )
    rows.insert(0, ("Plans" if len(data.plans) > 1 else "Plan", plans or "None"))
    story.append(_facts(rows, 150 * mm, st))
    if data.draft or any(p.draft for p in data.plans):
        story.append(Paragraph("DRAFT", st.cover_draft))
        story.append(Paragraph(
            "This pack includes a draft plan: its content has not yet been agreed.", st.body
        ))

    story += [PageBreak(), heading("Contents", st.h1)]
    story.append(Contents([]))  # its lines are the headings laid out after it
    if not data.plans:
        story.append(Paragraph("No plans match the choices made for this pack.", st.body))
    return story


def _plan_story(
    plan: PackPlan, index: int, width: float, st: Styles, step: int
) -> tuple[list[Flowable], int]:
    key = f"plan{index}"
    step += 1
    story: list[Flowable] = [
        NextPageTemplate(key),
        PageBreak(),
        heading(text(plan.title, TITLE_LIMIT), st.h1, 0, key),
    ]
    facts = [text(x, TITLE_LIMIT) for x in (plan.organisation, plan.board, plan.period) if x]
    facts.append(f"<b>{text(plan.marking, TITLE_LIMIT)}</b>"
                 + (" · <b>DRAFT</b>" if plan.draft else ""))
    story.append(Paragraph(" · ".join(facts), st.muted))
    story.append(heading("Summary", st.h2, 1, f"{key}-summary", step))
    story += summary_story(plan, width, st)
    story.append(PageBreak())
    for n, priority in enumerate(plan.priorities):
        step += 1
        story += _priority_story(priority, f"{key}-p{n}", width, st, step)
    return story, step


def priority_title(priority: PackPriority) -> str:
    if not priority.ref:
        return priority.title
    return f"{priority.kind or 'Priority'} {priority.ref}: {priority.title}"


def _priority_counts(priority: PackPriority, st: Styles, width: float) -> Table:
    counts = Counter(a.status.label for a in priority.actions)
    parts = [f"{status_markup(s)}\u00a0{counts[s.label]}" for s in Status if counts[s.label]]
    overdue = sum(a.overdue for a in priority.actions)
    if overdue:
        parts.append(f"{OVERDUE_MARKUP}\u00a0{overdue}")
    n = len(priority.actions)
    line = f"<b>{n} action{'s' if n != 1 else ''}</b>: " + " · ".join(parts)
    bar_w = 80.0
    return Table(
        [[status_bar(counts, width=bar_w, height=8), Paragraph(line, st.small)]],
        colWidths=[bar_w + 8, width - bar_w - 8], hAlign="LEFT",
        style=layout("MIDDLE", ("TOPPADDING", (0, 0), (-1, -1), 3)),
    )


def _says_more(statement: str, title: str) -> bool:
    """A statement worth printing: not blank, and not just the title again."""
    def key(s: str) -> str:
        return " ".join(s.casefold().rstrip(". ").split())

    return bool(statement.strip()) and key(statement) != key(title)


def _priority_story(
    priority: PackPriority, key: str, width: float, st: Styles, step: int
) -> list[Flowable]:
    """Heading, statement, what needs improvement, then the actions and the
    measures. The section starts on a new page unless its opening and the
    first rows of its actions table fit on this one."""
    intro: list[Flowable] = [
        heading(text(priority_title(priority), TITLE_LIMIT), st.h2, 1, key, step)
    ]
    if _says_more(priority.statement, priority.title):
        intro.append(Paragraph(text(priority.statement), st.body))
    if priority.needs_improvement:
        intro += section("What needs improvement", st, room=70)
        intro += [
            Paragraph(text(point), st.bullet, bulletText="•")
            for point in priority.needs_improvement
        ]
    intro += section("Actions", st, room=130)
    story: list[Flowable] = []
    if priority.actions:
        intro += [_priority_counts(priority, st, width), Spacer(1, 4)]
        story.append(actions_table(priority.actions, width, st))
    else:
        intro.append(Paragraph("No actions.", st.muted))
    if priority.measures:
        story += section("Measures", st, room=120)
        story.append(measures_table(priority.measures, width, st))
    story.append(Spacer(1, 6 * mm))
    first_rows = 90 if priority.actions else 0  # the table's header and a row or two
    return [RoomFor(intro, first_rows), *intro, *story]


def _appendix(data: PackData, width: float, st: Styles, step: int) -> list[Flowable]:
    story: list[Flowable] = []
    for index, plan in enumerate(data.plans):
        step += 1
        story += [NextPageTemplate(f"plan{index}"), PageBreak()]
        if index == 0:
            story.append(heading("Appendix: update history", st.h1, 0, "appendix"))
            story.append(Paragraph(
                "Every progress update, oldest first. Withdrawn updates are greyed, "
                "struck through and marked WITHDRAWN with the reason given.", st.muted,
            ))
        story.append(heading(text(plan.title, TITLE_LIMIT), st.h2, 1, f"appendix-{index}",
                             step))
        for priority in plan.priorities:
            if not priority.actions:
                continue
            story += section(text(priority_title(priority), TITLE_LIMIT), st, room=100)
            for action in priority.actions:
                story += [history_table(action, width, st), Spacer(1, 5)]
    return story
