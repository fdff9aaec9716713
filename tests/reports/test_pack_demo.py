"""The pack of the demo plans, gathered from the database by `pack_data`."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from pdf_pages import has_ref, read_pages

from perfdesk.domain.status import Status
from perfdesk.reports.pack import build_pack
from perfdesk.services.pack.model import PackOptions
from perfdesk.store.database import Database

if importlib.util.find_spec("perfdesk.services.pack.data") is None:
    pytest.skip(
        "perfdesk.services.pack.data is not written yet: the demo pack cannot be gathered",
        allow_module_level=True,
    )

from perfdesk.services.pack.data import pack_data

TODAY = dt.date(2024, 3, 31)


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_demo_pack_prints_every_action_and_measure(
    demo_db: Database, tmp_path: Path, landscape: bool
) -> None:
    options = PackOptions(meeting=dt.date(2024, 4, 16), landscape=landscape, history=landscape)
    with demo_db.read() as session:
        data = pack_data(session, options, TODAY)
    assert data.action_count > 50
    pages = read_pages(build_pack(data, tmp_path / "demo.pdf"))

    text = " ".join(p.text for p in pages)
    refs = [
        ref
        for plan in data.plans
        for priority in plan.priorities
        for ref in [a.ref for a in priority.actions] + [m.ref for m in priority.measures]
    ]
    assert [ref for ref in refs if not has_ref(text, ref)] == []
    for plan in data.plans:  # the summary's totals row: each status, then all
        numbers = [plan.by_status[s.label] for s in Status]
        assert "Total " + " ".join(str(n) for n in [*numbers, sum(numbers)]) in text
    for page in pages:
        assert f"Page {page.number} of {len(pages)}" in page.footer
        plan = next((p for p in data.plans if p.title in page.footer), None)
        marking = plan.marking if plan else data.marking
        assert marking in page.header.split() and marking in page.bottom.split()
        if plan is not None:
            assert ("DRAFT" in page.header.split()) is plan.draft
        assert (page.width > page.height) is landscape
    assert ("Appendix: update history" in text) is landscape
