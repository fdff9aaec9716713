"""Write a plan to an .xlsx workbook in the exchange format (docs/workbook-format.md)."""

from __future__ import annotations

import datetime as dt
import logging
import math
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfdesk.domain.dates import parse_by_when
from perfdesk.domain.measures import Unit
from perfdesk.domain.plan_document import ActionDoc, MeasureDoc, PlanDocument, PlanInfo
from perfdesk.files import write_atomically
from perfdesk.services.workbook.layout import (
    ACTIONS,
    BENCHMARKS,
    DATE_FORMAT,
    FIRST_EXCEL_DATE,
    MEASURES,
    NO,
    NOT_STARTED_LABEL,
    OUTCOMES,
    PLAN,
    PRIORITIES,
    STEPS,
    VALUES,
    YES,
    PlanField,
    Sheet,
    clean_text,
    escape_cell_text,
    format_number,
    join_lines,
    join_names,
    number_from_text,
    number_literal,
)

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook

log = logging.getLogger(__name__)

Cells = list[Any]


def write_workbook(doc: PlanDocument, path: Path) -> None:
    """Write the plan to path, replacing any file there only once the new one
    is complete (a temporary file in the same folder, then os.replace)."""
    from openpyxl import Workbook

    wb = Workbook()
    if wb.active is not None:  # a new workbook's one empty sheet
        wb.remove(wb.active)
    _add_sheet(wb, PLAN, _plan_rows(doc.plan))
    _add_sheet(wb, PRIORITIES, [
        [p.ref, p.title, p.kind, p.statement, join_lines(p.needs_improvement)]
        for p in doc.priorities
    ])  # fmt: skip
    _add_sheet(wb, OUTCOMES, [[o.priority_ref, o.statement] for o in doc.outcomes])
    _add_sheet(wb, ACTIONS, [_action_row(a) for a in doc.actions])
    _add_sheet(wb, STEPS, [
        [a.ref, s.text, s.timescale, YES if s.done else NO] for a in doc.actions for s in a.steps
    ])  # fmt: skip
    _add_sheet(wb, MEASURES, [_measure_row(m) for m in doc.measures])
    _add_sheet(wb, VALUES, [
        [m.ref, v.period, v.value, v.numerator, v.denominator, v.note, v.author]
        for m in doc.measures for v in m.values
    ])  # fmt: skip
    _add_sheet(wb, BENCHMARKS, [
        [m.ref, b.period, b.comparator, b.value] for m in doc.measures for b in m.benchmarks
    ])  # fmt: skip
    write_atomically(path, wb.save, when_busy="If the file is open in Excel, close it")
    log.info("wrote plan %r to %s", doc.plan.short_name, path)


def _plan_rows(plan: PlanInfo) -> list[Cells]:
    values = {
        PlanField.TITLE: plan.title,
        PlanField.SHORT_NAME: plan.short_name,
        PlanField.ORGANISATION: plan.organisation,
        PlanField.PERIOD_START: plan.period_start,
        PlanField.PERIOD_END: plan.period_end,
        PlanField.BOARD: plan.board,
        PlanField.MARKING: plan.marking,
        PlanField.STATE: plan.state,
        PlanField.DESCRIPTION: plan.description,
    }
    return [[name, values[name]] for name in PlanField.ALL]


def _action_row(a: ActionDoc) -> Cells:
    # A blank due date reads back as the date in "By when", so write that date:
    # writing what was read gives the same workbook again.
    due = a.due_date or parse_by_when(a.by_when)
    update = a.latest_update
    return [
        a.ref, a.priority_ref, a.timeframe, a.success_criteria, a.text, a.by_when,
        due, a.original_due_date or due, join_names(a.leads), a.measure_of_success, a.impact,
        update.status.label if update else NOT_STARTED_LABEL,
        update.done_text if update else "",
        update.reported_on if update else None,
        update.next_steps if update else "",
        a.due_date_reason,
        update.author if update else "",
    ]  # fmt: skip


def _published(number: float | None, text: str, unit: Unit) -> tuple[Any, str]:
    """The Baseline/Target cell and its "as published" text. The cell holds the
    number, else the published text unless that text reads as a number (it
    would then come back as one)."""
    if number is not None:
        return number, text or format_number(number, unit)
    return ("" if number_from_text(text) is not None else text), text


def _measure_row(m: MeasureDoc) -> Cells:
    baseline, baseline_text = _published(m.baseline, m.baseline_text, m.unit)
    target, target_text = _published(m.target, m.target_text, m.unit)
    return [
        m.ref, m.priority_ref, m.area, m.indicator, m.unit, m.polarity, m.frequency,
        baseline, m.baseline_date, target, m.target_date, m.tolerance,
        m.definition, m.source, m.owner, join_names(m.actions), baseline_text, target_text,
    ]  # fmt: skip


def _add_sheet(wb: Workbook, sheet: Sheet, rows: list[Cells]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet.name)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for col, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=col, value=column.name)
        cell.font = bold
        ws.column_dimensions[get_column_letter(col)].width = column.width
    for r, values in enumerate(rows, start=2):
        for col, (column, value) in enumerate(zip(sheet.columns, values, strict=True), start=1):
            cell = ws.cell(row=r, column=col)
            put_cell(cell, value)
            cell.alignment = wrap if column.wrap else top
    ws.freeze_panes = "A2"
    if sheet is not PLAN:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(len(rows) + 1, 2)}"


def put_cell(cell: Cell, value: Any) -> None:
    """One value into a cell: text always as text (never a formula), dates as
    real dates, numbers with every digit."""
    if isinstance(value, Enum):
        value = value.value
    if value is None:
        return
    if isinstance(value, str):
        text = clean_text(value)
        if text:
            cell.value = escape_cell_text(text)
            cell.data_type = "s"  # "=..." must stay text, not become a formula
    elif isinstance(value, dt.date):
        if value < FIRST_EXCEL_DATE:  # Excel's calendar starts (reliably) here
            cell.value = value.isoformat()
            cell.data_type = "s"
        else:
            cell.value = value
            cell.number_format = DATE_FORMAT
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            log.warning("cell %s: %r is not a number Excel can hold; left blank", cell, value)
            return
        cell.value = number_literal(value)
        cell.data_type = "n"
    else:
        raise TypeError(f"cannot write {value!r} to a workbook cell")


