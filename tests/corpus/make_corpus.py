"""The bad-input corpus (issue 12, §3): every way data gets into PerfDesk -
plan workbooks, lead returns, update bundles, backups to restore and `--db`
files - with inputs that must be accepted (correctly) and inputs that must be
refused (plainly, naming the file and where, changing nothing).

    python -m tests.corpus.make_corpus OUT_DIR

writes OUT_DIR/demo.sqlite (the database every input is tried against: the
returns and bundles belong to it), the inputs, and OUT_DIR/manifest.json, one
entry per input. tests/corpus/test_corpus.py runs each through the CLI.
Everything hypothesis fuzzing found is kept here as an explicit case
(`found_by_fuzzing`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import sys
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from perfdesk.domain.measures import Unit
from perfdesk.domain.plan_document import (
    ActionDoc,
    MeasureDoc,
    PlanDocument,
    PlanInfo,
    PriorityDoc,
    ValueDoc,
)
from perfdesk.services.sync.bundle import (
    FORMAT,
    FORMAT_VERSION,
    MAX_CHANGES,
    Bundle,
    BundleChange,
    checksum,
    write_bundle,
)
from perfdesk.services.workbook.write import write_workbook
from perfdesk.store import migrate, queries, sync_state
from perfdesk.store.database import Database, open_database

ACCEPT, REFUSE = "accept", "refuse"
KINDS = ("workbook", "return", "bundle", "backup", "db")
PLAN = "Children's Services"
LEAD = "Head of Service Corporate Parenting"  # as tests/services/test_returns.py
TODAY = dt.date(2024, 4, 15)
NOW = "2024-04-15T09:00:00+00:00"
BIG_BUNDLE = 100_000
# Names no workbook should stumble over: right-to-left, emoji, combining marks.
NAMES = ["مديرة الخدمات", "שירותי ילדים", "Zoë 👩🏽‍💼 Núñez", "Ame\u0301lie Cafe\u0301", "李华"]
ODD_FOLDER = "odd folder ñ ü 名前"


@dataclass
class Item:
    id: str  # readable: names the input in a failing test
    kind: str  # workbook, return, bundle, backup, db
    path: str  # relative to the corpus folder
    expect: str  # accept or refuse
    reasons: list[str] = field(default_factory=list)  # each must be in the message
    where: str = ""  # the located place (sheet row column / change), when there is one
    texts: list[str] = field(default_factory=list)  # accepted workbook: must read back
    plan: str = ""  # accepted workbook: its short name
    twice: bool = False  # accepted bundle: received twice, the second changes nothing
    read_only: bool = False  # accepted db: opened read-only with a warning
    found_by_fuzzing: bool = False


class Corpus:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.items: list[Item] = []

    def path(self, name: str) -> Path:
        target = self.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add(self, item: Item) -> None:
        assert item.kind in KINDS and item.expect in (ACCEPT, REFUSE), item
        assert all(i.id != item.id for i in self.items), item.id
        self.items.append(item)

    def refuse(self, kind: str, name: str, write: Callable[[Path], Any], reasons: list[str],
               where: str = "", **extra: Any) -> None:
        folder = {"workbook": "workbooks", "return": "returns", "bundle": "bundles",
                  "backup": "backups", "db": "databases"}[kind]
        suffix = {"workbook": ".xlsx", "return": ".xlsx", "bundle": ".perfdesk-updates",
                  "backup": ".sqlite", "db": ".sqlite"}[kind]
        slug = "".join(ch if ch.isalnum() else "-" for ch in name.casefold()).strip("-")
        relative = f"refused/{folder}/{slug}{suffix}"
        write(self.path(relative))
        self.add(Item(f"{kind}: {name}", kind, relative, REFUSE, reasons, where, **extra))


# --------------------------------------------------------------- helpers

def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API."""
    src, dest = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    return target


def sample_plan(short: str, texts: list[str] | None = None) -> PlanDocument:
    """A small plan; `texts` go into its names and free text."""
    words = texts or ["Plain words"]
    return PlanDocument(
        plan=PlanInfo(f"Corpus plan {short}", short, organisation=words[0],
                      period_start=dt.date(2024, 4, 1), period_end=dt.date(2025, 3, 31)),
        priorities=[PriorityDoc("P1", words[-1])],
        actions=[ActionDoc(f"A{n}", priority_ref="P1", text=text, leads=[text],
                           due_date=dt.date(2024, 9, 30), original_due_date=dt.date(2024, 9, 30))
                 for n, text in enumerate(words, start=1)],
        measures=[MeasureDoc("M1", words[0], priority_ref="P1", unit=Unit.PERCENT,
                             baseline=40.0, baseline_text="40%", target=50.0,
                             target_text="50%",
                             values=[ValueDoc("2024-04", 42.0, 21.0, 50.0, note=words[0])])],
    )


def edit_book(source: Path, change: Callable[[openpyxl.Workbook], None]) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        wb = openpyxl.load_workbook(source)
        change(wb)
        wb.save(target)
    return write


def set_cell(sheet: str, row: int, header: str, value: Any) -> Callable[[openpyxl.Workbook], None]:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        columns = {str(c.value).casefold(): c.column for c in ws[1] if c.value}
        cell = ws.cell(row=row, column=columns[header.casefold()])
        cell.value = value  # (ws.cell(value=None) would leave the cell as it was)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text that looks like a formula, as typed after a '
    return change


def raw_bytes(content: bytes) -> Callable[[Path], None]:
    return lambda target: target.write_bytes(content)


def rewrite_part(source: Path, name: str, content: bytes | Callable[[bytes], bytes]
                 ) -> Callable[[Path], None]:
    """The same zip with one part's bytes replaced (a sheet's raw XML)."""
    def write(target: Path) -> None:
        with zipfile.ZipFile(source) as book:
            parts = {info.filename: book.read(info) for info in book.infolist()}
        parts[name] = content(parts[name]) if callable(content) else content
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for part, data in parts.items():
                out.writestr(part, data)
    return write


def sheet_part(path: Path, title: str) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def zip_bomb(source: Path) -> Callable[[Path], None]:
    """A real workbook whose Actions sheet unpacks to 300 MB of rows (under
    1 MB packed): refused from the zip's declared sizes, before any is read."""
    def write(target: Path) -> None:
        with zipfile.ZipFile(source) as book:
            parts = {info.filename: book.read(info) for info in book.infolist()}
        bomb = sheet_part(source, "Actions")
        row = b'<row r="9"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            for part, data in parts.items():
                if part != bomb:
                    out.writestr(part, data)
            with out.open(bomb, "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main"><sheetData>')
                for _ in range(300 * 2**20 // len(row)):
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
    return write


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
        for n in range(1, 10))
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
      b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
      b"</sheetData></worksheet>"
)


def random_bytes(size: int, seed: int) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
       b"5\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


# --------------------------------------------------------------- workbooks

NOT_A_WORKBOOK = "is not an Excel workbook (.xlsx)"
DAMAGED = "could not be read as an Excel workbook"


def workbooks(c: Corpus) -> None:
    base = c.path("sources/base plan.xlsx")
    write_workbook(sample_plan("BASE"), base)

    # Must be accepted, correctly.
    for n, name in enumerate(NAMES, start=1):
        relative = f"accepted/{ODD_FOLDER}/plan {n} {name}.xlsx"
        write_workbook(sample_plan(f"NAMES{n}", [name, f"{name} and more"]), c.path(relative))
        c.add(Item(f"workbook: names {name}", "workbook", relative, ACCEPT,
                   plan=f"NAMES{n}", texts=[name, f"{name} and more"]))

    def reorder(wb: openpyxl.Workbook) -> None:
        for ws in wb.worksheets:  # columns reversed, headers in other cases
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            ws.delete_rows(1, ws.max_row)
            for number, row in enumerate(rows):
                row = row[::-1]
                if number == 0:
                    row = [h.upper() if i % 2 else f"  {h.lower()} " for i, h in enumerate(row)]
                ws.append(row)
        wb["Actions"].title = "Renamed"
        wb["Renamed"].title = "ACTIONS"

    relative = f"accepted/{ODD_FOLDER}/titles above the headers.xlsx"
    write_workbook(sample_plan("TITLED", ["Titled sheets"]), c.path("sources/t.xlsx"))

    def titles(wb: openpyxl.Workbook) -> None:
        for ws in wb.worksheets:
            ws.insert_rows(1, 2)
            ws["A1"] = f"{ws.title} - Example Council"
    edit_book(c.path("sources/t.xlsx"), titles)(c.path(relative))
    c.add(Item("workbook: two title rows above the headers", "workbook", relative, ACCEPT,
               plan="TITLED", texts=["Titled sheets"]))

    relative = f"accepted/{ODD_FOLDER}/reordered columns.xlsx"
    write_workbook(sample_plan("REORDERED", ["Reordered columns"]), c.path("sources/r.xlsx"))
    edit_book(c.path("sources/r.xlsx"), reorder)(c.path(relative))
    c.add(Item("workbook: columns in another order, headers in other cases", "workbook",
               relative, ACCEPT, plan="REORDERED", texts=["Reordered columns"]))

    # Must be refused.
    w = "workbook"
    c.refuse(w, "zero bytes", raw_bytes(b""), [NOT_A_WORKBOOK])
    c.refuse(w, "truncated", lambda t: t.write_bytes(base.read_bytes()[: base.stat().st_size // 2]),
             [NOT_A_WORKBOOK])
    c.refuse(w, "random bytes", raw_bytes(random_bytes(5000, 1)), [NOT_A_WORKBOOK])
    c.refuse(w, "random bytes after a zip signature",
             raw_bytes(b"PK\x03\x04" + random_bytes(5000, 2)), [NOT_A_WORKBOOK])
    c.refuse(w, "a CSV renamed", raw_bytes(b"Ref,Action\nA1,Do it\n"), [NOT_A_WORKBOOK])
    c.refuse(w, "a PNG renamed", raw_bytes(PNG), [NOT_A_WORKBOOK])
    c.refuse(w, "a zip bomb", zip_bomb(base), ["refused as unsafe", "it would unpack to"])
    c.refuse(w, "billion laughs", rewrite_part(base, sheet_part(base, "Actions"), BILLION_LAUGHS),
             ["refused as unsafe", "declares XML entities"])
    c.refuse(w, "a damaged sheet", rewrite_part(base, sheet_part(base, "Actions"),
                                                b"<worksheet><sheetData><row"), [DAMAGED])
    c.refuse(w, "no Actions sheet", edit_book(base, lambda wb: wb.remove(wb["Actions"])),
             ["the workbook has no Actions sheet"], "Actions")
    c.refuse(w, "Plan sheet renamed",
             edit_book(base, lambda wb: setattr(wb["Plan"], "title", "Cover")),
             ["the workbook has no Plan sheet"], "Plan")
    c.refuse(w, "Ref header renamed", edit_book(base, set_cell("Actions", 1, "Ref", "Number")),
             ["no 'Ref' column in the header row"], "Actions")
    c.refuse(w, "a cell longer than Excel allows",  # openpyxl would cut it at 32,767
             rewrite_part(base, sheet_part(base, "Actions"),
                          lambda b: b.replace(b"Plain words", b"x" * 40_000, 1)),
             ["40,000 characters, more than Excel's 32,767"], "Actions row 2, column Action")
    c.refuse(w, "NUL in a cell",
             edit_book(base, set_cell("Actions", 2, "Action", "Plain_x0000_words")),
             ["control character (U+0000)"], "Actions row 2, column Action")
    c.refuse(w, "a control character in a cell",
             edit_book(base, set_cell("Actions", 2, "Leads", "Ann_x0001_Bee")),
             ["control character (U+0001)"], "Actions row 2, column Leads")
    c.refuse(w, "31 February", edit_book(base, set_cell("Actions", 2, "Due date", "31/02/2024")),
             ["'31/02/2024' is not a date"], "Actions row 2, column Due date")
    c.refuse(w, "year 99999", edit_book(base, set_cell("Actions", 2, "Due date", "99999-01-01")),
             ["'99999-01-01' is not a date"], "Actions row 2, column Due date")
    c.refuse(w, "a date serial past year 9999",
             rewrite_part(base, sheet_part(base, "Actions"),
                          lambda b: b.replace(b"<v>45565</v>", b"<v>99999999</v>", 1)),
             ["is not a date"], "Actions row 2, column Due date")
    for label, value, reason in [
        ("text 1e999", "1e999", "'1e999' is not a number PerfDesk can hold"),
        ("-1e999", "-1e999", "'-1e999' is not a number PerfDesk can hold"),
        ("NaN", "nan", "'nan' is not a number"), ("inf", "inf", "'inf' is not a number"),
    ]:
        c.refuse(w, f"value {label}", edit_book(base, set_cell("Values", 2, "Value", value)),
                 [reason], "Values row 2, column Value")
    for label, xml in [("1e309", b"1e309"), ("-1e309", b"-1e309"), ("1E400", b"1E400")]:
        c.refuse(w, f"value {label} in a number cell",  # openpyxl would not write it
                 rewrite_part(base, sheet_part(base, "Values"),
                              lambda b, xml=xml: b.replace(b"<v>42</v>", b"<v>" + xml + b"</v>")),
                 ["is not a number PerfDesk can hold"], "Values row 2, column Value")
    c.refuse(w, "baseline 1e999 as text",
             edit_book(base, set_cell("Measures", 2, "Baseline", "1e999")),
             ["'1e999' is not a number PerfDesk can hold"], "Measures row 2, column Baseline")
    c.refuse(w, "a negative numerator", edit_book(base, set_cell("Values", 2, "Numerator", -3)),
             ["'-3' is below zero, and a numerator counts things"],
             "Values row 2, column Numerator")
    c.refuse(w, "a negative denominator",
             edit_book(base, set_cell("Values", 2, "Denominator", "-50")),
             ["'-50' is below zero, and a denominator counts things"],
             "Values row 2, column Denominator")
    c.refuse(w, "formula text in a number",
             edit_book(base, set_cell("Values", 2, "Value", "=40+2")),
             ["'=40+2' is not a number"], "Values row 2, column Value")
    c.refuse(w, "formula text in a date",
             edit_book(base, set_cell("Actions", 2, "Due date", "=TODAY()")),
             ["'=TODAY()' is not a date"], "Actions row 2, column Due date")
    c.refuse(w, "duplicate refs", edit_book(base, lambda wb: wb["Actions"].append(["a1 "])),
             ["duplicate ref 'a1'"], "Actions row 3, column Ref")
    c.refuse(w, "an unknown priority", edit_book(base, set_cell("Actions", 2, "Priority", "P9")),
             ["'P9' is not a Ref on the Priorities sheet"], "Actions row 2, column Priority")
    c.refuse(w, "an unknown timeframe",
             edit_book(base, set_cell("Actions", 2, "Timeframe", "0-4 months")),
             ["0-4 months"], "Actions row 2, column Timeframe")
    c.refuse(w, "an unknown plan state",
             edit_book(base, set_cell("Plan", 9, "Value", "Finished")),
             ["unknown state 'Finished'"], "Plan row 9, column Value")
    c.refuse(w, "no title", edit_book(base, set_cell("Plan", 2, "Value", None)),
             ["Title is required"], "Plan row 2, column Value")
    c.refuse(w, "two values for one period",
             edit_book(base, lambda wb: wb["Values"].append(["M1", "2024-04", 43])),
             ["M1 has two values for 2024-04"], "Values row 3, column Period")
    c.refuse(w, "a value for an unknown measure",
             edit_book(base, lambda wb: wb["Values"].append(["M9", "2024-05", 43])),
             ["'M9' is not a Ref on the Measures sheet"], "Values row 3, column Measure ref")
    c.refuse(w, "an unknown status", edit_book(base, set_cell("Actions", 2, "Status", "Sorted")),
             ["Sorted"], "Actions row 2, column Status")


# --------------------------------------------------------------- returns

def returns(c: Corpus, db: Database) -> None:
    from perfdesk.domain.text import name_key
    from perfdesk.services.measures import edits as measure_edits
    from perfdesk.services.returns.write import write_return

    with db.write() as session:  # the lead owns a measure, so Measures has a row to fill
        plan = queries.find_plan(session, PLAN)
        measure = queries.plan_measures(session, plan.id)[0]
        measure_edits.set_owner(session, measure.id, queries.lead_by_name(session)[
            name_key(LEAD)].id)
    base = c.path("sources/return.xlsx")
    with db.read() as session:
        write_return(session, LEAD, base, TODAY)

    def fill(sheet: str, row: int, **cells: Any) -> Callable[[Path], None]:
        def change(wb: openpyxl.Workbook) -> None:
            for header, value in cells.items():
                set_cell(sheet, row, header.replace("_", " "), value)(wb)
        return edit_book(base, change)

    relative = f"accepted/{ODD_FOLDER}/return {NAMES[0]}.xlsx"
    fill("Actions", 2, **{"New status": "On track",
                          "What was done": " / ".join(NAMES), "Date": TODAY})(c.path(relative))
    c.add(Item("return: names in every script", "return", relative, ACCEPT, texts=NAMES))

    r = "return"
    c.refuse(r, "zero bytes", raw_bytes(b""), [NOT_A_WORKBOOK])
    c.refuse(r, "random bytes", raw_bytes(random_bytes(3000, 3)), [NOT_A_WORKBOOK])
    c.refuse(r, "a PNG renamed", raw_bytes(PNG), [NOT_A_WORKBOOK])
    c.refuse(r, "truncated", lambda t: t.write_bytes(base.read_bytes()[:4000]), [NOT_A_WORKBOOK])
    c.refuse(r, "no Measures sheet", edit_book(base, lambda wb: wb.remove(wb["Measures"])),
             ["the workbook has no Measures sheet"], "Measures")
    c.refuse(r, "New status header renamed",
             edit_book(base, set_cell("Actions", 1, "New status", "Status now")),
             ["no 'New status' column in the header row"], "Actions")
    for label, value, reason in [
        ("text 1e999", "1e999", "'1e999' is not a number PerfDesk can hold"),
        ("nan", "nan", "'nan' is not a number"), ("-inf", "-inf", "'-inf' is not a number"),
        ("a formula", "=40+7", "'=40+7' is not a number"),
    ]:
        c.refuse(r, f"new value {label}",
                 fill("Measures", 2, Period="2024-03", **{"New value": value}),
                 [reason], "Measures row 2, column New value")
    def raw_figure(xml: bytes) -> Callable[[Path], None]:
        def write(target: Path) -> None:
            fill("Measures", 2, Period="2024-03", **{"New value": 123456})(target)
            rewrite_part(target, sheet_part(target, "Measures"),
                         lambda b: b.replace(b"<v>123456</v>", b"<v>" + xml + b"</v>"))(target)
        return write

    for label in ("1e309", "-1e309"):
        c.refuse(r, f"new value {label} in a number cell", raw_figure(label.encode()),
                 ["is not a number PerfDesk can hold"], "Measures row 2, column New value")
    c.refuse(r, "31 February",
             fill("Actions", 2, **{"New status": "On track", "What was done": "Met",
                                   "Date": "31/02/2024"}),
             ["'31/02/2024' is not a date"], "Actions row 2, column Date")
    c.refuse(r, "year 99999",
             fill("Actions", 2, **{"New status": "On track", "What was done": "Met",
                                   "Date": "99999-12-31"}),
             ["'99999-12-31' is not a date"], "Actions row 2, column Date")
    c.refuse(r, "formula text in a date",
             fill("Actions", 2, **{"New status": "On track", "What was done": "Met",
                                   "Date": "=TODAY()"}),
             ["'=TODAY()' is not a date"], "Actions row 2, column Date")
    c.refuse(r, "NUL in what was done",
             fill("Actions", 2, **{"New status": "On track", "What was done": "Met_x0000_"}),
             ["control character (U+0000)"], "Actions row 2, column What was done")
    def long_cell(target: Path) -> None:  # openpyxl would cut it at 32,767
        fill("Actions", 2, **{"New status": "On track", "What was done": "LONGTEXT"})(target)
        with zipfile.ZipFile(target) as book:
            part = next(n for n in book.namelist() if b"LONGTEXT" in book.read(n))
        rewrite_part(target, part, lambda b: b.replace(b"LONGTEXT", b"y" * 33_000))(target)

    c.refuse(r, "a cell longer than Excel allows", long_cell,
             ["33,000 characters"], "Actions row 2, column What was done")
    c.refuse(r, "an unknown status",
             fill("Actions", 2, **{"New status": "Sorted", "What was done": "Met"}),
             ["Sorted"], "Actions row 2, column New status")


# --------------------------------------------------------------- bundles

def _body(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _write_body(body: dict[str, Any], target: Path, reseal: bool = True) -> None:
    body.pop("checksum", None)
    if reseal:
        body["checksum"] = checksum(body)
    target.write_text(json.dumps(body), encoding="utf-8")


def _resealed(source: Path, change: Callable[[dict[str, Any]], None]) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        body = _body(source)
        change(body)
        _write_body(body, target)
    return write


def _bundle(family: str, changes: list[BundleChange], target: Path) -> Path:
    return write_bundle(Bundle(str(uuid.uuid4()), NOW, "Corpus", str(uuid.uuid4()),
                               "corpus.sqlite", migrate.head_revision(), "test",
                               tuple(changes), family), target)


def _change(table: str, row_id: str, kind: str, field_: str, old: str | None, new: str | None,
            base_version: int = 1) -> BundleChange:
    return BundleChange(str(uuid.uuid4()), table, row_id, kind, field_, old, new, base_version,
                        "Corpus", NOW, str(uuid.uuid4()))


def big_bundle(family: str, action_ids: list[str], target: Path, count: int) -> None:
    """`count` progress updates, written straight as the JSON a laptop sends."""
    changes = []
    for n in range(count):
        row_id = str(uuid.uuid4())
        row = {"id": row_id, "version": "1", "updated_at": NOW, "deleted_at": None,
               "action_id": action_ids[n % len(action_ids)], "reported_on": "2024-04-01",
               "recorded_at": NOW, "author": "Busy Service", "status": "On track",
               "done_text": f"Update {n}", "next_steps": "", "withdrawn_at": None,
               "withdrawn_by": "", "withdrawn_reason": ""}
        changes.append({"id": str(uuid.uuid4()), "table": "progress_update", "row_id": row_id,
                        "kind": "insert", "field": "", "old": None, "new": json.dumps(row),
                        "base_version": 0, "author": "Busy Service", "changed_at": NOW,
                        "database_id": family})
    body = {"format": FORMAT, "format_version": FORMAT_VERSION,
            "bundle_id": str(uuid.uuid4()), "created_at": NOW, "author": "Busy Service",
            "database_id": str(uuid.uuid4()), "database_name": "busy.sqlite",
            "schema": migrate.head_revision(), "perfdesk_version": "test", "family": family,
            "changes": changes}
    _write_body(body, target)


def bundles(c: Corpus, db: Database, template: Path) -> None:
    from tests.sync.laptops import add_update, laptop, set_text

    with db.read() as session:
        family = sync_state.family(session)
        plan = queries.find_plan(session, PLAN)
        actions = queries.plan_actions(session, plan.id)
        measure = queries.plan_measures(session, plan.id)[0]
    scratch = c.path("sources/laptops")
    scratch.mkdir(exist_ok=True)
    ana = laptop(template, scratch, "ana")
    set_text(ana, "1.3", "impact", f"Heard by {NAMES[2]}")
    add_update(ana, "1.3", f"Two listening events with {NAMES[0]}")
    relative = f"accepted/{ODD_FOLDER}/ana ü.perfdesk-updates"
    from perfdesk.services.sync.send import send

    good = send(ana, c.path(relative)).path
    ana.close()
    c.add(Item("bundle: from a laptop, received twice", "bundle", relative, ACCEPT,
               texts=[f"Heard by {NAMES[2]}"], twice=True))
    relative = "accepted/big 100000 changes.perfdesk-updates"
    big_bundle(family, [a.id for a in actions], c.path(relative), BIG_BUNDLE)
    c.add(Item(f"bundle: {BIG_BUNDLE:,} changes", "bundle", relative, ACCEPT))

    b = "bundle"
    c.refuse(b, "zero bytes", raw_bytes(b""), ["not a whole PerfDesk update bundle"])
    c.refuse(b, "truncated", lambda t: t.write_bytes(good.read_bytes()[:300]),
             ["not a whole PerfDesk update bundle"])
    c.refuse(b, "random bytes", raw_bytes(random_bytes(2000, 4)), ["not a PerfDesk update bundle"])
    c.refuse(b, "one changed byte", lambda t: t.write_bytes(
        good.read_bytes().replace(b"listening", b"listenin9", 1)), ["checksum does not match"])
    c.refuse(b, "deep nesting", raw_bytes(b"[" * 100_000 + b"]" * 100_000),
             ["nested far too deeply"])
    c.refuse(b, "deep nesting inside the format",
             raw_bytes(b'{"format": "PerfDesk update bundle", "x": ' + b"[" * 100_000
                       + b"]" * 100_000 + b"}"), ["nested far too deeply"])
    c.refuse(b, "more changes than the limit", raw_bytes(
        b'{"format": "PerfDesk update bundle", "changes": ['
        + b",".join([b'{"row_id":""}'] * (MAX_CHANGES + 1)) + b"]}"),
        [f"more than {MAX_CHANGES:,} changes"])
    c.refuse(b, "an unknown table", _resealed(
        good, lambda d: d["changes"][0].__setitem__("table", "salary")), ["unknown table"],
        "change 1")
    c.refuse(b, "an unreadable time", _resealed(
        good, lambda d: d["changes"][0].__setitem__("changed_at", "yesterday")),
        ["unreadable time 'yesterday'"], "change 1")
    c.refuse(b, "changes is not a list", _resealed(good, lambda d: d.__setitem__("changes", {})),
             ["no list of changes"])
    c.refuse(b, "author is a number", _resealed(good, lambda d: d.__setitem__("author", 7)),
             ["author is missing"])
    c.refuse(b, "base version is text", _resealed(
        good, lambda d: d["changes"][0].__setitem__("base_version", "1")),
        ["wrong type (base_version)"], "change 1")
    c.refuse(b, "a change is a list", _resealed(
        good, lambda d: d["changes"].__setitem__(0, [1, 2])), ["not a change"], "change 1")
    c.refuse(b, "another master's family",
             _resealed(good, lambda d: d.__setitem__("family", str(uuid.uuid4()))),
             ["not a copy of this master"])

    def one(name: str, change: BundleChange, reasons: list[str], where: str = "") -> None:
        c.refuse(b, name, lambda t: _bundle(family, [change], t), reasons,
                 where or f"change 1 ({change.id}")

    one("a plan deleted under its live actions",
        _change("plan", plan.id, "delete", "deleted_at", None, NOW),
        ["would break a rule of the database", "is live but its plan is deleted"], "the file")
    for label, text in [("inf", "inf"), ("-1e999", "-1e999"), ("nan", "nan")]:
        one(f"a figure of {label}", _change("measure", measure.id, "update", "target",
                                            None, text),
            [f"{text!r} is not a valid target"])
    value_row = {"id": str(uuid.uuid4()), "version": "1", "updated_at": NOW,
                 "deleted_at": None, "measure_id": measure.id, "period": "2031-03",
                 "period_end": "2031-03-31", "value": "1e999", "numerator": None,
                 "denominator": None, "note": "", "author": "Corpus"}
    one("an added figure of 1e999", _change("measure_value", value_row["id"], "insert", "",
                                            None, json.dumps(value_row), 0),
        ["'1e999' is not a valid value"])
    negative = {**value_row, "id": str(uuid.uuid4()), "value": "5", "numerator": "-1",
                "denominator": "20"}
    one("a negative numerator", _change("measure_value", negative["id"], "insert", "", None,
                                        json.dumps(negative), 0),
        ["'-1' is below zero, and a numerator counts things"])
    one("NUL in a text", _change("action", actions[0].id, "update", "impact", "", "Met\x00"),
        ["control character (U+0000)"])
    one("an impossible date", _change("action", actions[0].id, "update", "due_date", None,
                                      "2024-02-31"), ["'2024-02-31' is not a valid due date"])
    one("a year past 9999", _change("action", actions[0].id, "update", "due_date", None,
                                    "99999-01-01"), ["is not a valid due date"])


# --------------------------------------------------------------- backups and --db files

def databases(c: Corpus, demo: Path) -> None:
    real = copy_db(demo, c.path("sources/a real backup.sqlite"))
    data = real.read_bytes()

    def incomplete(target: Path) -> None:
        copy_db(demo, target)
        con = sqlite3.connect(target)
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute("DROP TABLE progress_update")
        con.commit()
        con.close()

    def other_application(target: Path) -> None:
        con = sqlite3.connect(target)
        con.execute("CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT)")
        con.execute("INSERT INTO songs (title) VALUES ('Jerusalem')")
        con.commit()
        con.close()

    def newer(target: Path) -> None:
        copy_db(demo, target)
        con = sqlite3.connect(target)
        con.execute("UPDATE alembic_version SET version_num = '9999'")
        con.commit()
        con.close()

    def corrupt(target: Path) -> None:
        middle = len(data) // 2
        target.write_bytes(data[:middle] + random_bytes(8192, 5) + data[middle + 8192:])

    for kind in ("backup", "db"):
        c.refuse(kind, "zero bytes" if kind == "backup" else "random bytes",
                 raw_bytes(b"") if kind == "backup" else raw_bytes(random_bytes(4096, 6)), [])
        c.refuse(kind, "truncated", lambda t: t.write_bytes(data[: len(data) // 3]), [])
        c.refuse(kind, "corrupt", corrupt, [])
        c.refuse(kind, "another application's SQLite", other_application, [])
        c.refuse(kind, "from a newer PerfDesk", newer, ["newer"])
    c.refuse("backup", "incomplete", incomplete, [])
    folder = "refused/databases/a folder.sqlite"
    c.path(folder).mkdir(parents=True, exist_ok=True)
    c.add(Item("db: a folder", "db", folder, REFUSE))
    relative = f"accepted/{ODD_FOLDER}/read only ü.sqlite"
    copy_db(demo, c.path(relative))
    os.chmod(c.path(relative), 0o444)
    c.add(Item("db: a read-only file", "db", relative, ACCEPT, read_only=True))


# --------------------------------------------------------------- all

def make_corpus(out: Path) -> list[Item]:
    """Write the corpus into `out` (made if need be); return its items."""
    from perfdesk.services.plans.demo import load_demo

    out.mkdir(parents=True, exist_ok=True)
    demo = out / "demo.sqlite"
    for stale in out.glob("demo.sqlite*"):
        stale.unlink()
    db = open_database(demo, create=True, author="corpus")
    try:
        load_demo(db)
        corpus = Corpus(out)
        workbooks(corpus)
        returns(corpus, db)
        template = copy_db(demo, out / "sources" / "master.sqlite")
        bundles(corpus, db, template)
    finally:
        db.close()
    databases(corpus, demo)
    shutil.rmtree(out / "sources" / "laptops", ignore_errors=True)
    con = sqlite3.connect(demo)  # one file, no -wal beside it: copied by a plain file copy
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    (out / "manifest.json").write_text(
        json.dumps([asdict(i) for i in corpus.items], indent=1, ensure_ascii=False),
        encoding="utf-8")
    return corpus.items


def load_manifest(out: Path) -> list[Item]:
    return [Item(**entry) for entry in json.loads((out / "manifest.json").read_text("utf-8"))]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.corpus.make_corpus OUT_DIR")
    items = make_corpus(Path(sys.argv[1]))
    accepted = sum(i.expect == ACCEPT for i in items)
    print(f"{len(items)} inputs ({accepted} to accept, {len(items) - accepted} to refuse) "
          f"in {sys.argv[1]}")
