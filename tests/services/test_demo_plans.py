"""The Devon plans arrive exactly as published."""

from __future__ import annotations

import datetime as dt

from perfdesk.domain.timeframe import Timeframe
from perfdesk.services.plans.demo import demo_documents
from perfdesk.services.plans.documents import load_document
from perfdesk.store import queries
from perfdesk.store.database import Database


def docs_by_name():
    return {d.plan.short_name: d for d in demo_documents()}


def test_three_plans_with_the_published_counts() -> None:
    docs = docs_by_name()
    counts = {n: (len(d.priorities), len(d.actions), len(d.measures)) for n, d in docs.items()}
    assert counts == {
        "Children's Services": (4, 39, 31),
        "Corporate Services": (10, 19, 0),
        "Partnership": (3, 10, 16),
    }


def test_childrens_actions_are_1_1_to_4_9_each_in_a_timeframe() -> None:
    doc = docs_by_name()["Children's Services"]
    bands = ((1, 14), (2, 9), (3, 7), (4, 9))
    expected = [f"{p}.{n}" for p, last in bands for n in range(1, last + 1)]
    assert [a.ref for a in doc.actions] == expected
    assert all(a.timeframe in Timeframe for a in doc.actions)
    assert all(a.ref.split(".")[0] == a.priority_ref for a in doc.actions)
    assert all(a.text and a.leads and a.by_when for a in doc.actions)


def test_actions_printed_out_of_order_belong_to_leadership() -> None:
    actions = {a.ref: a for a in docs_by_name()["Children's Services"].actions}
    for ref in ("2.7", "2.8", "2.9"):
        assert actions[ref].priority_ref == "2"
    assert actions["2.8"].text == "Appoint permanent Director of Children's Services"
    assert actions["2.8"].leads == ["Chief Executive"]


def test_rows_split_by_page_breaks_are_joined_not_duplicated() -> None:
    actions = {a.ref: a for a in docs_by_name()["Children's Services"].actions}
    assert "reducing the number of re-referrals" in actions["1.14"].text
    assert "Reduced numbers of re-referrals" in actions["1.14"].measure_of_success
    assert "Wiltshire" in actions["2.3"].text
    assert "Our policies are up to date and published." in actions["2.6"].measure_of_success
    assert "³¹" not in actions["4.7"].impact and "<p>" not in actions["4.1"].text


def test_one_role_named_with_two_apostrophes_is_one_lead() -> None:
    leads = {lead for d in demo_documents() for a in d.actions for lead in a.leads}
    assert "Director of Children's Services" in leads
    assert not any("’" in lead for lead in leads)
    assert "Head of Service - Academy, Quality Assurance and Practice" in leads


def test_early_help_is_one_corporate_action_with_five_steps() -> None:
    doc = docs_by_name()["Corporate Services"]
    early = [a for a in doc.actions if a.text.startswith("Early Help offer")]
    assert len(early) == 1
    assert [s.timescale for s in early[0].steps] == [
        "24 April 2023", "28 April 2023", "18 May 2023", "18 May 2023", "18 May 2023"]
    assert [a.ref for a in doc.actions] == [f"C{n}" for n in range(1, 20)]
    kinds = sorted(p.kind for p in doc.priorities)
    assert kinds.count("Priority") == 7 and kinds.count("Theme") == 3


def test_partnership_measures_keep_published_text_and_four_targets() -> None:
    doc = docs_by_name()["Partnership"]
    assert [a.ref for a in doc.actions] == [
        "PA1.1", "PA1.2", "PA1.3", "PA1.4", "PA2.1", "PA2.2", "PA2.3", "PA3.1", "PA3.2", "PA3.3"]
    assert sorted(m.target for m in doc.measures if m.target is not None) == [60, 65, 75, 85]
    texts = {m.baseline_text for m in doc.measures}
    assert "58 – April 2023" in texts
    assert "78% of contacts do not become referrals" in texts


def test_childrens_measures_baselines_tbd_and_targets() -> None:
    doc = docs_by_name()["Children's Services"]
    tbd = [m for m in doc.measures if m.baseline_text == "TBD"]
    assert len(tbd) == 4 and all(m.area == "Quality Assurance" for m in tbd)
    assert all(m.target is not None for m in doc.measures)
    assert all(m.target_date == dt.date(2024, 4, 30) for m in doc.measures)


def test_demo_database_holds_the_documents_without_loss(demo_db: Database) -> None:
    with demo_db.read() as session:
        stored = {p.short_name: load_document(session, p) for p in queries.plans(session)}
    for name, doc in docs_by_name().items():
        back = stored[name]
        assert back.plan == doc.plan
        assert back.priorities == doc.priorities
        assert back.outcomes == doc.outcomes
        assert [(a.ref, a.text, a.by_when, a.leads, a.steps) for a in back.actions] == [
            (a.ref, a.text, a.by_when, a.leads, a.steps) for a in doc.actions]
        assert back.measures == doc.measures


def test_every_demo_action_starts_not_started(demo_db: Database) -> None:
    from perfdesk.services.summaries import plan_summaries

    with demo_db.read() as session:
        for summary in plan_summaries(session):
            assert summary.by_status["Not started"] == summary.actions
