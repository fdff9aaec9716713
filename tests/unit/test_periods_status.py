"""Periods, statuses and "as at" rules."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfdesk.domain.as_at import UpdateFact, ValueFact, status_as_at, values_as_at
from perfdesk.domain.periods import period_end
from perfdesk.domain.status import Status, is_overdue
from perfdesk.domain.timeframe import Timeframe

D = dt.date


@pytest.mark.parametrize(
    ("period", "end"),
    [
        ("2023-09", D(2023, 9, 30)),
        ("2023-09-30", D(2023, 9, 30)),
        ("30/09/2023", D(2023, 9, 30)),
        ("Sep 2023", D(2023, 9, 30)),
        ("2023/24", D(2024, 3, 31)),
        ("Q1 2023/24", D(2023, 6, 30)),
        ("Q2 2023/24", D(2023, 9, 30)),
        ("Q3 2023/24", D(2023, 12, 31)),
        ("Q4 2023/24", D(2024, 3, 31)),
        ("2018-20", D(2020, 12, 31)),
        ("2023", D(2023, 12, 31)),
    ],
)
def test_periods_as_written_get_an_end_date(period: str, end: dt.date) -> None:
    assert period_end(period) == end


@pytest.mark.parametrize("bad", ["Q5 2023/24", "2023/25", "last month", "2023-13"])
def test_unknown_period_names_the_accepted_forms(bad: str) -> None:
    with pytest.raises(ValueError, match=r"accepted forms|consecutive"):
        period_end(bad)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)))
def test_a_month_period_ends_within_that_month(day: dt.date) -> None:
    end = period_end(day.strftime("%Y-%m"))
    assert (end.year, end.month) == (day.year, day.month) and end >= day


def test_status_labels_and_parsing() -> None:
    assert [s.label for s in Status] == [
        "Not started", "On track", "At risk", "Off track", "Complete", "Closed"]
    assert Status.parse("on-track") is Status.ON_TRACK
    with pytest.raises(ValueError, match="unknown status 'Green'"):
        Status.parse("Green")


def test_overdue_only_when_past_due_and_not_finished() -> None:
    due, as_at = D(2023, 7, 31), D(2023, 8, 1)
    assert is_overdue(due, Status.ON_TRACK, as_at)
    assert not is_overdue(due, Status.COMPLETE, as_at)
    assert not is_overdue(due, Status.CLOSED, as_at)
    assert not is_overdue(due, Status.NOT_STARTED, due)
    assert not is_overdue(None, Status.NOT_STARTED, as_at)


def _update(day: int, status: Status, withdrawn: bool = False) -> UpdateFact:
    return UpdateFact(D(2023, 6, day), dt.datetime(2023, 6, 28, 12), status, withdrawn)


def test_status_as_at_uses_updates_reported_by_then_and_ignores_withdrawn() -> None:
    updates = [
        _update(1, Status.ON_TRACK), _update(10, Status.AT_RISK),
        _update(20, Status.COMPLETE, withdrawn=True),
    ]
    assert status_as_at([], D(2023, 6, 30)) is Status.NOT_STARTED
    assert status_as_at(updates, D(2023, 5, 31)) is Status.NOT_STARTED
    assert status_as_at(updates, D(2023, 6, 5)) is Status.ON_TRACK
    assert status_as_at(updates) is Status.AT_RISK


def test_latest_value_as_at_uses_periods_ended_by_then() -> None:
    values = [ValueFact("2023-04", D(2023, 4, 30), 19), ValueFact("Q2 2023/24", D(2023, 9, 30), 21)]
    assert [v.value for v in values_as_at(values, D(2023, 8, 1))] == [19]
    assert [v.value for v in values_as_at(values)] == [19, 21]


@pytest.mark.parametrize("text", ["0-3 Months", "0–3 months", "0 - 3 MONTHS", "0—3"])
def test_timeframes_in_any_case_with_hyphen_or_dash(text: str) -> None:
    assert Timeframe.parse(text) is Timeframe.MONTHS_0_3


def test_unknown_timeframe_says_what_is_expected() -> None:
    with pytest.raises(ValueError, match="0–3 months, 3–6 months"):
        Timeframe.parse("next year")


@pytest.mark.parametrize(("written", "shown"), [
    ("2023-04", "Apr 2023"), ("2023-04-30", "30 Apr 2023"), ("Q2 2023/24", "Q2 2023/24"),
    ("2023/24", "2023/24"), ("2023", "2023"), ("2018-20", "2018-20"), ("2023-13", "2023-13"),
])
def test_periods_are_shown_in_words_like_the_dates_beside_them(written: str, shown: str) -> None:
    from perfdesk.domain.periods import period_label

    assert period_label(written) == shown
