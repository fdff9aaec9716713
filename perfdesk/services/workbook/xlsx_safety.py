"""Untrusted .xlsx files in: refuse what is not a workbook or is unsafe to
unpack, open the rest without ever showing a traceback, and read each sheet as
rows of typed values in which every problem is located (sheet, row, column).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import warnings
import zipfile
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from perfdesk.domain.dates import parse_date
from perfdesk.domain.measures import parse_enum
from perfdesk.errors import PerfDeskError, Problem
from perfdesk.services.workbook.layout import (
    Column,
    Sheet,
    clean_text,
    format_number,
    header_key,
    number_from_text,
    unescape_cell_text,
)
from perfdesk.store.values import control_character

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

log = logging.getLogger(__name__)

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_CELL_CHARS = 32_767  # Excel's own limit: a longer cell was not typed in Excel
DTD_SCAN_BYTES = 64 * 1024  # where an XML part would declare entities (its prolog)
HEADER_SEARCH_ROWS = 10  # the header row may sit below a title or two

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


def check_xlsx_file(path: Path) -> None:
    """Refuse a file that is missing, not a zip (so not .xlsx) or a zip bomb."""
    name = path.name
    if not path.is_file():
        raise PerfDeskError(f"{name} was not found. Check the file name and folder.")
    if not zipfile.is_zipfile(path):
        raise PerfDeskError(
            f"{name} is not an Excel workbook (.xlsx). If it is an older .xls file or is "
            "password-protected, open it in Excel and save it as an unprotected .xlsx."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        log.info("cannot list %s: %s", path, exc)
        raise PerfDeskError(f"{name} is damaged and cannot be opened as a workbook.") from exc
    total = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or total > MAX_UNCOMPRESSED_BYTES:
        log.info("refused %s: %d entries, %d bytes unpacked", path, len(entries), total)
        raise PerfDeskError(
            f"{name} was refused as unsafe: it would unpack to {total / 2**20:,.0f} MB in "
            f"{len(entries):,} file{'s' if len(entries) != 1 else ''} (the limits are "
            f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB and {MAX_ENTRIES:,} files). "
            "A real plan workbook is far smaller."
        )
    _refuse_entity_declarations(path, entries)


def _refuse_entity_declarations(path: Path, entries: list[zipfile.ZipInfo]) -> None:
    """Excel never writes a DTD; one in a workbook's XML is an entity-expansion
    attack ("billion laughs"). openpyxl also parses through defusedxml, which
    refuses them; this check does not depend on it being installed."""
    try:
        with zipfile.ZipFile(path) as archive:
            for entry in entries:
                if not entry.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(entry) as part:
                    head = part.read(DTD_SCAN_BYTES)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    log.info("refused %s: %s declares XML entities", path, entry.filename)
                    raise PerfDeskError(
                        f"{path.name} was refused as unsafe: {entry.filename} inside it "
                        "declares XML entities, which Excel never writes."
                    )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        log.info("cannot unpack %s: %s", path, exc)
        raise PerfDeskError(f"{path.name} is damaged and cannot be opened as a workbook.") \
            from exc


def open_xlsx(path: Path, formulas_as_text: bool = False) -> Workbook:
    """The workbook, values only (cached formula results), after the safety checks.
    With formulas_as_text, a formula cell reads as what was typed ("=1+1")."""
    check_xlsx_file(path)
    import openpyxl

    try:
        with path.open("rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops
            return openpyxl.load_workbook(fh, data_only=not formulas_as_text)
    except Exception as exc:  # any failure inside openpyxl means a damaged file
        # A known refusal: the user sees the plain message; the detail is for
        # whoever reads the log with --verbose.
        log.info("openpyxl could not read %s: %s", path, exc)
        log.debug("openpyxl's traceback for %s", path, exc_info=True)
        raise PerfDeskError(
            f"{path.name} could not be read as an Excel workbook: it is damaged or not an "
            "Excel file. Open it in Excel, save it as .xlsx and try again."
        ) from exc


def find_sheet(workbook: Workbook, name: str) -> Worksheet | None:
    """A worksheet by name, ignoring case and spacing."""
    for ws in workbook.worksheets:
        if header_key(ws.title) == header_key(name):
            return ws
    return None


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Row:
    """One row of a sheet: typed values by column; each getter records a
    located problem instead of raising, and returns a neutral value."""

    def __init__(
        self, sheet: str, number: int, cells: dict[str, tuple[Any, str]], problems: list[Problem]
    ) -> None:
        self.sheet = sheet
        self.row_number = number
        self._cells = cells
        self._problems = problems

    def problem(self, column: Column, reason: str) -> None:
        where = f"{self.sheet} row {self.row_number}, column {column.name}"
        self._problems.append(Problem(where, reason))

    def raw(self, column: Column) -> Any:
        return self._cells.get(header_key(column.name), (None, "General"))[0]

    def _percent_formatted(self, column: Column) -> bool:
        return "%" in self._cells.get(header_key(column.name), (None, "General"))[1]

    def text(self, column: Column) -> str:
        value = self.raw(column)
        if value is None:
            return ""
        if isinstance(value, str):
            return clean_text(unescape_cell_text(value))
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int | float):
            return format_number(value)
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    def required_text(self, column: Column) -> str:
        text = self.text(column)
        if not text:
            self.problem(column, f"{column.name} is required")
        return text

    def number(self, column: Column, *, percent: bool = False) -> float | None:
        """A number, or None when blank. With percent, 0.47 in a percent-formatted
        cell is 47 (percentages are held in points). Infinity and NaN (1e309
        in a cell, "1e999" typed as text) are refused."""
        value = self.raw(column)
        if _is_blank(value):
            return None
        found: float | None
        if isinstance(value, int | float) and not isinstance(value, bool):
            found = float(value)
            if math.isfinite(found) and percent and self._percent_formatted(column):
                found = float(Decimal(repr(value)) * 100)
        else:
            found = number_from_text(value) if isinstance(value, str) else None
            if found is None:
                self.problem(column, f"{self.text(column)!r} is not a number")
                return None
        return self.finite(column, found)

    def finite(self, column: Column, found: float) -> float | None:
        """The number, or a problem when it is infinite or not a number."""
        if math.isfinite(found):
            return found
        self.problem(column, f"{self.text(column)!r} is not a number PerfDesk can hold "
                             "(it is too large, or infinite)")
        return None

    def count(self, column: Column) -> float | None:
        """A number that counts things (a numerator, a denominator): never below zero."""
        found = self.number(column)
        if found is not None and found < 0:
            self.problem(column, f"{self.text(column)!r} is below zero, and a "
                                 f"{column.name.casefold()} counts things")
            return None
        return found

    def date(self, column: Column) -> dt.date | None:
        value = self.raw(column)
        if _is_blank(value):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return parse_date(clean_text(value))
            except ValueError:
                pass
        self.problem(column, f"{self.text(column)!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        return None

    def period(self, column: Column) -> str:
        """A period as written; a date Excel made of "Sep 2023" is a month again."""
        value = self.raw(column)
        if isinstance(value, dt.datetime):
            fmt = self._cells[header_key(column.name)][1].casefold()
            return value.strftime("%Y-%m") if "d" not in fmt else value.date().isoformat()
        return self.text(column)

    def flag(self, column: Column) -> bool:
        """Yes/No, True/False or Y/N in any case; blank is No."""
        value = self.raw(column)
        if isinstance(value, bool):
            return value
        key = header_key(self.text(column))
        if key in ("yes", "y", "true"):
            return True
        if key not in ("no", "n", "false", ""):
            self.problem(column, f"{self.text(column)!r} is not Yes or No")
        return False

    def choice(self, column: Column, options: tuple[str, ...], what: str) -> str:
        """One of a few words in any case, spelt as in options; blank: the first."""
        text = self.text(column)
        for option in options:
            if header_key(option) == header_key(text or options[0]):
                return option
        self.problem(column, f"unknown {what} {text!r} (expected {' or '.join(options)})")
        return text

    def enum(self, column: Column, default: E) -> E:
        """Unit, Polarity or Frequency by its value in any case; blank: the default."""
        found = self.parse(column, lambda text: parse_enum(type(default), text), default)
        return default if found is None else found

    def parse(self, column: Column, parser: Callable[[str], T], default: T) -> T | None:
        """The text through a domain parser (ValueError: a problem); blank: default."""
        text = self.text(column)
        if not text:
            return default
        try:
            return parser(text)
        except ValueError as exc:
            self.problem(column, str(exc))
            return None


def read_rows(ws: Worksheet, sheet: Sheet, problems: list[Problem]) -> list[Row] | None:
    """The rows under the header row, fully blank ones skipped. Headers match
    ignoring case and spacing, in any order; extra columns are ignored. None
    (with one problem per missing column) when a required column is missing."""
    known = {header_key(c.name) for c in sheet.columns}
    top = list(ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS))
    header_row: tuple[Any, ...] = ()
    best = 0
    for cells in top:
        found = sum(1 for c in cells if isinstance(c.value, str) and header_key(c.value) in known)
        if found > best:
            header_row, best = cells, found
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        if isinstance(cell.value, str):
            positions.setdefault(header_key(cell.value), index)
    missing = [c.name for c in sheet.columns if c.required and header_key(c.name) not in positions]
    for name in missing:
        problems.append(Problem(sheet.name, f"no {name!r} column in the header row"))
    if missing:
        return None
    wanted = {key: i for key, i in positions.items() if key in known}
    names = {header_key(c.name): c.name for c in sheet.columns}
    first = header_row[0].row + 1 if header_row else 2
    rows: list[Row] = []
    for cells in ws.iter_rows(min_row=first):
        values = {
            key: (cells[i].value, cells[i].number_format)
            for key, i in wanted.items()
            if i < len(cells)
        }
        if all(_is_blank(v) for v, _ in values.values()):
            continue
        for key, (value, _format) in values.items():
            if isinstance(value, str):
                _check_text(value, f"{sheet.name} row {cells[0].row}, column {names[key]}",
                            problems)
        number = cells[0].row
        assert number is not None  # only a merged cell may have no row, never a row's first
        rows.append(Row(sheet.name, number, values, problems))
    return rows


def _check_text(value: str, where: str, problems: list[Problem]) -> None:
    """Text no one typed into Excel: longer than a cell holds, or with NUL or
    another control character in it (see store.values.control_character)."""
    if len(value) > MAX_CELL_CHARS:
        problems.append(Problem(where, f"the cell holds {len(value):,} characters, more than "
                                       f"Excel's {MAX_CELL_CHARS:,}"))
        return
    found = control_character(unescape_cell_text(value))
    if found is not None:
        problems.append(Problem(where, f"the cell holds a control character "
                                       f"(U+{ord(found):04X}); remove it"))
