"""Editing measures: figures by period (typed and pasted), benchmarks, owner,
fields and definition history, and the golden thread to actions. Every edit
is one recorded, undoable transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from perfdesk.domain.measures import Direction, Frequency, Polarity, Rag, Unit
from perfdesk.errors import Conflict, NotFound
from perfdesk.services.measures import edits as me
from perfdesk.services.measures import links as ml
from perfdesk.services.measures.detail import measure_detail, measures_for_action
from perfdesk.services.measures.view import MeasureRow, measure_rows, measure_series
from perfdesk.store import queries
from perfdesk.store.database import Database
from perfdesk.store.edits import Edit, perform, reverse
from perfdesk.store.schema import (
    Benchmark,
    Change,
    Lead,
    Measure,
    MeasureAction,
    MeasureValue,
)

CHILDRENS = "Children's Services"
PARTNERSHIP = "Partnership"
M, Q, A = Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.ANNUAL


# ---------------------------------------------------------------- helpers

def plan_id(db: Database, plan: str = CHILDRENS) -> str:
    with db.read() as session:
        return queries.find_plan(session, plan).id


def measure_id(db: Database, ref: str, plan: str = CHILDRENS) -> str:
    with db.read() as session:
        found = queries.plan_measures(session, queries.find_plan(session, plan).id)
        return next(m.id for m in found if m.ref == ref)


def action_id(db: Database, ref: str, plan: str = CHILDRENS) -> str:
    with db.read() as session:
        found = queries.plan_actions(session, queries.find_plan(session, plan).id)
        return next(a.id for a in found if a.ref == ref)


def lead_id(db: Database, name: str) -> str:
    with db.read() as session:
        return next(lead.id for lead in queries.live(session, Lead) if lead.name == name)


def values(db: Database, mid: str) -> dict[str, float | None]:
    """Live figures of a measure by period."""
    with db.read() as session:
        return {v.period: v.value for v in queries.values_by_measure(session, [mid]).get(mid, [])}


def value_rows(db: Database, mid: str) -> list[MeasureValue]:
    with db.read() as session:
        return list(queries.values_by_measure(session, [mid]).get(mid, []))


def row_of(db: Database, ref: str) -> MeasureRow:
    with db.read() as session:
        return next(r for r in measure_rows(session, plan_id(db)) if r.ref == ref)


def counts(db: Database) -> tuple[int, int]:
    """How many figures and recorded changes the database holds."""
    with db.read() as session:
        figures = session.exec(select(func.count()).select_from(MeasureValue)).one()
        changes = session.exec(select(func.count()).select_from(Change)).one()
        return figures, changes


def edit(db: Database, operation: Callable[[Session], Any], author: str = "tester") -> Edit:
    _, done = perform(db, "Edit measure", operation, author)
    return done


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize(("frequency", "day", "label"), [
    (M, dt.date(2023, 9, 15), "2023-09"),
    (M, dt.date(2024, 1, 1), "2024-01"),
    (Q, dt.date(2023, 4, 1), "Q1 2023/24"),
    (Q, dt.date(2023, 9, 30), "Q2 2023/24"),
    (Q, dt.date(2023, 12, 31), "Q3 2023/24"),
    (Q, dt.date(2024, 1, 1), "Q4 2023/24"),
    (Q, dt.date(2024, 3, 31), "Q4 2023/24"),
    (A, dt.date(2024, 3, 31), "2023/24"),
    (A, dt.date(2024, 4, 1), "2024/25"),
    (A, dt.date(1999, 12, 1), "1999/00"),
])
def test_period_for_gives_the_canonical_label(frequency: Frequency, day: dt.date,
                                              label: str) -> None:
    assert me.period_for(frequency, day) == label


@pytest.mark.parametrize(("frequency", "typed", "label", "end"), [
    (M, "2023-09", "2023-09", dt.date(2023, 9, 30)),
    (M, "2023-9", "2023-09", dt.date(2023, 9, 30)),
    (M, "Sep 2023", "2023-09", dt.date(2023, 9, 30)),
    (M, "  september   2023 ", "2023-09", dt.date(2023, 9, 30)),
    (M, "Sept 2023", "2023-09", dt.date(2023, 9, 30)),
    (M, "Feb 2024", "2024-02", dt.date(2024, 2, 29)),
    (Q, "Q2 2023/24", "Q2 2023/24", dt.date(2023, 9, 30)),
    (Q, "q4 2023/2024", "Q4 2023/24", dt.date(2024, 3, 31)),
    (A, "2023/24", "2023/24", dt.date(2024, 3, 31)),
    (A, "2023/2024", "2023/24", dt.date(2024, 3, 31)),
    (A, "2023", "2023", dt.date(2023, 12, 31)),
])
def test_check_period_reads_each_accepted_form(frequency: Frequency, typed: str, label: str,
                                               end: dt.date) -> None:
    assert me.check_period(typed, frequency) == (label, end)


@pytest.mark.parametrize(("frequency", "typed", "explains"), [
    (M, "2023-13", "Sep 2023"),
    (M, "Q2 2023/24", "2023-09"),
    (M, "2023/24", "September 2023"),
    (M, "Septober 2023", "2023-09"),
    (M, "", "2023-09"),
    (Q, "2023-09", "Q2 2023/24"),
    (Q, "Q5 2023/24", "Q1 is April to June"),
    (Q, "Q2 2023/25", "Q2 2023/24"),
    (A, "2023-24", "2023/24"),
    (A, "2023/25", "2023/24"),
    (A, "Sep 2023", "calendar years like 2023"),
])
def test_check_period_refuses_other_forms_and_says_what_is_accepted(
    frequency: Frequency, typed: str, explains: str
) -> None:
    with pytest.raises(Conflict, match="not a period") as raised:
        me.check_period(typed, frequency)
    assert explains in str(raised.value)
    assert frequency.value in str(raised.value)


@pytest.mark.parametrize(("frequency", "period", "following"), [
    (M, "2023-09", "2023-10"),
    (M, "Dec 2023", "2024-01"),
    (Q, "Q1 2023/24", "Q2 2023/24"),
    (Q, "Q3 2023/24", "Q4 2023/24"),
    (Q, "Q4 2023/24", "Q1 2024/25"),
    (Q, "q4 2023/2024", "Q1 2024/25"),
    (A, "2023/24", "2024/25"),
    (A, "1999/2000", "2000/01"),
    (A, "2023", "2024"),
])
def test_next_period(frequency: Frequency, period: str, following: str) -> None:
    assert me.next_period(period, frequency) == following


def test_next_period_refuses_a_period_of_another_frequency() -> None:
    with pytest.raises(Conflict, match="quarterly"):
        me.next_period("2023-09", Q)


# ---------------------------------------------------------------- figures

@pytest.mark.parametrize(("text", "figure"), [
    ("45%", 45.0), ("1,234", 1234.0), (" 12.5 ", 12.5), ("£1,200", 1200.0),
    ("1,234,567.89", 1234567.89), ("-3", -3.0), ("\u22123", -3.0), ("(12)", -12.0),
    ("0", 0.0), (".5", 0.5), ("7.", 7.0), ("£ 20", 20.0), ("45 %", 45.0),
    ("", None), ("   ", None), ("\t", None),
])
def test_parse_figure_reads_what_excel_shows(text: str, figure: float | None) -> None:
    assert me.parse_figure(text) == figure


@pytest.mark.parametrize("text", ["abc", "12a", "1,2", "12,34", "nan", "inf", "1.2.3",
                                  "#N/A", "--5", "%", "£", "()", "+-5", "£-5"])
def test_parse_figure_refuses_what_is_not_a_number(text: str) -> None:
    with pytest.raises(Conflict, match="not a number"):
        me.parse_figure(text)


@pytest.mark.parametrize(("unit", "figure"), [
    (Unit.PERCENT, 25.0), (Unit.PER_10000, 2500.0), (Unit.NUMBER, 0.25),
    (Unit.DAYS, 0.25), (Unit.POUNDS, 0.25),
])
def test_computed_value_follows_the_unit(unit: Unit, figure: float) -> None:
    assert me.computed_value(unit, 1, 4) == pytest.approx(figure)


def test_computed_value_refuses_a_zero_denominator() -> None:
    with pytest.raises(Conflict, match="denominator is 0"):
        me.computed_value(Unit.PERCENT, 3, 0)


# ---------------------------------------------------------------- values

def test_a_value_lands_in_its_canonical_period(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        stored = me.set_value(session, mid, "Sep 2023", value=72.5, note=" provisional ",
                              author="Jo Analyst")
    assert (stored.period, stored.period_end) == ("2023-09", dt.date(2023, 9, 30))
    assert (stored.value, stored.note, stored.author) == (72.5, "provisional", "Jo Analyst")
    assert values(demo_db, mid) == {"2023-09": 72.5}
    row = row_of(demo_db, "CS01")
    assert (row.latest, row.latest_period) == (72.5, "2023-09")


def test_the_author_defaults_to_whoever_is_writing(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write(author="Sam Editor") as session:
        stored = me.set_value(session, mid, "2023-09", value=70)
    assert stored.author == "Sam Editor"


@pytest.mark.parametrize(("ref", "previous", "latest", "colour", "travel"), [
    # CS01: 70% target, higher is better; tolerance 10% of target = 7 points
    ("CS01", 50, 75, Rag.GREEN, Direction.IMPROVING),
    ("CS01", 75, 70, Rag.GREEN, Direction.WORSENING),
    ("CS01", 75, 66, Rag.AMBER, Direction.WORSENING),
    ("CS01", 50, 66, Rag.AMBER, Direction.IMPROVING),
    ("CS01", 66, 50, Rag.RED, Direction.WORSENING),
    ("CS01", 50, 50, Rag.RED, Direction.NO_CHANGE),
    # CS05: 19% target, lower is better; tolerance 1.9 points
    ("CS05", 25, 18, Rag.GREEN, Direction.IMPROVING),
    ("CS05", 18, 20, Rag.AMBER, Direction.WORSENING),
    ("CS05", 20, 25, Rag.RED, Direction.WORSENING),
    ("CS05", 30, 25, Rag.RED, Direction.IMPROVING),
    # CS21: 450 per 10,000, close to target; Green within 45, Amber within 90
    ("CS21", 600, 460, Rag.GREEN, Direction.IMPROVING),
    ("CS21", 440, 400, Rag.AMBER, Direction.WORSENING),
    ("CS21", 460, 520, Rag.AMBER, Direction.WORSENING),
    ("CS21", 520, 300, Rag.RED, Direction.WORSENING),
    ("CS21", 300, 600, Rag.RED, Direction.NO_CHANGE),
])
def test_values_entered_give_the_rag_and_direction_the_window_shows(
    demo_db: Database, ref: str, previous: float, latest: float, colour: Rag, travel: Direction
) -> None:
    mid = measure_id(demo_db, ref)
    with demo_db.write() as session:
        me.set_value(session, mid, "September 2023", value=previous)
    with demo_db.write() as session:
        me.set_value(session, mid, "Oct 2023", value=latest)
    row = row_of(demo_db, ref)
    assert (row.latest, row.latest_period) == (latest, "2023-10")
    assert (row.rag, row.direction) == (colour, travel)
    with demo_db.read() as session:
        series = measure_series(session, mid)
    assert [p.period for p in series.values][-2:] == ["2023-09", "2023-10"]
    assert series.latest_rag is colour


def test_setting_the_same_period_twice_updates_it(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        first = me.set_value(session, mid, "2023-09", value=60, note="first")
    done = edit(demo_db, lambda s: me.set_value(s, mid, "Sep 2023", value=65, note="first"))
    assert [(c.kind, c.field, c.old, c.new) for c in done.changes] == [
        ("update", "value", "60.0", "65.0")
    ]
    rows = value_rows(demo_db, mid)
    assert [(v.id, v.period, v.value) for v in rows] == [(first.id, "2023-09", 65.0)]
    assert rows[0].version == 2


def test_setting_an_unchanged_value_records_nothing(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write(author="tester") as session:
        me.set_value(session, mid, "2023-09", value=60, note="n")
    assert edit(demo_db, lambda s: me.set_value(s, mid, "2023-09", value=60, note="n")).changes \
        == ()


def test_a_non_canonical_period_already_stored_is_updated_not_duplicated(
    demo_db: Database,
) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        session.add(MeasureValue(measure_id=mid, period="Sep 2023",
                                 period_end=dt.date(2023, 9, 30), value=10))
    with demo_db.write() as session:
        me.set_value(session, mid, "2023-09", value=11)
    assert values(demo_db, mid) == {"2023-09": 11.0}


def test_a_quarterly_measure_takes_financial_quarters(demo_db: Database) -> None:
    mid = measure_id(demo_db, "PM1.1", PARTNERSHIP)
    with demo_db.write() as session:
        stored = me.set_value(session, mid, "Q4 2023/2024", value=80)
        with pytest.raises(Conflict, match="quarterly measure"):
            me.set_value(session, mid, "2023-09", value=80)
    assert (stored.period, stored.period_end) == ("Q4 2023/24", dt.date(2024, 3, 31))


def test_a_rate_is_worked_out_from_numerator_and_denominator(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS21")  # per 10,000
    with demo_db.write() as session:
        stored = me.set_value(session, mid, "2023-09", numerator=123, denominator=2500)
    assert (stored.value, stored.numerator, stored.denominator) == (492.0, 123.0, 2500.0)
    with demo_db.write() as session:  # a value typed as rounded agrees
        me.set_value(session, mid, "2023-10", value=333.3, numerator=1, denominator=30)
    assert values(demo_db, mid)["2023-10"] == pytest.approx(333.333, abs=1e-3)
    assert row_of(demo_db, "CS21").latest == pytest.approx(10_000 / 30)


def test_a_percentage_from_numerator_and_denominator(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        stored = me.set_value(session, mid, "2023-09", value=33, numerator=1, denominator=3)
    assert stored.value == pytest.approx(100 / 3)


@pytest.mark.parametrize(("given", "message"), [
    ({"value": 400, "numerator": 123, "denominator": 2500}, "gives 492"),
    ({"value": 492.4, "numerator": 123, "denominator": 2500}, "not 492.4"),
    ({"numerator": 5, "denominator": 0}, "denominator is 0"),
    ({"numerator": 5}, "both the numerator and the denominator"),
    ({"value": 3, "denominator": 9}, "both the numerator and the denominator"),
    ({"value": float("nan")}, "the value must be a number"),
    ({"numerator": float("inf"), "denominator": 3}, "the numerator must be a number"),
])
def test_numerator_and_denominator_that_do_not_add_up_are_refused(
    demo_db: Database, given: dict[str, float], message: str
) -> None:
    mid = measure_id(demo_db, "CS21")
    before = counts(demo_db)
    with pytest.raises(Conflict, match=message), demo_db.write() as session:
        me.set_value(session, mid, "2023-09", **given)
    assert counts(demo_db) == before


def test_a_value_alone_clears_an_old_numerator_and_denominator(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS21")
    with demo_db.write() as session:
        me.set_value(session, mid, "2023-09", numerator=123, denominator=2500)
    with demo_db.write() as session:
        stored = me.set_value(session, mid, "2023-09", value=480)
    assert (stored.value, stored.numerator, stored.denominator) == (480.0, None, None)


def test_delete_value_tombstones_the_figure(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        me.set_value(session, mid, "2023-09", value=60)
        stored = me.set_value(session, mid, "2023-10", value=75)
    done = edit(demo_db, lambda s: me.delete_value(s, stored.id))
    assert [(c.kind, c.row_id) for c in done.changes] == [("delete", stored.id)]
    assert values(demo_db, mid) == {"2023-09": 60.0}
    assert row_of(demo_db, "CS01").latest_period == "2023-09"
    with demo_db.read() as session:
        assert session.get(MeasureValue, stored.id) is not None  # kept, tombstoned
    with pytest.raises(NotFound, match="2023-10"), demo_db.write() as session:
        me.delete_value(session, stored.id)
    with demo_db.write() as session:  # the period can be filled again
        again = me.set_value(session, mid, "2023-10", value=74)
    assert again.id != stored.id and values(demo_db, mid)["2023-10"] == 74.0


def test_a_value_can_be_undone(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    done = edit(demo_db, lambda s: me.set_value(s, mid, "2023-09", value=60))
    assert values(demo_db, mid) == {"2023-09": 60.0}
    reverse(demo_db, done)
    assert values(demo_db, mid) == {}


def test_edits_to_a_deleted_measure_are_refused(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        session.get(Measure, mid).deleted_at = dt.datetime.now(dt.UTC)  # type: ignore[union-attr]
    with pytest.raises(NotFound, match="measure has been deleted"), demo_db.write() as session:
        me.set_value(session, mid, "2023-09", value=1)


# ---------------------------------------------------------------- paste

def test_paste_fills_consecutive_months_and_a_blank_skips_one(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        stored = me.paste_values(session, mid, "2023-09", ["45%", "", "47.5", "1,050"],
                                 author="Jo Analyst")
    assert [(v.period, v.value) for v in stored] == [
        ("2023-09", 45.0), ("2023-11", 47.5), ("2023-12", 1050.0)
    ]
    assert values(demo_db, mid) == {"2023-09": 45.0, "2023-11": 47.5, "2023-12": 1050.0}
    assert {v.author for v in value_rows(demo_db, mid)} == {"Jo Analyst"}


def test_paste_takes_a_column_or_a_row_as_excel_copies_them(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        me.paste_values(session, mid, "Nov 2023", ["1\r\n\r\n3\r\n"], author="a")
    with demo_db.write() as session:
        me.paste_values(session, mid, "Jan 2024", ["10\t\t£30"], author="a")
    assert values(demo_db, mid) == {"2023-11": 1.0, "2024-01": 10.0, "2024-03": 30.0}
    assert me.split_cells("1\t2\n3\n") == ["1", "2", "3"]


def test_paste_over_existing_figures_updates_them_and_keeps_their_notes(
    demo_db: Database,
) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        first = me.set_value(session, mid, "2023-10", value=1, note="provisional")
    with demo_db.write() as session:
        me.paste_values(session, mid, "2023-09", ["5", "6"], author="b")
    rows = value_rows(demo_db, mid)
    assert [(v.period, v.value, v.note) for v in rows] == [
        ("2023-09", 5.0, ""), ("2023-10", 6.0, "provisional")
    ]
    assert rows[1].id == first.id


def test_paste_into_a_quarterly_measure_wraps_the_financial_year(demo_db: Database) -> None:
    mid = measure_id(demo_db, "PM1.1", PARTNERSHIP)
    with demo_db.write() as session:
        me.paste_values(session, mid, "Q3 2023/24", ["81", "82", "83"], author="a")
    assert {k: v for k, v in values(demo_db, mid).items() if k.startswith("Q")} == {
        "Q3 2023/24": 81.0, "Q4 2023/24": 82.0, "Q1 2024/25": 83.0
    }


def test_paste_into_an_annual_measure(demo_db: Database) -> None:
    mid = measure_id(demo_db, "PM1.5", PARTNERSHIP)
    with demo_db.write() as session:
        me.paste_values(session, mid, "2022/23", ["4", "5"], author="a")
        me.paste_values(session, mid, "2020", ["1"], author="a")
    assert values(demo_db, mid) == {"2020": 1.0, "2022/23": 4.0, "2023/24": 5.0}


def test_a_bad_pasted_cell_names_its_line_and_nothing_is_stored(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        me.set_value(session, mid, "2023-09", value=1)
    before, before_values = counts(demo_db), values(demo_db, mid)
    with pytest.raises(Conflict) as raised, demo_db.write() as session:
        me.paste_values(session, mid, "2023-09", ["45%", "", "forty", "1,050"], author="a")
    message = str(raised.value)
    assert "Line 3" in message and "'forty'" in message and "2023-11" in message
    assert "nothing was pasted" in message
    assert counts(demo_db) == before
    assert values(demo_db, mid) == before_values


def test_a_bad_first_period_stores_nothing(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    before = counts(demo_db)
    with pytest.raises(Conflict, match="monthly measure"), demo_db.write() as session:
        me.paste_values(session, mid, "Q2 2023/24", ["1"], author="a")
    assert counts(demo_db) == before


# ---------------------------------------------------------------- benchmarks

def test_benchmarks_upsert_by_period_and_comparator(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        england = me.set_benchmark(session, mid, "Sep 2023", "  England  ", 68)
        me.set_benchmark(session, mid, "2023-09", "Statistical  neighbours", 66)
    assert england is not None and (england.period, england.comparator) == ("2023-09", "England")
    done = edit(demo_db, lambda s: me.set_benchmark(s, mid, "2023-09", "england", 69))
    assert [(c.table, c.kind, c.field, c.new) for c in done.changes] == [
        ("benchmark", "update", "value", "69.0")
    ]
    with demo_db.read() as session:
        assert me.comparators(session, mid) == ["England", "Statistical neighbours"]
        live = queries.benchmarks_by_measure(session, [mid])[mid]
    assert sorted((b.comparator, b.value) for b in live) == [
        ("England", 69.0), ("Statistical neighbours", 66.0)
    ]
    assert row_of(demo_db, "CS01").benchmarks == (
        ("England", "2023-09", 69.0), ("Statistical neighbours", "2023-09", 66.0)
    )


def test_a_benchmark_set_to_none_is_tombstoned(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        kept = me.set_benchmark(session, mid, "2023-09", "England", 68)
    done = edit(demo_db, lambda s: me.set_benchmark(s, mid, "2023-09", "England", None))
    assert [(c.kind, c.row_id) for c in done.changes] == [("delete", kept.id)]  # type: ignore[union-attr]
    with demo_db.write() as session:
        assert me.comparators(session, mid) == []
        assert me.set_benchmark(session, mid, "2023-09", "England", None) is None
        assert session.get(Benchmark, kept.id) is not None  # type: ignore[union-attr]


def test_a_benchmark_may_be_yearly_for_a_monthly_measure(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        yearly = me.set_benchmark(session, mid, "2022/2023", "England", 67)
        with pytest.raises(Conflict, match="not a period"):
            me.set_benchmark(session, mid, "last year", "England", 67)
        with pytest.raises(Conflict, match="comparator's name cannot be blank"):
            me.set_benchmark(session, mid, "2023-09", "  ", 67)
    assert yearly is not None and (yearly.period, yearly.period_end) == (
        "2022/23", dt.date(2023, 3, 31)
    )


# ---------------------------------------------------------------- the measure

def test_set_owner(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    owner = lead_id(demo_db, "Director of Children's Services")
    done = edit(demo_db, lambda s: me.set_owner(s, mid, owner))
    assert [(c.field, c.new) for c in done.changes] == [("owner_id", owner)]
    assert row_of(demo_db, "CS01").owner == "Director of Children's Services"
    with demo_db.write() as session:
        me.set_owner(session, mid, None)
    assert row_of(demo_db, "CS01").owner == ""
    with pytest.raises(NotFound, match="lead no longer exists"), demo_db.write() as session:
        me.set_owner(session, mid, "no-such-lead")


@pytest.mark.parametrize(("field", "given", "stored"), [
    ("indicator", "  Re-referrals   within 12 months ", "Re-referrals within 12 months"),
    ("area", " Front  door ", "Front door"),
    ("definition", " Children referred again.\nExcludes transfers. ",
     "Children referred again.\nExcludes transfers."),
    ("source", "Mosaic", "Mosaic"),
    ("baseline", 64, 64.0),
    ("baseline", "64.5%", 64.5),
    ("baseline", None, None),
    ("baseline_text", "64% (2022/23)", "64% (2022/23)"),
    ("baseline_date", dt.date(2023, 3, 31), dt.date(2023, 3, 31)),
    ("baseline_date", "31/03/2023", dt.date(2023, 3, 31)),
    ("baseline_date", "", None),
    ("target", "1,000", 1000.0),
    ("target_text", "at least 75%", "at least 75%"),
    ("target_date", dt.datetime(2024, 3, 31, 12), dt.date(2024, 3, 31)),
    ("tolerance", 2, 2.0),
    ("tolerance", None, None),
    ("unit", "PER 10,000", Unit.PER_10000),
    ("unit", Unit.DAYS, Unit.DAYS),
    ("polarity", "Lower is better", Polarity.LOWER),
    ("frequency", " Quarterly ", Frequency.QUARTERLY),
])
def test_set_measure_field(demo_db: Database, field: str, given: Any, stored: Any) -> None:
    mid = measure_id(demo_db, "CS01")
    done = edit(demo_db, lambda s: me.set_measure_field(s, mid, field, given))
    with demo_db.read() as session:
        assert getattr(session.get(Measure, mid), field) == stored
    assert {(c.table, c.field) for c in done.changes} <= {("measure", field)}
    with demo_db.read() as session:  # the window still reads the measure
        assert any(r.id == mid for r in measure_rows(session, plan_id(demo_db)))


@pytest.mark.parametrize(("field", "given", "message"), [
    ("indicator", "   ", "indicator cannot be blank"),
    ("unit", "percent", "unit: 'percent' is not one of %, per 10,000"),
    ("polarity", "up", "not one of higher is better"),
    ("frequency", "weekly", "not one of monthly, quarterly, annual"),
    ("target", "lots", "not a number"),
    ("tolerance", -1, "cannot be negative"),
    ("target_date", "next March", "not a date"),
    ("baseline", float("nan"), "must be a number"),
])
def test_set_measure_field_refuses_what_it_cannot_store(
    demo_db: Database, field: str, given: Any, message: str
) -> None:
    mid = measure_id(demo_db, "CS01")
    with pytest.raises(Conflict, match=message), demo_db.write() as session:
        me.set_measure_field(session, mid, field, given)


@pytest.mark.parametrize("field", ["ref", "owner_id", "plan_id", "deleted_at", "nonsense"])
def test_set_measure_field_refuses_an_unknown_field(demo_db: Database, field: str) -> None:
    mid = measure_id(demo_db, "CS01")
    with pytest.raises(ValueError, match=field), demo_db.write() as session:
        me.set_measure_field(session, mid, field, "x")


def test_a_changed_target_changes_the_rag(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write() as session:
        me.set_value(session, mid, "2023-09", value=66)
    assert row_of(demo_db, "CS01").rag is Rag.AMBER
    with demo_db.write() as session:
        me.set_measure_field(session, mid, "tolerance", 2)
    assert row_of(demo_db, "CS01").rag is Rag.RED
    with demo_db.write() as session:
        me.set_measure_field(session, mid, "polarity", "lower is better")
    assert row_of(demo_db, "CS01").rag is Rag.GREEN


def test_definition_history_keeps_every_wording_newest_first(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    with demo_db.write(author="Ann") as session:
        me.set_measure_field(session, mid, "definition", "First wording")
    with demo_db.write(author="Ben") as session:
        me.set_measure_field(session, mid, "definition", "Second wording")
    with demo_db.write(author="Cat") as session:
        me.set_measure_field(session, mid, "source", "Mosaic")  # not the definition
        me.set_measure_field(session, mid, "definition", "Second wording")  # unchanged
    with demo_db.read() as session:
        found = me.definition_history(session, mid)
        other = me.definition_history(session, measure_id(demo_db, "CS02"))
    assert [(who, old, new) for _, who, old, new in found] == [
        ("Ben", "First wording", "Second wording"),
        ("Ann", "", "First wording"),
    ]
    assert found[0][0] >= found[1][0]
    assert all(isinstance(when, dt.datetime) for when, *_ in found)
    assert other == []


# ---------------------------------------------------------------- golden thread

def linked_actions(db: Database, mid: str) -> list[str]:
    """The actions the measure editor shows as linked (none for a deleted measure)."""
    with db.read() as session:
        detail = measure_detail(session, mid, dt.date(2024, 6, 1))
    return [] if detail is None else [a.ref for a in detail.actions]


def linked_measures(db: Database, aid: str, plan: str = CHILDRENS) -> list[str]:
    """The measures the action editor shows as linked."""
    with db.read() as session:
        found, _ = measures_for_action(session, queries.find_plan(session, plan).id, aid)
    return [m.ref for m in found]


def test_link_unlink_and_relink(demo_db: Database) -> None:
    mid, aid = measure_id(demo_db, "CS01"), action_id(demo_db, "1.2")
    done = edit(demo_db, lambda s: ml.link_action(s, mid, aid))
    assert [(c.table, c.kind) for c in done.changes] == [("measure_action", "insert")]
    link_id = done.changes[0].row_id
    assert linked_actions(demo_db, mid) == ["1.2"]
    assert linked_measures(demo_db, aid) == ["CS01"]
    with pytest.raises(Conflict, match="already linked"), demo_db.write() as session:
        ml.link_action(session, mid, aid)

    done = edit(demo_db, lambda s: ml.unlink_action(s, mid, aid))
    assert [(c.kind, c.row_id) for c in done.changes] == [("delete", link_id)]
    assert linked_actions(demo_db, mid) == []
    assert linked_measures(demo_db, aid) == []
    with pytest.raises(NotFound, match=r"not linked to action 1\.2"), demo_db.write() as session:
        ml.unlink_action(session, mid, aid)

    done = edit(demo_db, lambda s: ml.link_action(s, mid, aid))
    assert [(c.kind, c.row_id) for c in done.changes] == [("restore", link_id)]
    assert linked_actions(demo_db, mid) == ["1.2"]
    with demo_db.read() as session:
        links = session.exec(select(MeasureAction).where(
            col(MeasureAction.measure_id) == mid)).all()
    assert [link.id for link in links] == [link_id]


def test_links_come_back_in_plan_order(demo_db: Database) -> None:
    cs01, cs02 = measure_id(demo_db, "CS01"), measure_id(demo_db, "CS02")
    a11, a13 = action_id(demo_db, "1.1"), action_id(demo_db, "1.3")
    with demo_db.write() as session:
        ml.link_action(session, cs02, a13)
        ml.link_action(session, cs01, a13)
        ml.link_action(session, cs01, a11)
    assert linked_actions(demo_db, cs01) == ["1.1", "1.3"]
    assert linked_measures(demo_db, a13) == ["CS01", "CS02"]


def test_an_action_of_another_plan_cannot_be_linked(demo_db: Database) -> None:
    mid = measure_id(demo_db, "CS01")
    other = action_id(demo_db, "PA1.1", PARTNERSHIP)
    with pytest.raises(Conflict, match=r"PA1\.1 belongs to another plan"), \
            demo_db.write() as session:
        ml.link_action(session, mid, other)


def test_deleted_measures_and_actions_drop_out_of_the_thread(demo_db: Database) -> None:
    mid, aid = measure_id(demo_db, "CS01"), action_id(demo_db, "1.2")
    with demo_db.write() as session:
        ml.link_action(session, mid, aid)
    with demo_db.write() as session:
        session.get(Measure, mid).deleted_at = dt.datetime.now(dt.UTC)  # type: ignore[union-attr]
    assert linked_measures(demo_db, aid) == []
    assert linked_actions(demo_db, mid) == []
    with pytest.raises(NotFound), demo_db.write() as session:
        ml.link_action(session, mid, aid)


# ---------------------------------------------------------------- history

def test_every_edit_is_recorded_as_changes(demo_db: Database) -> None:
    mid, aid = measure_id(demo_db, "CS01"), action_id(demo_db, "1.1")
    owner = lead_id(demo_db, "Heads of Service")
    with demo_db.write() as session:
        existing = me.set_value(session, mid, "2023-08", value=1)
    operations: list[tuple[Callable[[Session], Any], str, str]] = [
        (lambda s: me.set_value(s, mid, "2023-09", value=60), "measure_value", "insert"),
        (lambda s: me.set_value(s, mid, "2023-09", value=61), "measure_value", "update"),
        (lambda s: me.delete_value(s, existing.id), "measure_value", "delete"),
        (lambda s: me.paste_values(s, mid, "2023-10", ["1", "2"], "a"), "measure_value",
         "insert"),
        (lambda s: me.set_benchmark(s, mid, "2023-09", "England", 5), "benchmark", "insert"),
        (lambda s: me.set_owner(s, mid, owner), "measure", "update"),
        (lambda s: me.set_measure_field(s, mid, "target", 72), "measure", "update"),
        (lambda s: ml.link_action(s, mid, aid), "measure_action", "insert"),
        (lambda s: ml.unlink_action(s, mid, aid), "measure_action", "delete"),
    ]
    recorded = 0
    for operation, table, kind in operations:
        _, before = counts(demo_db)
        done = edit(demo_db, operation, author="Recorder")
        assert done.changes and {(c.table, c.kind) for c in done.changes} == {(table, kind)}
        _, after = counts(demo_db)
        assert after == before + len(done.changes)
        recorded += len(done.changes)
    with demo_db.read() as session:
        by_recorder = session.exec(select(func.count()).select_from(Change).where(
            Change.author == "Recorder")).one()
    assert by_recorder == recorded
