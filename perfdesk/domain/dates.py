"""Reading the "by when" cells of a plan into due dates.

Plans are written by people, so a "by when" is free text: "July 2023",
"Appointed by May 2023", "March 2024 – ongoing work...", two dates in one
cell. The rule: every date mentioned is found; the last one is the due date;
a month with no day means the last day of that month. Text with no date in it
keeps its text and gets no date - never an error.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].casefold()] = _number
    MONTHS[calendar.month_abbr[_number].casefold()] = _number
MONTHS["sept"] = 9

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_PATTERN = re.compile(
    rf"""
    (?P<iso>\b(?P<iy>\d{{4}})-(?P<im>\d{{1,2}})-(?P<id>\d{{1,2}})\b)
  | (?P<dmy>\b(?P<dd>\d{{1,2}})/(?P<dm>\d{{1,2}})/(?P<dy>\d{{4}})\b)
  | (?P<words>\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?
        (?P<month>{_MONTH_NAMES})\.?,?\s+(?P<year>\d{{4}})\b)
    """,
    re.IGNORECASE | re.VERBOSE,
)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _match_date(m: re.Match[str]) -> dt.date | None:
    try:
        if m.group("iso"):
            return dt.date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        if m.group("dmy"):
            return dt.date(int(m.group("dy")), int(m.group("dm")), int(m.group("dd")))
        year = int(m.group("year"))
        month = MONTHS[m.group("month").casefold()]
        if m.group("day"):
            return dt.date(year, month, int(m.group("day")))
        return month_end(year, month)
    except ValueError:  # 31 June and the like: not a date
        return None


def dates_in(text: str | None) -> list[dt.date]:
    """Every date mentioned in the text, in the order written."""
    if not text:
        return []
    found = (_match_date(m) for m in _DATE_PATTERN.finditer(text))
    return [d for d in found if d is not None]


def parse_by_when(text: str | None) -> dt.date | None:
    """The due date a "by when" cell gives: its last date, or None."""
    found = dates_in(text)
    return found[-1] if found else None


def parse_date(text: str) -> dt.date:
    """A date typed by a person: YYYY-MM-DD or DD/MM/YYYY. Raises ValueError."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD or DD/MM/YYYY)")


def nice_date(day: dt.date | None) -> str:
    """"3 Jul 2023": how dates read in lists (portable, no %-d)."""
    return f"{day.day} {day:%b %Y}" if day else ""
