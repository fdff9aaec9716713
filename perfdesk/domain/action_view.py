"""One action as the lists show it, and the rules for finding actions.

A row carries a prepared lower-case search key, so filtering 20,000 rows is
plain string work with no database and no Qt involved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

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
    today: dt.date = field(kw_only=True)  # for "stale": given, never read from the clock here

    @property
    def is_empty(self) -> bool:
        return self == ActionFilter(today=self.today)

    def matches(self, row: ActionRow) -> bool:
        return self.predicate()(row)

    def predicate(self) -> Callable[[ActionRow], bool]:
        """A test for rows, with only the conditions in force: run 20,000
        times a keystroke, it does no work it does not need to."""
        checks: list[Callable[[ActionRow], bool]] = []
        words = self.text.casefold().split()
        if words:
            checks.append(lambda r: all(w in r.search_key for w in words))
        if self.lead_ids:
            checks.append(lambda r: not self.lead_ids.isdisjoint(r.lead_ids))
        if self.statuses:
            checks.append(lambda r: r.status in self.statuses)
        if self.timeframes:
            checks.append(lambda r: r.group in self.timeframes)
        if self.priority_ids:
            checks.append(lambda r: (r.priority_id or "") in self.priority_ids)
        if self.overdue:
            checks.append(lambda r: r.overdue)
        if self.slipped:
            checks.append(lambda r: r.slipped)
        if self.stale_days is not None:
            days = self.stale_days
            checks.append(lambda r: r.stale(self.today, days))
        if self.mine is not None:
            mine = self.mine
            checks.append(lambda r: not mine.isdisjoint(r.lead_ids))
        if not checks:
            return lambda _r: True
        if len(checks) == 1:
            return checks[0]
        return lambda r: all(check(r) for check in checks)

    def narrows(self, other: ActionFilter) -> bool:
        """Every row this filter passes, `other` passes too: only the search
        text changed, by typing more of it. Lets typing filter what is shown
        rather than every row."""
        return (
            replace(self, text="") == replace(other, text="")
            and self.text.casefold().startswith(other.text.casefold())
        )
