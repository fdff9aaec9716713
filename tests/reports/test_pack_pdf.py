"""The board pack as the board reads it: build the sample pack, read the PDF
back with pypdf, and check what is printed where."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pdf_pages import Page, has_ref, read_pages
from sample_pack import sample_pack

from perfdesk import presentation
from perfdesk.domain.measures import Rag
from perfdesk.domain.status import Status
from perfdesk.reports.pack import build_pack, priority_title
from perfdesk.services.pack.model import PackData, PackPlan

A4_PORTRAIT = (595.28, 841.89)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[PackData, list[Page]]:
    data = sample_pack()
    out = build_pack(data, tmp_path_factory.mktemp("pack") / "pack.pdf")
    return data, read_pages(out)


def _all_text(pages: list[Page]) -> str:
    return " ".join(p.text for p in pages)


def _plan_of(page: Page, data: PackData) -> PackPlan | None:
    """The plan whose title the page's footer carries (None: cover, contents)."""
    return next((plan for plan in data.plans if plan.title in page.footer), None)


def test_every_action_and_measure_ref_is_printed(sample: tuple[PackData, list[Page]]) -> None:
    data, pages = sample
    text = _all_text(pages)
    refs = [
        ref
        for plan in data.plans
        for priority in plan.priorities
        for ref in [a.ref for a in priority.actions] + [m.ref for m in priority.measures]
    ]
    assert len(refs) == 60
    assert [ref for ref in refs if not has_ref(text, ref)] == []


def _counts(counts: dict[str, int]) -> str:
    numbers = [counts.get(s.label, 0) for s in Status]
    return " ".join(str(n) for n in [*numbers, sum(numbers)])


def test_summary_counts_are_printed(sample: tuple[PackData, list[Page]]) -> None:
    data, pages = sample
    for plan in data.plans:
        text = next(
            p.text for p in pages if _plan_of(p, data) is plan and "Actions by status" in p.text
        )
        for label, counts in plan.by_priority_status:
            assert f"{label} {_counts(counts)}" in text
        assert f"Total {_counts(plan.by_status)}" in text
        for timeframe, n in plan.by_timeframe.items():
            assert f"{timeframe} {n}" in text
        for rag in Rag:
            assert f"{presentation.badge(rag)} {plan.measures_by_rag[rag.label]}" in text
        for quarter in plan.quarter_ends:
            day = f"{quarter.as_at.day} {quarter.as_at:%b %Y}"
            assert f"{day} {_counts(quarter.by_status)}" in text
        for status in Status:  # the column headings: symbol and word
            assert presentation.badge(status).replace("Not started", "Not") in text


def test_exceptions_are_listed_on_the_summary(sample: tuple[PackData, list[Page]]) -> None:
    data, pages = sample
    plan = data.plans[0]
    assert plan.exceptions
    start = next(p.number for p in pages if "Exceptions: overdue" in p.text and
                 _plan_of(p, data) is plan)
    first_priority = next(p.number for p in pages if priority_title(plan.priorities[0]) in p.text
                          and p.number > 2)
    text = _all_text(pages[start - 1: first_priority - 1])
    assert all(has_ref(text, a.ref) for a in plan.exceptions)
    assert "✗ Overdue" in text


def test_marking_is_at_the_top_and_bottom_of_every_page(
    sample: tuple[PackData, list[Page]],
) -> None:
    data, pages = sample
    assert {p.marking for p in data.plans} == {"OFFICIAL", "OFFICIAL-SENSITIVE"}
    for page in pages:
        plan = _plan_of(page, data)
        marking = plan.marking if plan else data.marking
        other = ({"OFFICIAL", "OFFICIAL-SENSITIVE"} - {marking}).pop()
        for band in (page.header, page.bottom):
            words = band.split()
            assert marking in words, (page.number, band)
            assert other not in words, (page.number, band)
        assert page.text.count(marking) >= 2


def test_pages_are_numbered_page_x_of_n(sample: tuple[PackData, list[Page]]) -> None:
    _, pages = sample
    n = len(pages)
    assert n > 8
    for page in pages:
        assert f"Page {page.number} of {n}" in page.footer
        assert "As at 31 March 2024" in page.footer


def test_draft_is_printed_on_draft_pages_only(sample: tuple[PackData, list[Page]]) -> None:
    data, pages = sample
    draft_plan, approved = data.plans
    assert draft_plan.draft and not approved.draft
    seen = {"front": 0, "draft": 0, "approved": 0}
    for page in pages:
        plan = _plan_of(page, data)
        kind = "front" if plan is None else "draft" if plan.draft else "approved"
        seen[kind] += 1
        printed = "DRAFT" in page.header.split() and "DRAFT" in page.bottom.split()
        assert printed is (kind != "approved"), (page.number, page.header)
    assert all(seen.values()), seen
    assert "DRAFT" in pages[0].text.split()  # the cover says so in large type too


def test_cover_says_what_the_pack_is(sample: tuple[PackData, list[Page]]) -> None:
    _, pages = sample
    cover = pages[0].text
    for expected in ("Improvement Board pack", "Devon Improvement Partnership Board",
                     "16 April 2024", "31 March 2024", "Devon County Council",
                     "Protective marking OFFICIAL-SENSITIVE",
                     "Children's Services Action Plan (DRAFT)",
                     "DCC Corporate Services Action Plan"):
        assert expected in cover


def test_contents_gives_the_page_of_each_section(sample: tuple[PackData, list[Page]]) -> None:
    data, pages = sample
    contents = pages[1]
    assert "Contents" in contents.text
    titles = [plan.title for plan in data.plans] + [
        priority_title(p) for plan in data.plans for p in plan.priorities
    ]
    for title in titles:
        line = next(line for line in contents.lines if line.startswith(title))
        match = re.fullmatch(re.escape(title) + r"[ .]*?(\d+)", line)
        assert match, line
        target = pages[int(match.group(1)) - 1]
        body = target.text.replace(target.footer, "")
        assert title in body, (title, target.number)


def test_statuses_and_rags_print_symbol_and_word(sample: tuple[PackData, list[Page]]) -> None:
    _, pages = sample
    text = _all_text(pages)
    for status in Status:
        assert presentation.badge(status) in text
    for rag in Rag:
        assert presentation.badge(rag) in text
    assert "↑ Improving" in text and "↓ Worsening" in text and "→ No change" in text


def test_fonts_are_embedded_dejavu_subsets(tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = build_pack(sample_pack(), tmp_path / "pack.pdf")
    reader = PdfReader(out)
    used: set[str] = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        content = page.get_contents().get_data()
        for name, ref in fonts.items():
            if name.encode() + b" " in content:
                used.add(str(ref.get_object()["/BaseFont"]))
    assert used
    assert all(re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold|-Oblique)?", f) for f in used), used
    assert out.stat().st_size < 400_000


def test_portrait_is_a4_by_default(sample: tuple[PackData, list[Page]]) -> None:
    _, pages = sample
    for page in pages:
        assert (page.width, page.height) == pytest.approx(A4_PORTRAIT, abs=0.5)


def test_landscape_when_asked(tmp_path: Path) -> None:
    pages = read_pages(build_pack(sample_pack(landscape=True), tmp_path / "wide.pdf"))
    for page in pages:
        assert (page.height, page.width) == pytest.approx(A4_PORTRAIT, abs=0.5)
        assert f"Page {page.number} of {len(pages)}" in page.footer


def test_history_appendix_only_when_asked(
    sample: tuple[PackData, list[Page]], tmp_path: Path
) -> None:
    _, plain = sample
    assert "Appendix: update history" not in _all_text(plain)
    assert "WITHDRAWN" not in _all_text(plain)

    data = sample_pack(history=True)
    pages = read_pages(build_pack(data, tmp_path / "history.pdf"))
    start = next(p.number for p in pages if p.number > 2 and "Appendix: update history" in p.text)
    appendix = _all_text(pages[start - 1:])
    assert "Appendix: update history" in pages[1].text  # listed in the contents
    actions = [a for plan in data.plans for p in plan.priorities for a in p.actions]
    assert all(has_ref(appendix, a.ref) for a in actions)
    withdrawn = [u for a in actions for u in a.history if u.withdrawn]
    assert withdrawn
    assert appendix.count("WITHDRAWN —") == len(withdrawn)
    assert "Withdrawn by Jo Smith: entered against the wrong action" in appendix
