"""The one place PerfDesk reads the real clock.

Rules, services and the store never ask the system for the time: they take
`today` or `now` from their caller, or a `Clock` handed to them (a
`Database` carries one). Only the edges - the window and the command line -
start from `system_clock`; tests pass `fixed_clock(...)` instead, so every
test passes on any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]  # local wall-clock time, naive


def system_clock() -> dt.datetime:
    return dt.datetime.now()


def fixed_clock(at: dt.datetime | dt.date) -> Clock:
    """A clock stopped at `at` (a date means its midnight)."""
    moment = at if isinstance(at, dt.datetime) else dt.datetime.combine(at, dt.time())
    return lambda: moment
