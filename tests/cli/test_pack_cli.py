"""`perfdesk pack`, as the secretariat scripts it. The PDF renderer is
replaced by a stub that records what it was given, so these tests check the
command itself; one test runs the real renderer when it is there."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import types
from pathlib import Path

import pytest

from perfdesk.cli import main
from perfdesk.services.pack.model import PackData, PackOptions

CHILDRENS = "Children's Services"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_path: Path, capsys) -> str:
    db = str(tmp_path / "demo.sqlite")
    assert run(capsys, "demo", "--db", db)[0] == 0
    return db


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[PackData]:
    """A stand-in `perfdesk.reports.pack` writing a two-page PDF."""
    from pypdf import PdfWriter

    seen: list[PackData] = []

    def build_pack(data: PackData, out: Path, progress=None) -> Path:  # type: ignore[no-untyped-def]
        seen.append(data)
        writer = PdfWriter()
        for _ in range(2):
            writer.add_blank_page(width=595, height=842)
        with out.open("wb") as handle:
            writer.write(handle)
        return out

    def write_pack(data: PackData, out: Path, progress=None):  # type: ignore[no-untyped-def]
        return types.SimpleNamespace(path=build_pack(data, out, progress), pages=2)

    stub = types.ModuleType("perfdesk.reports.pack")
    stub.build_pack = build_pack  # type: ignore[attr-defined]
    stub.write_pack = write_pack  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "perfdesk.reports.pack", stub)
    return seen


def test_pack_of_every_plan(demo, tmp_path, rendered, capsys) -> None:
    out = tmp_path / "pack.pdf"
    code, printed, err = run(capsys, "pack", "--db", demo, "--out", str(out))
    assert (code, err) == (0, "")
    today = dt.date.today().isoformat()
    assert printed == f"Wrote {out}: 2 pages, 68 actions, 47 measures (as at {today})\n"
    assert out.exists()
    (data,) = rendered
    assert data.options == PackOptions()
    assert [p.short_name for p in data.plans] == [CHILDRENS, "Corporate Services", "Partnership"]


def test_every_option_reaches_the_pack(demo, tmp_path, rendered, capsys) -> None:
    out = tmp_path / "pack.pdf"
    code, printed, _ = run(
        capsys, "pack", "--db", demo, "--out", str(out), "--plan", "children’s services",
        "--plan", "Partnership", "--priority", "2", "--exceptions", "--as-at", "2023-09-30",
        "--meeting", "2023-10-12", "--marking", "official-sensitive", "--landscape",
        "--history", "--board", "Improvement Board",
    )
    assert code == 0
    (data,) = rendered
    assert data.options == PackOptions(
        plans=("children’s services", "Partnership"), priority="2", exceptions_only=True,
        as_at=dt.date(2023, 9, 30), meeting=dt.date(2023, 10, 12),
        marking="OFFICIAL-SENSITIVE", landscape=True, history=True, board="Improvement Board",
    )
    assert [p.short_name for p in data.plans] == [CHILDRENS]
    assert data.marking == "OFFICIAL-SENSITIVE"
    assert printed.endswith("measures (as at 2023-09-30)\n")
    assert printed.startswith(f"Wrote {out}: 2 pages, {data.action_count} action")


def test_lead_pack(demo, tmp_path, rendered, capsys) -> None:
    code, printed, _ = run(capsys, "pack", "--db", demo, "--out", str(tmp_path / "l.pdf"),
                           "--lead", "Julian Wooster", "--as-at", "2023-06-30")
    assert code == 0
    assert ": 2 pages, 10 actions, 0 measures (as at 2023-06-30)" in printed
    assert rendered[0].title == "Actions led by Julian Wooster"


def test_the_database_is_opened_read_only(demo, tmp_path, rendered, capsys,
                                          monkeypatch) -> None:
    from perfdesk.store import database

    asked: list[bool] = []
    real = database.open_database

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs.get("read_only", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(database, "open_database", spy)
    assert run(capsys, "pack", "--db", demo, "--out", str(tmp_path / "p.pdf"))[0] == 0
    assert asked == [True]


@pytest.mark.parametrize(("argv", "wanted"), [
    (["--plan", "Adults", "--plan", "Housing"],
     ["No plan named 'Adults'. Plans in this database: ",
      "No plan named 'Housing'. Plans in this database: "]),
    (["--priority", "9"], ["No priority '9' in "]),
    (["--lead", "Director"], ["No lead named 'Director'. Close names: "]),
    (["--lead", "Julian Wooster", "--plan", "Partnership"],
     ["Julian Wooster leads no actions and owns no measures in Partnership."]),
])
def test_refusals_say_what_there_is(demo, tmp_path, rendered, capsys, argv, wanted) -> None:
    out = tmp_path / "pack.pdf"
    code, printed, err = run(capsys, "pack", "--db", demo, "--out", str(out), *argv)
    assert (code, printed) == (1, "")
    lines = err.splitlines()
    assert len(lines) == len(wanted)
    for line, start in zip(lines, wanted, strict=True):
        assert line.startswith(start), line
    assert not out.exists() and rendered == []


def test_refused_when_the_folder_is_missing(demo, tmp_path, rendered, capsys) -> None:
    code, _, err = run(capsys, "pack", "--db", demo, "--out", str(tmp_path / "no" / "p.pdf"))
    assert code == 1 and err.startswith("No folder ")
    code, _, err = run(capsys, "pack", "--db", demo, "--out", str(tmp_path))
    assert code == 1 and "is a folder" in err


def test_refused_when_there_is_no_database(tmp_path, rendered, capsys) -> None:
    code, _, err = run(capsys, "pack", "--db", str(tmp_path / "none.sqlite"),
                       "--out", str(tmp_path / "p.pdf"))
    assert code == 1 and err.startswith("No database at ")
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.parametrize("argv", [
    [],  # no --out
    ["--out", "p.pdf", "--as-at", "30/09/2023x"],
    ["--out", "p.pdf", "--meeting", "soon"],
    ["--out", "p.pdf", "--marking", "SECRET"],
    ["--out", "p.pdf", "--colour"],
])
def test_usage_errors_exit_2(demo, rendered, capsys, argv) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["pack", "--db", demo, *argv])
    assert exit_.value.code == 2
    assert rendered == []


def test_without_the_renderer_it_says_so(demo, tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "perfdesk.reports.pack", None)  # import fails
    code, _, err = run(capsys, "pack", "--db", demo, "--out", str(tmp_path / "p.pdf"))
    assert code == 1 and err.startswith("This PerfDesk cannot write PDFs")


def test_a_damaged_database_is_refused(tmp_path, rendered, capsys) -> None:
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("create table x (y)").connection.close()
    code, _, err = run(capsys, "pack", "--db", str(path), "--out", str(tmp_path / "p.pdf"))
    assert code == 1 and err.strip()


def test_with_the_real_renderer(demo, tmp_path, capsys) -> None:
    pytest.importorskip("perfdesk.reports.pack")
    from pypdf import PdfReader

    out = tmp_path / "real.pdf"
    code, printed, err = run(capsys, "pack", "--db", demo, "--out", str(out),
                             "--plan", "Partnership", "--as-at", "2023-09-30", "--history")
    assert code == 0, err
    pages = len(PdfReader(out).pages)
    assert printed == (f"Wrote {out}: {pages} page{'s' if pages != 1 else ''}, 10 actions, "
                       "16 measures (as at 2023-09-30)\n")
