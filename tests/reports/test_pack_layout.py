"""How the pack copes with size and trouble: long tables, very long text,
nothing to print, progress reports, and writing the file safely."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from pdf_pages import has_ref, read_pages
from sample_pack import big_pack, sample_pack

from perfdesk.errors import PerfDeskError
from perfdesk.reports import page as page_module
from perfdesk.reports.pack import build_pack, priority_title
from perfdesk.services.pack.model import PackData

ACTIONS_HEADER = "Ref Action Lead(s) By when Status Latest update"


def test_a_long_priority_breaks_across_pages_with_its_header_on_each(tmp_path: Path) -> None:
    data = big_pack(300)
    priority = data.plans[0].priorities[0]
    pages = read_pages(build_pack(data, tmp_path / "big.pdf"))

    start = next(p.number for p in pages if p.number > 2 and priority_title(priority) in p.text)
    last_ref = priority.actions[-1].ref
    end = next(p.number for p in pages if p.number >= start and has_ref(p.text, last_ref))
    table_pages = pages[start - 1:end]
    assert len(table_pages) >= 10
    for page in table_pages:
        assert page.text.count(ACTIONS_HEADER) == 1, page.number
    # every row printed once, in order, and no page holds only a header
    text = " ".join(p.text for p in table_pages)
    positions = [text.find(f" {a.ref} ") for a in priority.actions]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)
    for page in table_pages:
        assert any(has_ref(page.text, a.ref) for a in priority.actions), page.number


def test_text_too_long_for_one_page_is_cut_with_a_note(tmp_path: Path) -> None:
    data = sample_pack(landscape=True)
    plan = data.plans[0]
    first = plan.priorities[0]
    huge = dataclasses.replace(
        first.actions[0],
        text="A very long action text. " * 1200,
        latest_text="An update that runs on and on. " * 1000,
        leads=tuple(f"Lead number {n}" for n in range(60)),
        by_when="Some time in the spring or summer, depending on the budget. " * 30,
    )
    tall = dataclasses.replace(first.actions[1], latest_text="One step.\n" * 800)
    priority = dataclasses.replace(first, actions=(huge, tall, *first.actions[2:]))
    plan = dataclasses.replace(plan, priorities=(priority, *plan.priorities[1:]))
    data = dataclasses.replace(data, plans=(plan, *data.plans[1:]))

    text = " ".join(p.text for p in read_pages(build_pack(data, tmp_path / "long.pdf")))
    assert "(cut short: the full text is in the plan)" in text
    assert "and 48 more" in text


def test_a_pack_with_no_plans_prints_cover_and_contents(tmp_path: Path) -> None:
    data = dataclasses.replace(sample_pack(), plans=(), draft=False, marking="OFFICIAL")
    pages = read_pages(build_pack(data, tmp_path / "empty.pdf"))
    assert len(pages) == 2
    assert "No plans match the choices made for this pack." in pages[1].text
    assert all("DRAFT" not in p.header for p in pages)


def test_progress_is_reported_in_order_and_ends_complete(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    build_pack(sample_pack(history=True), tmp_path / "p.pdf",
               progress=lambda done, total: calls.append((done, total)))
    totals = {total for _, total in calls}
    assert len(totals) == 1
    total = totals.pop()
    done = [d for d, _ in calls]
    assert done[0] == 0 and done[-1] == total
    assert done == sorted(done) and len(set(done)) == len(done)
    # a step for each plan's summary and each priority, in the one layout pass
    sections = sum(1 + len(plan.priorities) for plan in sample_pack().plans) + 2
    assert total == sections + 1
    assert len(calls) >= sections


def test_the_file_is_replaced_only_when_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "pack.pdf"
    out.write_bytes(b"the last pack")

    def broken(self: page_module.PackDoc, story: list, **kw: object) -> None:
        raise RuntimeError("disk went away")

    with monkeypatch.context() as m:
        m.setattr(page_module.PackDoc, "build", broken)
        with pytest.raises(RuntimeError):
            build_pack(sample_pack(), out)
    assert out.read_bytes() == b"the last pack"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf"]

    assert build_pack(sample_pack(), out) == out
    assert out.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf"]


def _one_plan(data: PackData, draft: bool) -> PackData:
    plan = dataclasses.replace(data.plans[1], draft=draft)
    return dataclasses.replace(data, plans=(plan,), draft=draft, marking=plan.marking)


def test_an_approved_pack_says_draft_nowhere(tmp_path: Path) -> None:
    pages = read_pages(build_pack(_one_plan(sample_pack(), False), tmp_path / "a.pdf"))
    assert all("DRAFT" not in p.text.split() for p in pages)
    assert all(p.header.split()[0] == "OFFICIAL-SENSITIVE" for p in pages)


def test_markup_characters_in_the_data_print_as_written(tmp_path: Path) -> None:
    data = sample_pack()
    plan = data.plans[0]
    first = plan.priorities[0]
    odd = "Health & Care <Partners> \"joint\" work"
    action = dataclasses.replace(
        first.actions[0], ref="1.1&", text=odd, leads=(odd,), latest_text=odd, by_when=odd
    )
    priority = dataclasses.replace(
        first, title=odd, statement=odd, needs_improvement=(odd,),
        actions=(action, *first.actions[1:]),
    )
    plan = dataclasses.replace(plan, title=f"Plan for {odd}", priorities=(priority,))
    data = dataclasses.replace(data, plans=(plan,), title=odd, subtitle=odd, board=odd)

    pages = read_pages(build_pack(data, tmp_path / "odd.pdf"))
    text = " ".join(p.text for p in pages)
    assert text.count(odd) >= 10
    assert "1.1&" in text
    assert any(line.startswith(f"Plan for {odd}") for line in pages[1].lines)


def test_a_pack_that_cannot_be_saved_says_so_plainly(tmp_path: Path) -> None:
    with pytest.raises(PerfDeskError, match=r"Could not save pack\.pdf in .*missing"):
        build_pack(sample_pack(), tmp_path / "missing" / "pack.pdf")

    taken = tmp_path / "pack.pdf"
    taken.mkdir()  # something that is not a file already has the name
    with pytest.raises(PerfDeskError, match=r"Could not save pack\.pdf: .*close it"):
        build_pack(sample_pack(), taken)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_new_pack_is_the_owners_alone(tmp_path: Path) -> None:
    """A pack is shared by sending it, not by its mode: only its owner can read it."""
    out = build_pack(sample_pack(), tmp_path / "pack.pdf")
    assert out.stat().st_mode & 0o777 == 0o600
