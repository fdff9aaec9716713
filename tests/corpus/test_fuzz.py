"""Structured fuzzing of the three readers of outside files: valid files with
cells, bytes or JSON values mutated. Each mutant is either read, or refused
as a PerfDeskError (ValidationFailed with located problems); never anything
else. What fuzzing found is kept as explicit cases in make_corpus.py."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from perfdesk.errors import PerfDeskError
from perfdesk.services.returns.read import read_return
from perfdesk.services.sync.bundle import checksum, read_bundle
from perfdesk.services.workbook.read import read_workbook
from tests.corpus.make_corpus import TODAY

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Values a person (or a program) might put in any cell.
cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["1e309", "-1e999", "nan", "inf", "=1+1", "31/02/2024", "99999-01-01",
                     "2024-13-01", "£1,234", "47%", "-0", " ", "_x0000_", "Q5 2023/24",
                     "2018-2020", "Sep 2023", "0-3 months", "On track", "yes", "TBD"]),
)


def _cells(path: Path) -> list[tuple[str, int, int]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    found = [(ws.title, row, col) for ws in wb.worksheets
             for row in range(1, (ws.max_row or 1) + 1)
             for col in range(1, (ws.max_column or 1) + 1)]
    wb.close()
    return found


def _mutate_cells(source: Path, target: Path, changes: list[tuple[int, object]]) -> None:
    cells = _cells(source)
    wb = openpyxl.load_workbook(source)
    for index, value in changes:
        sheet, row, col = cells[index % len(cells)]
        cell = wb[sheet].cell(row=row, column=col)
        try:
            cell.value = value
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl will not hold it
            continue
    try:
        wb.save(target)
    except (AttributeError, TypeError, ValueError):  # a mutant openpyxl cannot write
        assume(False)


def _mutate_bytes(source: Path, target: Path, flips: list[tuple[int, int]]) -> None:
    """Bytes changed inside one part of the zip (the zip itself stays sound)."""
    with zipfile.ZipFile(source) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    names = sorted(parts)
    for where, byte in flips:
        name = names[where % len(names)]
        data = bytearray(parts[name])
        if data:
            data[(where // len(names)) % len(data)] = byte
        parts[name] = bytes(data)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def _read_or_refuse(read, path: Path) -> None:  # type: ignore[no-untyped-def]
    try:
        read(path)
    except PerfDeskError as exc:
        assert str(exc).startswith(path.name) or path.name in str(exc)


@pytest.fixture(scope="module")
def sources(corpus: Path) -> dict[str, Path]:
    return {"workbook": corpus / "sources" / "base plan.xlsx",
            "return": corpus / "sources" / "return.xlsx",
            "bundle": next((corpus / "accepted").rglob("ana*.perfdesk-updates"))}


READERS = {"workbook": read_workbook, "return": lambda p: read_return(p, TODAY)}


@pytest.mark.parametrize("kind", list(READERS))
@FUZZ
@given(changes=st.lists(st.tuples(st.integers(0, 10_000), cell_values), min_size=1,
                        max_size=6))
def test_cells_mutated(kind: str, changes: list, sources: dict[str, Path],
                       tmp_path_factory: pytest.TempPathFactory) -> None:
    target = tmp_path_factory.mktemp("fuzz") / f"mutant {kind}.xlsx"
    _mutate_cells(sources[kind], target, changes)
    _read_or_refuse(READERS[kind], target)


@pytest.mark.parametrize("kind", list(READERS))
@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1,
                      max_size=8))
def test_bytes_mutated(kind: str, flips: list, sources: dict[str, Path],
                       tmp_path_factory: pytest.TempPathFactory) -> None:
    target = tmp_path_factory.mktemp("fuzz") / f"mutant {kind}.xlsx"
    _mutate_bytes(sources[kind], target, flips)
    _read_or_refuse(READERS[kind], target)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
              st.sampled_from(["inf", "-1e999", "nan", "1e309", "2024-02-31", "99999-01-01",
                               "", "\x00", "true", "-1"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)


@FUZZ
@given(where=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), json_values),
                      min_size=1, max_size=4),
       reseal=st.booleans())
def test_bundle_values_mutated(where: list, reseal: bool, sources: dict[str, Path],
                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """Any value of the bundle (a top-level key, a change's field, a field of
    an added row) replaced, the checksum made good again or not."""
    body = json.loads(sources["bundle"].read_text(encoding="utf-8"))
    body.pop("checksum")
    for first, second, value in where:
        changes = body.get("changes")
        if not isinstance(changes, list) or not changes:
            break  # an earlier mutation replaced the list itself: send that as it is
        change = changes[first % len(changes)]
        if not isinstance(change, dict) or not change:
            break
        keys = sorted(change)
        key = keys[second % len(keys)]
        row = _added_row(change) if key == "new" and first % 2 else None
        if row:
            row[sorted(row)[second % len(row)]] = value
            change["new"] = json.dumps(row)
        elif first % 7 == 0:
            body[sorted(body)[second % len(body)]] = value
        else:
            change[key] = value
    if reseal:
        try:
            body["checksum"] = checksum(body)
        except ValueError:  # NaN or infinity: JSON has no such number; sent as is
            body["checksum"] = "sha256:0"
    target = tmp_path_factory.mktemp("fuzz") / "mutant.perfdesk-updates"
    target.write_text(json.dumps(body), encoding="utf-8")
    _read_or_refuse(read_bundle, target)


def _added_row(change: dict) -> dict | None:
    """The row an insert adds, while it is still one (earlier mutations may
    have changed the kind, or the row's text)."""
    if change.get("kind") != "insert" or not isinstance(change.get("new"), str):
        return None
    try:
        row = json.loads(change["new"])
    except ValueError:
        return None
    return row if isinstance(row, dict) and row else None


@FUZZ
@given(cut=st.integers(0, 10**6), flips=st.lists(st.tuples(st.integers(0, 10**6),
                                                          st.integers(0, 255)), max_size=4))
def test_bundle_bytes_mutated(cut: int, flips: list, sources: dict[str, Path],
                              tmp_path_factory: pytest.TempPathFactory) -> None:
    data = bytearray(sources["bundle"].read_bytes())
    data = data[: max(1, cut % (len(data) + 1))] if cut % 3 == 0 else data
    for where, byte in flips:
        data[where % len(data)] = byte
    target = tmp_path_factory.mktemp("fuzz") / "mutant.perfdesk-updates"
    target.write_bytes(bytes(data))
    _read_or_refuse(read_bundle, target)


def test_openpyxl_parses_through_defusedxml() -> None:
    """openpyxl refuses entity declarations only when defusedxml is there."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML
