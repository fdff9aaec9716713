"""Reporting periods of measure values, kept as written.

Accepted forms (each gets a period end date, used for ordering and "as at"):

====================  ===================================  ==============
Form                  Example                              Period ends
====================  ===================================  ==============
Day                   2023-09-30, 30/09/2023               that day
Month                 2023-09, Sep 2023, September 2023    last day of month
UK financial quarter  Q2 2023/24 (Q1 = April–June)         2023-09-30
UK financial year     2023/24, 2023/2024                   2024-03-31
Calendar year         2023                                 2023-12-31
Range of years        2018-20, 2018-2020                   2020-12-31
====================  ===================================  ==============

"2010-11" is read as November 2010 (a month); write a span of years as
2010-2011, or 2010/11 for a financial year.
"""

from __future__ import annotations

import datetime as dt
import re

from perfdesk.domain.dates import MONTHS, month_end

ACCEPTED_FORMS = (
    "YYYY-MM-DD",
    "DD/MM/YYYY",
    "YYYY-MM",
    "Mon YYYY",
    "Qn YYYY/YY",
    "YYYY/YY",
    "YYYY",
    "YYYY-YY",
)


def _full_year(start: int, end_text: str) -> int:
    if len(end_text) == 4:
        return int(end_text)
    century = start - start % 100
    end = century + int(end_text)
    return end if end >= start else end + 100


def period_end(text: str) -> dt.date:
    """The last day of the period as written. Raises ValueError naming the
    accepted forms when the text is not one of them."""
    t = " ".join(str(text).split())
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", t)) and 1 <= int(m[2]) <= 12:
        return month_end(int(m[1]), int(m[2]))
    if (m := re.fullmatch(r"([A-Za-z]+)\.? (\d{4})", t)) and m[1].casefold() in MONTHS:
        return month_end(int(m[2]), MONTHS[m[1].casefold()])
    if m := re.fullmatch(r"Q([1-4]) (\d{4})/(\d{2}|\d{4})", t, re.IGNORECASE):
        start = int(m[2])
        if _full_year(start, m[3]) != start + 1:
            raise ValueError(f"period {text!r}: a financial year spans two consecutive years")
        quarter = int(m[1])
        return (
            month_end(start, 3 + 3 * quarter) if quarter < 4 else month_end(start + 1, 3)
        )
    if m := re.fullmatch(r"(\d{4})/(\d{2}|\d{4})", t):
        start = int(m[1])
        if _full_year(start, m[2]) != start + 1:
            raise ValueError(f"period {text!r}: a financial year spans two consecutive years")
        return dt.date(start + 1, 3, 31)
    if m := re.fullmatch(r"(\d{4})", t):
        return dt.date(int(m[1]), 12, 31)
    if m := re.fullmatch(r"(\d{4})-(\d{2}|\d{4})", t):
        start = int(m[1])
        end = int(m[2]) if len(m[2]) == 4 else start - start % 100 + int(m[2])
        if start < end <= start + 10:
            return dt.date(end, 12, 31)
    raise ValueError(
        f"period {text!r} is not one of the accepted forms: " + ", ".join(ACCEPTED_FORMS)
    )


def period_label(text: str) -> str:
    """A period as people read it beside dates written in words: "2023-04"
    is "Apr 2023" and "2023-04-30" is "30 Apr 2023"; every other form is
    already words or a year, and is shown as written."""
    t = " ".join(str(text).split())
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", t)) and 1 <= int(m[2]) <= 12:
        return f"{dt.date(int(m[1]), int(m[2]), 1):%b %Y}"
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return t
        return f"{day.day} {day:%b %Y}"
    return t
