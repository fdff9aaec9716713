"""One action as the lists show it, and the rules for finding actions.

A row carries a prepared lower-case search key, so filtering 20,000 rows is
plain string work with no database and no Qt involved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from perfdesk.domain.status import Status
from perfdesk.domain.timeframe import Timeframe

NO_TIMEFRAME = "No timeframe"
GROUP_ORDER: tuple[str, ...] = (*(t.value for t in Timeframe), NO_TIMEFRAME)


@dataclass(frozen=True)
class ActionRow:
    id: str
    plan_id: str
    ref: str
    text: str
    priority_id: str | None
    priority_ref: str
    timeframe: str | None
    lead_ids: tuple[str, ...]
    leads: tuple[str, ...]
    by_when: str
    due_date: dt.date | None
    original_due_date: dt.date | None
    status: Status
    latest_on: dt.date | None
    latest_text: str
    overdue: bool
    order: int
    updates_text: str = ""
    search_key: str = field(default="", compare=False)

    @property
    def group(self) -> str:
        return self.timeframe or NO_TIMEFRAME

    @property
    def slipped(self) -> bool:
        """The due date has been revised since the plan was agreed."""
        return (
            self.original_due_date is not None
            and self.due_date is not None
            and self.due_date != self.original_due_date
        )

    def stale(self, today: dt.date, days: int) -> bool:
        """Open and not updated in the last `days` days."""
        if self.status.is_finished:
            return False
        return self.latest_on is None or (today - self.latest_on).days > days


def search_key(*parts: str) -> str:
    return "\n".join(parts).casefold()


@dataclass(frozen=True)
class ActionFilter:
    """What the user asked to see. Empty sets mean "any"."""

    text: str = ""
    lead_ids: frozenset[str] = frozenset()
    statuses: frozenset[Status] = frozenset()
    timeframes: frozenset[str] = frozenset()
    priority_ids: frozenset[str] = frozenset()
    overdue: bool = False
    slipped: bool = False
    stale_days: int | None = None
    mine: frozenset[str] | None = None  # "My actions": the lead roles the user holds
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def is_empty(self) -> bool:
        return self == ActionFilter(today=self.today)

    def matches(self, row: ActionRow) -> bool:
        words = self.text.casefold().split()
        return (
            all(w in row.search_key for w in words)
            and (not self.lead_ids or not self.lead_ids.isdisjoint(row.lead_ids))
            and (not self.statuses or row.status in self.statuses)
            and (not self.timeframes or row.group in self.timeframes)
            and (not self.priority_ids or (row.priority_id or "") in self.priority_ids)
            and (not self.overdue or row.overdue)
            and (not self.slipped or row.slipped)
            and (self.stale_days is None or row.stale(self.today, self.stale_days))
            and (self.mine is None or not self.mine.isdisjoint(row.lead_ids))
        )
