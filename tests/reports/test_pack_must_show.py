"""What the board pack must show, end to end: database → `perfdesk pack` →
PDF → text read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pdf_pages import has_ref, read_pages

from perfdesk.cli import main
from perfdesk.domain.status import Status
from perfdesk.domain.text import name_key
from perfdesk.services.actions import edits as action_edits
from perfdesk.store import queries
from perfdesk.store.database import Database

LEAD = "Head of Service Corporate Parenting"


def _pack(db: Database, out: Path, *options: str) -> list:
    assert main(["pack", "--db", db.location, "--out", str(out), *options]) == 0
    return read_pages(out)


def _refs(db: Database) -> tuple[set[str], set[str]]:
    """Every action ref, and the refs of LEAD's actions."""
    with db.read() as s:
        every, led = set(), set()
        for plan in queries.plans(s):
            actions = queries.plan_actions(s, plan.id)
            leads = queries.leads_by_action(s, [a.id for a in actions])
            for a in actions:
                every.add(a.ref)
                if any(name_key(lead.name) == name_key(LEAD) for lead in leads.get(a.id, [])):
                    led.add(a.ref)
    return every, led


def test_a_leads_pack_holds_exactly_that_leads_actions(demo_db, tmp_path, capsys) -> None:
    every, led = _refs(demo_db)
    assert 0 < len(led) < len(every)
    pages = _pack(demo_db, tmp_path / "lead.pdf", "--lead", LEAD)
    text = " ".join(page.text for page in pages)
    assert {ref for ref in every if has_ref(text, ref)} == led
    assert f"Actions led by {LEAD}" in text
    assert all("OFFICIAL" in p.header.split() and "OFFICIAL" in p.bottom.split() for p in pages)


def test_a_pack_as_at_a_past_date_shows_the_statuses_of_that_date(
    demo_db, tmp_path, capsys
) -> None:
    with demo_db.read() as s:
        plan = queries.find_plan(s, "Children's Services")
        action = next(a for a in queries.plan_actions(s, plan.id) if a.ref == "1.2")
    with demo_db.write(author="Jo") as s:
        action_edits.add_update(s, action.id, status=Status.OFF_TRACK,
                                reported_on=dt.date(2023, 6, 15), author="Jo")
        action_edits.add_update(s, action.id, status=Status.COMPLETE,
                                reported_on=dt.date(2023, 9, 15), author="Jo")

    def status_of_1_2(as_at: str) -> str:
        pages = _pack(demo_db, tmp_path / f"{as_at}.pdf", "--plan", "Children's Services",
                      "--as-at", as_at)
        rows = [line for page in pages for line in page.lines if line.startswith("1.2 ")]
        assert rows, "action 1.2 is in the pack"
        return rows[-1]  # its row in the priority's actions table

    assert "Not started" in status_of_1_2("2023-05-31")
    assert "Off track" in status_of_1_2("2023-07-31")
    assert "Complete" in status_of_1_2("2023-10-31")
