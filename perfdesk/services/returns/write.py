"""Write lead returns (docs/returns-format.md): one workbook per head of
service listing their open actions and the measures they own, with blank
columns for their update, to send back and import."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from perfdesk.domain.text import name_key
from perfdesk.errors import NotFound
from perfdesk.files import write_atomically
from perfdesk.services.actions.rows import action_rows
from perfdesk.services.returns.read import (
    ACTIONS,
    MEASURES,
    RETURN,
    STATUS_CHOICES,
    ActionCol,
    ReturnField,
)
from perfdesk.services.workbook.layout import (
    DATE_FORMAT,
    Sheet,
)
from perfdesk.services.workbook.write import put_cell
from perfdesk.store import queries
from perfdesk.store.schema import ActionLead, DatabaseInfo, Lead, Measure

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

log = logging.getLogger(__name__)

Cells = list[Any]
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
DROP_DOWN_ROWS = 500  # the New status list reaches this far below the last action


@dataclass(frozen=True)
class _Contents:
    lead: str
    plans: list[str]
    actions: list[Cells]
    measures: list[Cells]


def database_id(session: Session) -> str:
    info = session.exec(select(DatabaseInfo)).first()
    return info.id if info is not None else ""


def write_return(session: Session, lead_name: str, out: Path, today: dt.date) -> Path:
    """The return of one lead (matched ignoring case and apostrophe style)."""
    lead = queries.lead_by_name(session).get(name_key(lead_name))
    if lead is None:
        raise NotFound(f"No lead named {lead_name!r}.")
    return _write(session, _contents(session, lead, today), out, today)


def leads_with_work(session: Session, today: dt.date) -> list[Lead]:
    """The leads a return would list something for: they lead an open action
    or own a measure, in a plan that is still here; by name."""
    plans = {p.id for p in queries.plans(session)}
    busy: set[str | None] = {
        lead_id for plan_id in plans for row in action_rows(session, plan_id, today)
        if not row.status.is_finished for lead_id in row.lead_ids
    }
    busy |= {m.owner_id for m in queries.live(session, Measure) if m.plan_id in plans}
    return sorted((lead for lead in queries.live(session, Lead) if lead.id in busy),
                  key=lambda r: (r.name.casefold(), r.id))


def write_all_returns(session: Session, folder: Path, today: dt.date) -> list[Path]:
    """One return per lead with work (`leads_with_work`), each named after its
    lead (made safe as a file name)."""
    written: list[Path] = []
    taken: set[str] = set()
    for lead in leads_with_work(session, today):
        name = file_name(lead.name, taken)
        written.append(_write(session, _contents(session, lead, today), folder / name, today))
    return written


def file_name(lead: str, taken: set[str]) -> str:
    """`lead` as a file name that Windows accepts and that is not in `taken`."""
    stem = " ".join(_UNSAFE.sub(" ", lead).split()).strip(" .")[:100] or "Lead"
    if stem.casefold() in _RESERVED:
        stem = f"{stem} return"
    name, n = f"{stem}.xlsx", 1
    while name.casefold() in taken:
        n += 1
        name = f"{stem} ({n}).xlsx"
    taken.add(name.casefold())
    return name


def _contents(session: Session, lead: Lead, today: dt.date) -> _Contents:
    plans = {p.id: p for p in queries.plans(session)}
    led = session.exec(select(ActionLead.action_id).where(
        ActionLead.lead_id == lead.id, col(ActionLead.deleted_at).is_(None))).all()
    actions: list[Cells] = []
    used: list[str] = []
    for plan in plans.values():
        rows = [r for r in action_rows(session, plan.id, today, only=list(led))
                if not r.status.is_finished]
        if rows:
            used.append(plan.short_name)
        actions += [[r.id, r.ref, plan.short_name, r.text, r.status.label, r.latest_text]
                    for r in rows]
    owned = [m for m in queries.live(session, Measure, Measure.owner_id == lead.id)
             if m.plan_id in plans]
    owned.sort(key=lambda m: (plans[m.plan_id].short_name.casefold(), m.display_order))
    values = queries.values_by_measure(session, [m.id for m in owned])
    measures: list[Cells] = []
    for m in owned:
        found = values.get(m.id, [])
        latest = found[-1] if found else None
        measures.append([m.id, m.ref, m.indicator, m.unit.value,
                         latest.value if latest else None,
                         latest.period if latest else ""])
        if plans[m.plan_id].short_name not in used:
            used.append(plans[m.plan_id].short_name)
    return _Contents(lead.name, used, actions, measures)


def _write(session: Session, contents: _Contents, out: Path, today: dt.date) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    if wb.active is not None:  # a new workbook's one empty sheet
        wb.remove(wb.active)
    _sheet(wb.create_sheet(RETURN.name), RETURN, [
        [ReturnField.PLANS, "; ".join(contents.plans)],
        [ReturnField.LEAD, contents.lead],
        [ReturnField.EXPORTED_AT, today],
        [ReturnField.DATABASE, database_id(session)],
    ])  # fmt: skip
    actions = wb.create_sheet(ACTIONS.name)
    _sheet(actions, ACTIONS, contents.actions)
    _status_list(actions, len(contents.actions))
    _sheet(wb.create_sheet(MEASURES.name), MEASURES, contents.measures)
    write_atomically(out, wb.save, when_busy="If the file is open in Excel, close it")
    log.info("wrote the return of %r to %s", contents.lead, out)
    return out


def _sheet(ws: Worksheet, sheet: Sheet, rows: list[Cells]) -> None:
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for c, column in enumerate(sheet.columns, start=1):
        ws.cell(row=1, column=c, value=column.name).font = bold
        ws.column_dimensions[get_column_letter(c)].width = column.width
    for r, values in enumerate(rows, start=2):
        for c, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=r, column=c)
            assert isinstance(cell, Cell)  # a new sheet has no merged cells
            put_cell(cell, values[c - 1] if c <= len(values) else None)
            cell.alignment = Alignment(wrap_text=column.wrap, vertical="top")
    if sheet is not RETURN:
        ws.column_dimensions["A"].hidden = True  # the Id: needed back, not to be read
    ws.freeze_panes = "A2"


def _status_list(ws: Worksheet, count: int) -> None:
    """New status: a drop-down of the status vocabulary; Date: shown as a date."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    status = get_column_letter(ACTIONS.columns.index(ActionCol.NEW_STATUS) + 1)
    date = get_column_letter(ACTIONS.columns.index(ActionCol.DATE) + 1)
    last = count + 1 + DROP_DOWN_ROWS
    rule = DataValidation(
        type="list", formula1=f'"{",".join(STATUS_CHOICES)}"', allow_blank=True,
        showErrorMessage=True, errorTitle="New status",
        error=f"Choose one of: {', '.join(STATUS_CHOICES)}.",
    )
    ws.add_data_validation(rule)
    rule.add(f"{status}2:{status}{last}")
    for r in range(2, count + 2):
        ws[f"{date}{r}"].number_format = DATE_FORMAT


