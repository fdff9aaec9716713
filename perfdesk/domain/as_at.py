"""Where things stood on a given date, computed from the recorded history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from perfdesk.domain.status import Status


@dataclass(frozen=True)
class UpdateFact:
    reported_on: dt.date
    recorded_at: dt.datetime
    status: Status
    withdrawn: bool = False


@dataclass(frozen=True)
class ValueFact:
    period: str
    period_end: dt.date
    value: float | None


def latest_update(
    updates: Iterable[UpdateFact], as_at: dt.date | None = None
) -> UpdateFact | None:
    """The latest update that counts (not withdrawn), reported on or before
    `as_at` when given."""
    counting = [
        u for u in updates if not u.withdrawn and (as_at is None or u.reported_on <= as_at)
    ]
    return max(counting, key=lambda u: (u.reported_on, u.recorded_at), default=None)


def status_as_at(updates: Iterable[UpdateFact], as_at: dt.date | None = None) -> Status:
    """An action's status: that of its latest counting update, Not started
    when it has none."""
    latest = latest_update(updates, as_at)
    return latest.status if latest else Status.NOT_STARTED


def values_as_at(values: Iterable[ValueFact], as_at: dt.date | None = None) -> Sequence[ValueFact]:
    """Values with a number, in period order, from periods ending on or
    before `as_at` when given."""
    kept = [
        v for v in values if v.value is not None and (as_at is None or v.period_end <= as_at)
    ]
    return sorted(kept, key=lambda v: v.period_end)
