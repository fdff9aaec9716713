"""The plan workbook format: sheet and column names, widths, and the value
conventions shared by the writer and the reader (docs/workbook-format.md).

This module is the single definition of the format; the writer and the reader
both take every sheet and column name from here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from perfdesk.domain.measures import Unit
from perfdesk.domain.text import split_names


@dataclass(frozen=True)
class Column:
    """One column of a sheet. A required column must be in the header row."""

    name: str
    width: int = 14
    wrap: bool = False
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = False  # the workbook must have this sheet


def _columns(namespace: type) -> tuple[Column, ...]:
    """The Column attributes of a namespace class, in the order written."""
    return tuple(v for v in vars(namespace).values() if isinstance(v, Column))


def header_key(text: str) -> str:
    """Headers (and sheet names, field names) match ignoring case and spacing."""
    return " ".join(str(text).split()).casefold()


# --- Plan: a Field | Value list ---------------------------------------------


class PlanCol:
    FIELD = Column("Field", 20, required=True)
    VALUE = Column("Value", 70, wrap=True, required=True)


class PlanField:
    TITLE = "Title"
    SHORT_NAME = "Short name"
    ORGANISATION = "Organisation"
    PERIOD_START = "Period start"
    PERIOD_END = "Period end"
    BOARD = "Board"
    MARKING = "Marking"
    STATE = "State"
    DESCRIPTION = "Description"
    ALL = (
        TITLE, SHORT_NAME, ORGANISATION, PERIOD_START, PERIOD_END,
        BOARD, MARKING, STATE, DESCRIPTION,
    )  # fmt: skip


PLAN = Sheet("Plan", _columns(PlanCol), required=True)
PLAN_STATES = ("Draft", "Approved")


# --- Tables ----------------------------------------------------------------


class PriorityCol:
    REF = Column("Ref", 8, required=True)
    TITLE = Column("Title", 30, wrap=True, required=True)
    KIND = Column("Kind", 10)
    STATEMENT = Column("Statement", 50, wrap=True)
    NEEDS_IMPROVEMENT = Column("What needs improvement", 50, wrap=True)


PRIORITIES = Sheet("Priorities", _columns(PriorityCol))
PRIORITY_KINDS = ("Priority", "Theme")


class OutcomeCol:
    PRIORITY = Column("Priority", 10)
    STATEMENT = Column("Statement", 70, wrap=True, required=True)


OUTCOMES = Sheet("Outcomes", _columns(OutcomeCol))


class ActionCol:
    REF = Column("Ref", 8, required=True)
    PRIORITY = Column("Priority", 10)
    TIMEFRAME = Column("Timeframe", 13)
    SUCCESS_CRITERIA = Column("Success criteria", 40, wrap=True)
    ACTION = Column("Action", 50, wrap=True)
    BY_WHEN = Column("By when", 18, wrap=True)
    DUE_DATE = Column("Due date", 12)
    ORIGINAL_DUE_DATE = Column("Original due date", 12)
    LEADS = Column("Leads", 22, wrap=True)
    MEASURE_OF_SUCCESS = Column("Measure of success", 35, wrap=True)
    IMPACT = Column("Impact", 35, wrap=True)
    STATUS = Column("Status", 12)
    LATEST_UPDATE = Column("Latest update", 50, wrap=True)
    UPDATE_DATE = Column("Update date", 12)
    NEXT_STEPS = Column("Next steps", 40, wrap=True)
    DUE_DATE_REASON = Column("Due date reason", 30, wrap=True)
    UPDATE_BY = Column("Update by", 18)


ACTIONS = Sheet("Actions", _columns(ActionCol), required=True)


class StepCol:
    ACTION_REF = Column("Action ref", 10, required=True)
    STEP = Column("Step", 60, wrap=True, required=True)
    TIMESCALE = Column("Timescale", 18, wrap=True)
    DONE = Column("Done", 8)


STEPS = Sheet("Steps", _columns(StepCol))


class MeasureCol:
    REF = Column("Ref", 8, required=True)
    PRIORITY = Column("Priority", 10)
    AREA = Column("Area", 18, wrap=True)
    INDICATOR = Column("Indicator", 45, wrap=True, required=True)
    UNIT = Column("Unit", 11)
    POLARITY = Column("Polarity", 17)
    FREQUENCY = Column("Frequency", 11)
    BASELINE = Column("Baseline", 11)
    BASELINE_DATE = Column("Baseline date", 12)
    TARGET = Column("Target", 11)
    TARGET_DATE = Column("Target date", 12)
    TOLERANCE = Column("Tolerance", 10)
    DEFINITION = Column("Definition", 40, wrap=True)
    SOURCE = Column("Source", 25, wrap=True)
    OWNER = Column("Owner", 20)
    ACTIONS = Column("Actions", 14, wrap=True)
    BASELINE_AS_PUBLISHED = Column("Baseline as published", 20, wrap=True)
    TARGET_AS_PUBLISHED = Column("Target as published", 20, wrap=True)


MEASURES = Sheet("Measures", _columns(MeasureCol))


class ValueCol:
    MEASURE_REF = Column("Measure ref", 11, required=True)
    PERIOD = Column("Period", 13, required=True)
    VALUE = Column("Value", 11)
    NUMERATOR = Column("Numerator", 11)
    DENOMINATOR = Column("Denominator", 12)
    NOTE = Column("Note", 40, wrap=True)
    ENTERED_BY = Column("Entered by", 18)


VALUES = Sheet("Values", _columns(ValueCol))


class BenchmarkCol:
    MEASURE_REF = Column("Measure ref", 11, required=True)
    PERIOD = Column("Period", 13, required=True)
    COMPARATOR = Column("Comparator", 30, wrap=True, required=True)
    VALUE = Column("Value", 11)


BENCHMARKS = Sheet("Benchmarks", _columns(BenchmarkCol))

SHEETS: tuple[Sheet, ...] = (
    PLAN,
    PRIORITIES,
    OUTCOMES,
    ACTIONS,
    STEPS,
    MEASURES,
    VALUES,
    BENCHMARKS,
)


# --- Values ----------------------------------------------------------------

DATE_FORMAT = "yyyy-mm-dd"
FIRST_EXCEL_DATE = dt.date(1900, 3, 1)  # earlier dates are written as ISO text
YES, NO = "Yes", "No"
NOT_STARTED_LABEL = "Not started"
NAME_SEPARATOR = "; "

_CRLF = re.compile(r"\r+\n")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NOT_XML_SAFE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NUMBER = re.compile(
    r"([+-]?)£?((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*%?"
)


def clean_text(text: str) -> str:
    """Text as kept: line endings as "\\n", surrounding spaces and line breaks
    removed. A leading tab or carriage return is kept, so that such text (which
    spreadsheets may treat as a formula) reads back exactly as written."""
    text = _CRLF.sub("\n", text).rstrip()
    start = 0
    while start < len(text) and text[start].isspace() and text[start] not in "\t\r":
        start += 1
    return text[start:]


def escape_cell_text(text: str) -> str:
    """OOXML escaping ("_x000D_") for characters XML cannot carry as they are:
    carriage returns and control characters. Lossless with unescape_cell_text."""
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _NOT_XML_SAFE.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


def unescape_cell_text(text: str) -> str:
    def _char(m: re.Match[str]) -> str:
        code = int(m[1], 16)
        return m[0] if 0xD800 <= code <= 0xDFFF else chr(code)

    return _ESCAPED.sub(_char, text) if "_x" in text else text


def number_literal(value: float) -> str:
    """A number as written into the file, with every digit kept (openpyxl on
    its own keeps only 16 significant digits)."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def format_number(value: float, unit: Unit | None = None) -> str:
    """A number the way a person writes it: "392", "42.6", "19%" for a percentage."""
    if float(value).is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(float(value))
    return f"{text}%" if unit is Unit.PERCENT else text


def number_from_text(text: str) -> float | None:
    """The number in text that is just a number ("1,234", "-4.5", "47%"), else None."""
    m = _NUMBER.fullmatch(text.strip())
    if m is None or not any(ch.isdigit() for ch in m[2]):
        return None
    return float(m[1] + m[2].replace(",", ""))


def join_names(names: list[str]) -> str:
    """Names joined by "; ", each name split first so that it reads back the same."""
    return NAME_SEPARATOR.join(part for name in names for part in split_names(name))


def split_lines(text: str) -> list[str]:
    """Points written one a line, blank lines dropped."""
    return [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]


def join_lines(points: list[str]) -> str:
    return "\n".join(line for point in points for line in split_lines(point))
