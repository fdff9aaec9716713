"""A list of actions as CSV (docs/csv-format.md), for whoever wants the list
in another tool. Every cell that a spreadsheet would take for a formula is
prefixed with an apostrophe, as OWASP advises against CSV injection."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from perfdesk.domain.action_view import ActionRow
from perfdesk.files import write_atomically

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADERS = ("Ref", "Priority", "Timeframe", "Status", "Action", "Lead(s)", "By when",
           "Due date", "Overdue", "Latest update on", "Latest update")


def csv_safe(text: str) -> str:
    """The text as a cell no spreadsheet will run: `'` before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def action_csv_rows(rows: Sequence[ActionRow]) -> list[list[str]]:
    def date(value: dt.date | None) -> str:
        return value.isoformat() if value is not None else ""

    return [[
        r.ref, r.priority_ref, r.timeframe or "", r.status.label, r.text, "; ".join(r.leads),
        r.by_when, date(r.due_date), "yes" if r.overdue else "", date(r.latest_on),
        r.latest_text,
    ] for r in rows]


def write_actions_csv(rows: Sequence[ActionRow], out: Path) -> Path:
    """UTF-8 with a byte-order mark (so Excel reads the accents), comma
    separated, every value quoted as needed and made safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for values in action_csv_rows(rows):
        writer.writerow([csv_safe(v) for v in values])
    data = buffer.getvalue().encode("utf-8-sig")
    write_atomically(out, lambda handle: handle.write(data))
    return out
