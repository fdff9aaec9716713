"""Changes to a measure: its figures period by period (typed, or pasted from
Excel), benchmarks, owner and definition fields. Each function works inside
the caller's write session, so one call is one transaction and one undoable
edit; rows are changed through the ORM so every field lands in the history.

Periods are stored in one canonical form per frequency, so the same period
typed two ways ("Sep 2023", "2023-09") is one figure, not two:

=========  =================================  ===============
Frequency  Accepted                           Stored as
=========  =================================  ===============
monthly    2023-09, Sep 2023, September 2023  2023-09
quarterly  Q2 2023/24 (Q1 = April–June)       Q2 2023/24
annual     2023/24, 2023/2024; or 2023        2023/24; 2023
=========  =================================  ===============

Linking measures to actions (the golden thread) is in `measure_links`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from perfdesk.domain.dates import MONTHS, parse_date
from perfdesk.domain.measures import Frequency, Polarity, Unit, parse_enum
from perfdesk.domain.periods import period_end
from perfdesk.errors import Conflict, NotFound
from perfdesk.services.edit_guards import live_row, required_line
from perfdesk.store import queries
from perfdesk.store.schema import Benchmark, Change, Lead, Measure, MeasureValue, utc_now

# ---------------------------------------------------------------- periods

_FORMS = {
    Frequency.MONTHLY: "a monthly measure takes months written like 2023-09, Sep 2023 "
                       "or September 2023",
    Frequency.QUARTERLY: "a quarterly measure takes UK financial quarters written like "
                         "Q2 2023/24 (Q1 is April to June)",
    Frequency.ANNUAL: "an annual measure takes financial years written like 2023/24, "
                      "or calendar years like 2023",
}


def _fy_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _fy_start(start_text: str, end_text: str) -> int | None:
    """The first year of a financial year written start/end, if consecutive."""
    start = int(start_text)
    end = int(end_text) if len(end_text) == 4 else (start + 1) // 100 * 100 + int(end_text)
    return start if end == start + 1 else None


def _canonical(text: str, frequency: Frequency) -> str | None:
    t = " ".join(str(text).split())
    if frequency is Frequency.MONTHLY:
        if (m := re.fullmatch(r"(\d{4})-(\d{1,2})", t)) and 1 <= int(m[2]) <= 12:
            return f"{m[1]}-{int(m[2]):02d}"
        if (m := re.fullmatch(r"([A-Za-z]+)\.? (\d{4})", t)) and m[1].casefold() in MONTHS:
            return f"{m[2]}-{MONTHS[m[1].casefold()]:02d}"
    elif frequency is Frequency.QUARTERLY:
        m = re.fullmatch(r"Q\s?([1-4]) (\d{4})/(\d{2}|\d{4})", t, re.IGNORECASE)
        if m and (start := _fy_start(m[2], m[3])) is not None:
            return f"Q{m[1]} {_fy_label(start)}"
    else:
        if (m := re.fullmatch(r"(\d{4})/(\d{2}|\d{4})", t)) and (
            start := _fy_start(m[1], m[2])
        ) is not None:
            return _fy_label(start)
        if re.fullmatch(r"\d{4}", t):
            return t
    return None


def check_period(period: str, frequency: Frequency) -> tuple[str, dt.date]:
    """The canonical label of a period typed for a measure of this
    frequency, and the day it ends; Conflict saying what is accepted."""
    label = _canonical(period, frequency)
    try:
        if label is not None:
            return label, period_end(label)
    except ValueError:  # year 0 and the like
        pass
    raise Conflict(f"{str(period).strip()!r} is not a period PerfDesk can read: "
                   f"{_FORMS[frequency]}.")


def period_for(frequency: Frequency, day: dt.date) -> str:
    """The canonical label of the period of this frequency containing `day`."""
    fy = day.year if day.month >= 4 else day.year - 1
    if frequency is Frequency.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if frequency is Frequency.QUARTERLY:
        return f"Q{(day.month - 4) % 12 // 3 + 1} {_fy_label(fy)}"
    return _fy_label(fy)


def next_period(period: str, frequency: Frequency) -> str:
    """The period after `period` (any accepted form), in canonical form. A
    calendar year is followed by the next calendar year."""
    label, end = check_period(period, frequency)
    if re.fullmatch(r"\d{4}", label):
        return str(int(label) + 1)
    return period_for(frequency, end + dt.timedelta(days=1))


# ---------------------------------------------------------------- figures

_PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def parse_figure(text: str) -> float | None:
    """A figure as Excel shows it: "45%", "1,234", " 12.5 ", "£1,200",
    "(12)" or "−3". Blank is None; anything else is a Conflict."""
    t = str(text).strip().replace("\u00a0", " ").replace("\u2212", "-")
    if not t:
        return None
    negative = False
    if t.startswith("(") and t.endswith(")"):
        negative, t = True, t[1:-1].strip()
    if t[:1] in ("+", "-"):
        negative, t = negative != (t[0] == "-"), t[1:].strip()
    t = t.removeprefix("£").removesuffix("%").strip()
    if _PLAIN.fullmatch(t) or _GROUPED.fullmatch(t):
        number = float(t.replace(",", ""))
        return -number if negative else number
    raise Conflict(f"{str(text).strip()!r} is not a number.")


def computed_value(unit: Unit, numerator: float, denominator: float) -> float:
    """The value a numerator and denominator give in the measure's unit."""
    if denominator == 0:
        raise Conflict("The denominator is 0, so no rate can be worked out from it.")
    scale = {Unit.PERCENT: 100.0, Unit.PER_10000: 10_000.0}.get(unit, 1.0)
    return numerator / denominator * scale


def _finite(number: float | None, what: str) -> float | None:
    if number is None:
        return None
    if not math.isfinite(number):
        raise Conflict(f"{what} must be a number, not {number}.")
    return float(number)


def _agrees(typed: float, computed: float) -> bool:
    """Whether a typed value is the computed one, rounded as it was typed."""
    decimals = min(len(repr(float(typed)).partition(".")[2].rstrip("0")), 6)
    return abs(typed - computed) <= 0.5 * 10 ** -decimals + 1e-9


# ---------------------------------------------------------------- values

def measure(session: Session, measure_id: str) -> Measure:
    return live_row(session, Measure, measure_id, "measure")


def _frequency(row: Measure) -> Frequency:
    return row.frequency


def _assign(row: Any, **fields: Any) -> None:
    """Set only the fields that differ, so the history shows real changes."""
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _value_at(session: Session, row: Measure, label: str) -> MeasureValue | None:
    frequency = _frequency(row)
    for found in queries.live(session, MeasureValue, MeasureValue.measure_id == row.id):
        if found.period == label or _canonical(found.period, frequency) == label:
            return found
    return None


def set_value(
    session: Session, measure_id: str, period: str, *, value: float | None = None,
    numerator: float | None = None, denominator: float | None = None, note: str = "",
    author: str = "",
) -> MeasureValue:
    """The figure of one period, as given (a new row, or the period's row
    updated). With a numerator and denominator the value is worked out from
    them; a value given alone clears any old numerator and denominator."""
    row = measure(session, measure_id)
    label, end = check_period(period, _frequency(row))
    where = f"{row.ref} {label}"
    value, numerator, denominator = (
        _finite(value, f"{where}: the value"), _finite(numerator, f"{where}: the numerator"),
        _finite(denominator, f"{where}: the denominator"),
    )
    if (numerator is None) != (denominator is None):
        raise Conflict(f"{where}: give both the numerator and the denominator, or neither.")
    if numerator is not None and denominator is not None:
        computed = computed_value(row.unit, numerator, denominator)
        if value is not None and not _agrees(value, computed):
            raise Conflict(
                f"{where}: {numerator:g} / {denominator:g} gives {computed:.4g} "
                f"({row.unit.value}), not {value:g}. Correct one of them."
            )
        value = computed
    fields: dict[str, Any] = dict(value=value, numerator=numerator, denominator=denominator,
                  note=note.strip(), author=author or session.info.get("author", ""))
    found = _value_at(session, row, label)
    if found is None:
        found = MeasureValue(measure_id=row.id, period=label, period_end=end, **fields)
        session.add(found)
    else:
        _assign(found, period=label, period_end=end, **fields)
    return found


def delete_value(session: Session, value_id: str) -> None:
    found = session.get(MeasureValue, value_id)
    if found is None or found.deleted_at is not None:
        where = f" for {found.period}" if found is not None else ""
        raise NotFound(f"That figure{where} has already been deleted "
                       "(perhaps in another window).")
    found.deleted_at = utc_now()


def split_cells(text: str) -> list[str]:
    """Cells copied from Excel: one per line, or tab-separated on one line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":  # Excel ends a copied column with a newline
        lines.pop()
    return [cell for line in lines for cell in line.split("\t")]


def paste_values(
    session: Session, measure_id: str, first_period: str, cells: Sequence[str], author: str
) -> list[MeasureValue]:
    """Figures pasted from Excel into consecutive periods from `first_period`;
    a blank cell skips its period. Every cell is read before anything is
    stored, so one bad cell stores nothing."""
    row = measure(session, measure_id)
    frequency = _frequency(row)
    period, _ = check_period(first_period, frequency)
    flat = [c for cell in cells for c in (split_cells(cell) if "\t" in cell or "\n" in cell
                                           else [cell])]
    figures: list[tuple[str, float]] = []
    for line, cell in enumerate(flat, start=1):
        try:
            figure = parse_figure(cell)
        except Conflict:
            raise Conflict(
                f"Line {line} of the pasted figures, {cell.strip()!r}, is not a number "
                f"(for {row.ref} {period}); nothing was pasted."
            ) from None
        if figure is not None:
            figures.append((period, figure))
        period = next_period(period, frequency)
    stored = []
    for label, figure in figures:
        note = found.note if (found := _value_at(session, row, label)) else ""
        stored.append(set_value(session, row.id, label, value=figure, note=note, author=author))
    return stored


# ---------------------------------------------------------------- benchmarks

def _benchmark_period(period: str, frequency: Frequency) -> tuple[str, dt.date]:
    """A benchmark's period: the measure's own frequency first, but a
    published comparator may come yearly or quarterly instead."""
    others = [f for f in Frequency if f is not frequency]
    for candidate in (frequency, *others):
        if _canonical(period, candidate) is not None:
            return check_period(period, candidate)
    return check_period(period, frequency)


def set_benchmark(
    session: Session, measure_id: str, period: str, comparator: str, value: float | None
) -> Benchmark | None:
    """A comparator's figure for a period (England, statistical neighbours...).
    None deletes the figure; returns the row changed (None if there was none)."""
    row = measure(session, measure_id)
    label, end = _benchmark_period(period, _frequency(row))
    name = required_line(comparator, "A comparator's name")
    value = _finite(value, f"{row.ref} {name} {label}")
    found = next((b for b in queries.live(session, Benchmark, Benchmark.measure_id == row.id)
                  if b.period == label and b.comparator.casefold() == name.casefold()), None)
    if value is None:
        if found is not None:
            found.deleted_at = utc_now()
        return found
    if found is None:
        found = Benchmark(measure_id=row.id, period=label, period_end=end, comparator=name,
                          value=value)
        session.add(found)
    else:
        _assign(found, value=value)
    return found


def comparators(session: Session, measure_id: str) -> list[str]:
    """The comparators this measure has live figures for, by name."""
    rows = queries.live(session, Benchmark, Benchmark.measure_id == measure_id)
    return sorted({b.comparator for b in rows}, key=str.casefold)


# ---------------------------------------------------------------- the measure

TEXT_FIELDS = ("indicator", "area", "definition", "source", "baseline_text", "target_text")
NUMBER_FIELDS = ("baseline", "target", "tolerance")
DATE_FIELDS = ("baseline_date", "target_date")
ENUM_FIELDS: dict[str, type[Unit] | type[Polarity] | type[Frequency]] = {
    "unit": Unit, "polarity": Polarity, "frequency": Frequency,
}
FIELDS = TEXT_FIELDS + NUMBER_FIELDS + DATE_FIELDS + tuple(ENUM_FIELDS)


def set_owner(session: Session, measure_id: str, lead_id: str | None) -> Measure:
    """Who owns the measure (a lead), or nobody."""
    row = measure(session, measure_id)
    if lead_id is not None:
        lead = session.get(Lead, lead_id)
        if lead is None or lead.deleted_at is not None:
            raise NotFound(f"{row.ref}: that lead no longer exists "
                           "(merged or renamed in another window).")
    _assign(row, owner_id=lead_id)
    return row


def _field_value(row: Measure, field: str, value: Any) -> Any:
    what = f"{row.ref}'s {field.replace('_', ' ')}"
    if field in TEXT_FIELDS:
        text = "" if value is None else str(value)
        if field == "indicator":
            return required_line(text, f"{row.ref}'s indicator")
        return " ".join(text.split()) if field == "area" else text.strip()
    if field in NUMBER_FIELDS:
        number = value if value is None or isinstance(value, int | float) else parse_figure(value)
        if field == "tolerance" and number is not None and number < 0:
            raise Conflict(f"{what} cannot be negative: it is how far off target is Amber.")
        return _finite(number, what)
    if field in DATE_FIELDS:
        if isinstance(value, dt.datetime):
            return value.date()
        if value is None or isinstance(value, dt.date):
            return value
        if not str(value).strip():
            return None
        try:
            return parse_date(str(value))
        except ValueError as exc:
            raise Conflict(f"{what}: {exc}.") from None
    kind = ENUM_FIELDS[field]
    try:
        return parse_enum(kind, "" if value is None else str(getattr(value, "value", value)))
    except ValueError:
        options = ", ".join(str(m.value) for m in kind)
        raise Conflict(f"{what}: {value!r} is not one of {options}.") from None


def set_measure_field(session: Session, measure_id: str, field: str, value: Any) -> Measure:
    """One field of the measure, checked; unit, polarity and frequency are
    given as their members or their words ("%", "lower is better", "quarterly")."""
    if field not in FIELDS:
        raise ValueError(f"{field} is not a field of a measure that can be set")
    row = measure(session, measure_id)
    _assign(row, **{field: _field_value(row, field, value)})
    return row


def definition_history(
    session: Session, measure_id: str
) -> list[tuple[dt.datetime, str, str | None, str | None]]:
    """Each change of the measure's definition: (when, who, old, new), newest first."""
    changes = session.exec(
        select(Change).where(
            Change.table_name == Measure.__tablename__, Change.row_id == measure_id,
            Change.field == "definition", Change.kind == "update",
        ).order_by(col(Change.changed_at).desc(), col(Change.row_version).desc())
    ).all()
    return [(c.changed_at, c.author, c.old_value, c.new_value) for c in changes]
