"""Every "by when" form in the Devon plans gives the due date a board expects."""

import datetime as dt

import pytest

from perfdesk.domain.dates import dates_in, parse_by_when, parse_date
from perfdesk.services.plans.demo import demo_documents

D = dt.date


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("In place from April 2023", D(2023, 4, 30)),
        ("July 2023", D(2023, 7, 31)),
        ("Appointed by May 2023", D(2023, 5, 31)),
        ("Appointed by April 2023", D(2023, 4, 30)),
        ("March 2024 – ongoing work throughout the year to create sustainable change",
         D(2024, 3, 31)),
        ("June 2023\nSeptember 2023", D(2023, 9, 30)),
        ("20 April 2023", D(2023, 4, 20)),
        ("Immediate actions completed by 19 June 2023 Plan finalised by 19 June 2023",
         D(2023, 6, 19)),
        ("Immediate actions completed by 19 June 2023\nPlan finalised by 19 June 2023",
         D(2023, 6, 19)),
        ("18 May 2023 Learning and Development Strategy finalised by 12 June 2023",
         D(2023, 6, 12)),
        ("Development Plan by 19 June 2023", D(2023, 6, 19)),
        ("April 2024", D(2024, 4, 30)),
        ("5 May 2023", D(2023, 5, 5)),
        ("February 2024", D(2024, 2, 29)),
        ("2023-09-30", D(2023, 9, 30)),
        ("30/09/2023", D(2023, 9, 30)),
    ],
)
def test_by_when_gives_the_due_date(text: str, due: dt.date) -> None:
    assert parse_by_when(text) == due


@pytest.mark.parametrize("text", ["", "   ", None, "ongoing", "TBC", "31 June 2023"])
def test_text_without_a_date_keeps_no_date_and_never_fails(text: str | None) -> None:
    assert parse_by_when(text) is None


def test_two_dates_in_one_cell_are_both_found_in_order() -> None:
    assert dates_in("June 2023 and September 2023") == [D(2023, 6, 30), D(2023, 9, 30)]


def test_every_demo_action_with_a_by_when_gets_a_due_date() -> None:
    undated = [
        (doc.plan.short_name, a.ref, a.by_when)
        for doc in demo_documents() for a in doc.actions
        if a.by_when.strip() and parse_by_when(a.by_when) is None
    ]
    assert undated == []


def test_typed_dates_accept_iso_and_uk_forms() -> None:
    assert parse_date("2024-03-31") == parse_date("31/03/2024") == D(2024, 3, 31)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("03/31/2024x")
