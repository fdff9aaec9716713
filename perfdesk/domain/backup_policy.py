"""Which backups to keep: recent ones densely, older ones sparsely.

Every backup taken today is kept; then the newest of each of the previous
`days` days; then the newest of each ISO week for `weeks` weeks before those
days; then the newest of each calendar month before those weeks (every month
when `months` is None, else that many). The newest backup overall is always
kept, however old. Pure: it decides, the store deletes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class KeepPolicy:
    """How many backups to keep: one a day for `days`, one a week for
    `weeks`, one a month for `months` (None: every month)."""

    days: int = 14
    weeks: int = 8
    months: int | None = None

    def __post_init__(self) -> None:
        if self.days < 0 or self.weeks < 0 or (self.months is not None and self.months < 0):
            raise ValueError("days, weeks and months cannot be negative")

    def describe(self) -> str:
        months = "every month before that" if self.months is None else (
            f"one a month for {self.months} month{'s' if self.months != 1 else ''}")
        return (f"every backup of today, one a day for {self.days} day"
                f"{'s' if self.days != 1 else ''}, one a week for {self.weeks} week"
                f"{'s' if self.weeks != 1 else ''}, {months}")


def backups_to_keep(
    taken: Sequence[dt.datetime],
    now: dt.datetime,
    *,
    days: int = 14,
    weeks: int = 8,
    months: int | None = None,
) -> set[dt.datetime]:
    """The times (out of `taken`) whose backups the policy keeps."""
    if days < 0 or weeks < 0 or (months is not None and months < 0):
        raise ValueError("days, weeks and months cannot be negative")
    if not taken:
        return set()
    today = now.date()
    # Each window covers the dates before the previous one: contiguous, newest first.
    days_start = today - dt.timedelta(days=days)
    last_week = _monday(days_start - dt.timedelta(days=1))
    weeks_start = last_week - dt.timedelta(weeks=weeks - 1) if weeks else days_start
    last_month = _month(weeks_start - dt.timedelta(days=1))

    keep = {max(taken)}
    keep.update(t for t in taken if t.date() >= today)  # today's (and any clock-skewed ones)
    keep |= _newest_per(
        (t for t in taken if days_start <= t.date() < today), lambda t: t.date())
    keep |= _newest_per(
        (t for t in taken if weeks_start <= t.date() < days_start), lambda t: _monday(t.date()))
    older = [t for t in taken if t.date() < weeks_start]
    if months is not None:
        first_month = _months_before(last_month, months - 1) if months else None
        older = [t for t in older if first_month is not None and _month(t.date()) >= first_month]
    keep |= _newest_per(older, lambda t: _month(t.date()))
    return keep


def _newest_per(
    times: Iterable[dt.datetime], key: Callable[[dt.datetime], Hashable]
) -> set[dt.datetime]:
    newest: dict[Hashable, dt.datetime] = {}
    for t in times:
        k = key(t)
        if k not in newest or t > newest[k]:
            newest[k] = t
    return set(newest.values())


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _month(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _months_before(month: tuple[int, int], count: int) -> tuple[int, int]:
    index = month[0] * 12 + (month[1] - 1) - count
    return index // 12, index % 12 + 1
