"""Lead returns (docs/returns-format.md): the format, shared with the writer,
and reading a filled-in return back. Forgiving about header case, spacing
and column order; refusing the whole file - every problem located by sheet,
row and column - when anything is wrong. Never returns part of a return."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from perfdesk.clock import system_clock
from perfdesk.domain.status import STATUS_LABELS, Status
from perfdesk.errors import Problem, ValidationFailed
from perfdesk.services.workbook.layout import Column, Sheet, header_key
from perfdesk.services.workbook.xlsx_safety import Row, find_sheet, open_xlsx, read_rows

log = logging.getLogger(__name__)


# --- The format ------------------------------------------------------------


class ReturnCol:
    FIELD = Column("Field", 18, required=True)
    VALUE = Column("Value", 60, wrap=True, required=True)


class ReturnField:
    PLANS = "Plans"
    LEAD = "Lead"
    EXPORTED_AT = "Exported at"
    DATABASE = "From database"
    ALL = (PLANS, LEAD, EXPORTED_AT, DATABASE)


class ActionCol:
    ID = Column("Id", 38, required=True)
    REF = Column("Ref", 8)
    PLAN = Column("Plan", 14)
    ACTION = Column("Action", 50, wrap=True)
    CURRENT_STATUS = Column("Current status", 13)
    LATEST_UPDATE = Column("Latest update", 40, wrap=True)
    NEW_STATUS = Column("New status", 13, required=True)
    WHAT_WAS_DONE = Column("What was done", 45, wrap=True, required=True)
    NEXT_STEPS = Column("Next steps", 35, wrap=True)
    DATE = Column("Date", 12)
    INPUT = (NEW_STATUS, WHAT_WAS_DONE, NEXT_STEPS, DATE)  # filled in by the lead


class MeasureCol:
    ID = Column("Id", 38, required=True)
    REF = Column("Ref", 8)
    INDICATOR = Column("Indicator", 50, wrap=True)
    UNIT = Column("Unit", 10)
    LATEST = Column("Latest", 10)
    LATEST_PERIOD = Column("Latest period", 13)
    PERIOD = Column("Period", 13, required=True)
    NEW_VALUE = Column("New value", 11, required=True)
    COMMENTARY = Column("Commentary", 45, wrap=True)
    INPUT = (PERIOD, NEW_VALUE, COMMENTARY)


def _columns(namespace: type) -> tuple[Column, ...]:
    return tuple(v for v in vars(namespace).values() if isinstance(v, Column))


RETURN = Sheet("Return", _columns(ReturnCol), required=True)
ACTIONS = Sheet("Actions", _columns(ActionCol), required=True)
MEASURES = Sheet("Measures", _columns(MeasureCol), required=True)
SHEETS = (RETURN, ACTIONS, MEASURES)
STATUS_CHOICES = STATUS_LABELS  # the New status drop-down, in this order
MAX_ROWS = 5_000  # filled-in rows a sheet may hold: one per action or measure of one lead


# --- What a return holds ---------------------------------------------------


@dataclass(frozen=True)
class ActionReturn:
    """One filled-in row of the Actions sheet: a progress update to add."""

    row: int  # as Excel numbers it
    action_id: str
    ref: str
    status: Status
    done: str
    next_steps: str
    reported_on: dt.date
    dated: bool  # False: the Date cell was blank, so reported_on is the import day


@dataclass(frozen=True)
class MeasureReturn:
    """One filled-in row of the Measures sheet: a figure for a period."""

    row: int
    measure_id: str
    ref: str
    period: str  # as written; checked against the measure's frequency on import
    value: float
    note: str


@dataclass(frozen=True)
class ReturnDoc:
    source: str  # the file name, for messages
    lead: str
    database_id: str
    exported_at: str
    plans: str
    actions: list[ActionReturn] = field(default_factory=list)
    measures: list[MeasureReturn] = field(default_factory=list)


# --- Reading ---------------------------------------------------------------


def read_return(path: Path, today: dt.date | None = None) -> ReturnDoc:
    """The filled-in rows of a return. A blank Date means `today` (the day of
    the import). Raises ValidationFailed listing every problem, or
    PerfDeskError when the file is not a workbook or is unsafe to open."""
    wb = open_xlsx(path, formulas_as_text=True)  # "=1+1" typed in is kept as typed
    problems: list[Problem] = []
    rows: dict[str, list[Row] | None] = {}
    for sheet in SHEETS:
        ws = find_sheet(wb, sheet.name)
        if ws is None:
            problems.append(Problem(sheet.name, f"the workbook has no {sheet.name} sheet"))
            rows[sheet.name] = None
        else:
            rows[sheet.name] = read_rows(ws, sheet, problems)
        if len(rows[sheet.name] or []) > MAX_ROWS:
            problems.append(Problem(sheet.name, (
                f"{len(rows[sheet.name] or []):,} rows are filled in, more than a return "
                f"can hold ({MAX_ROWS:,}): it has one row per action or measure of one "
                "lead. Check that this is the right file"
            )))  # fmt: skip
            rows[sheet.name] = None  # not read row by row
    fields = _fields(rows[RETURN.name], problems)
    day = today or system_clock().date()
    doc = ReturnDoc(
        source=path.name,
        lead=fields.get(header_key(ReturnField.LEAD), ""),
        database_id=fields.get(header_key(ReturnField.DATABASE), ""),
        exported_at=fields.get(header_key(ReturnField.EXPORTED_AT), ""),
        plans=fields.get(header_key(ReturnField.PLANS), ""),
        actions=[a for r in rows[ACTIONS.name] or [] if (a := _action(r, day)) is not None],
        measures=[m for r in rows[MEASURES.name] or [] if (m := _measure(r)) is not None],
    )
    if problems:
        log.info("refused return %s: %d problems", path, len(problems))
        raise ValidationFailed(path.name, problems)
    return doc


def _fields(rows: list[Row] | None, problems: list[Problem]) -> dict[str, str]:
    if rows is None:
        return {}
    fields: dict[str, str] = {}
    for row in rows:
        name = row.text(ReturnCol.FIELD)
        if name:
            fields.setdefault(header_key(name), row.text(ReturnCol.VALUE))
    for name in (ReturnField.LEAD, ReturnField.DATABASE):
        if not fields.get(header_key(name)):
            problems.append(Problem(RETURN.name, f"no {name!r} row: it is required"))
    return fields


def _action(row: Row, today: dt.date) -> ActionReturn | None:
    """The row's update, or None when the lead left it blank."""
    if not any(row.text(c) for c in ActionCol.INPUT):
        return None
    action_id = row.required_text(ActionCol.ID)
    status = row.parse(ActionCol.NEW_STATUS, Status.parse, None)
    if not row.text(ActionCol.NEW_STATUS):
        row.problem(ActionCol.NEW_STATUS, "choose a New status from the list for this update")
    done = row.text(ActionCol.WHAT_WAS_DONE)
    next_steps = row.text(ActionCol.NEXT_STEPS)
    if not done and not next_steps:
        row.problem(ActionCol.WHAT_WAS_DONE, "say what was done (or the next steps)")
    date = row.date(ActionCol.DATE)
    if status is None:
        return None
    return ActionReturn(
        row=row.row_number, action_id=action_id, ref=row.text(ActionCol.REF), status=status,
        done=done, next_steps=next_steps, reported_on=date or today, dated=date is not None,
    )


def _measure(row: Row) -> MeasureReturn | None:
    """The row's figure, or None when the lead left it blank."""
    if not any(row.text(c) for c in MeasureCol.INPUT):
        return None
    measure_id = row.required_text(MeasureCol.ID)
    period = row.period(MeasureCol.PERIOD)
    if not period:
        row.problem(MeasureCol.PERIOD, "say which period the new value is for")
    value = row.number(MeasureCol.NEW_VALUE, percent=True)
    if value is None and not row.text(MeasureCol.NEW_VALUE):
        row.problem(MeasureCol.NEW_VALUE, "New value is required when a Period or "
                                          "Commentary is given")
    if value is None:
        return None
    return MeasureReturn(
        row=row.row_number, measure_id=measure_id, ref=row.text(MeasureCol.REF),
        period=period, value=value, note=row.text(MeasureCol.COMMENTARY),
    )
