"""Finding actions: the filter rules the plan tab applies to every row."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from perfdesk.domain.action_view import ActionFilter, ActionRow, search_key
from perfdesk.domain.status import Status

TODAY = dt.date(2023, 10, 2)


def row(ref: str = "1.1", *, status: Status = Status.ON_TRACK, leads: tuple[str, ...] = ("a",),
        due: dt.date | None = dt.date(2023, 7, 31), original: dt.date | None = None,
        latest: dt.date | None = dt.date(2023, 9, 20), text: str = "Publish the strategy",
        timeframe: str | None = "0–3 months") -> ActionRow:
    return ActionRow(
        id=ref, plan_id="p", ref=ref, text=text, priority_id="pr", priority_ref="1",
        timeframe=timeframe, lead_ids=leads, leads=tuple(f"Lead {x}" for x in leads),
        by_when="July 2023", due_date=due, original_due_date=original or due, status=status,
        latest_on=latest, latest_text="", overdue=bool(due and due < TODAY
                                                       and not status.is_finished),
        order=0, search_key=search_key(ref, text, *(f"Lead {x}" for x in leads)),
    )


def test_words_match_in_any_order_and_case() -> None:
    assert ActionFilter(text="STRATEGY publish", today=TODAY).matches(row())
    assert not ActionFilter(text="strategy audit", today=TODAY).matches(row())


def test_a_revised_due_date_is_slipped() -> None:
    slipped = row(due=dt.date(2023, 12, 31), original=dt.date(2023, 7, 31))
    assert ActionFilter(slipped=True, today=TODAY).matches(slipped)
    assert not ActionFilter(slipped=True, today=TODAY).matches(row())


def test_stale_means_open_with_no_update_for_n_days() -> None:
    stale = ActionFilter(stale_days=30, today=TODAY)
    assert stale.matches(row(latest=dt.date(2023, 8, 1)))
    assert stale.matches(row(latest=None))
    assert not stale.matches(row(latest=dt.date(2023, 9, 20)))
    assert not stale.matches(row(latest=None, status=Status.COMPLETE))


def test_my_actions_are_those_led_by_a_role_i_hold() -> None:
    mine = ActionFilter(mine=frozenset({"b"}), today=TODAY)
    assert mine.matches(row(leads=("a", "b")))
    assert not mine.matches(row(leads=("a",)))


def test_filters_combine() -> None:
    f = ActionFilter(statuses=frozenset({Status.OFF_TRACK}), overdue=True,
                     timeframes=frozenset({"0–3 months"}), today=TODAY)
    assert f.matches(row(status=Status.OFF_TRACK))
    assert not f.matches(row(status=Status.OFF_TRACK, due=dt.date(2024, 1, 1)))
    assert not f.matches(row(status=Status.OFF_TRACK, timeframe=None))
    assert not f.matches(row(status=Status.AT_RISK))


words = st.text(alphabet="abcde ", max_size=8)


@given(words, words, st.lists(words, min_size=1, max_size=20))
def test_typing_more_only_narrows_what_is_shown(first: str, more: str, texts) -> None:
    """The model filters only the rows already shown when the user types
    more; that is only right if every row the longer text matches, the
    shorter one matched too."""
    shorter = ActionFilter(text=first, today=TODAY)
    longer = ActionFilter(text=first + more, today=TODAY)
    assert longer.narrows(shorter)
    rows = [row(str(i), text=t) for i, t in enumerate(texts)]
    assert {r.ref for r in rows if longer.matches(r)} <= {r.ref for r in rows if shorter.matches(r)}
