"""What the command line says when it cannot do what was asked: one plain
line (which file or URL, what is wrong, what to do), exit status 1, never a
traceback; the file given is left exactly as it was."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from perfdesk.cli import main
from perfdesk.store.database import Database
from tests.hygiene.helpers import one_plain_line, perfdesk, scratch, snapshot


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    return one_plain_line(err)


def test_an_unknown_kind_of_url_is_refused_in_one_line(capsys) -> None:
    line = refused(capsys, "plans", "--db", "nosuch://x/y")
    assert line.startswith("nosuch://x/y: PerfDesk cannot open a 'nosuch' database")
    assert "Give a database file" in line


def test_a_url_to_a_server_whose_driver_is_missing_is_refused(capsys) -> None:
    line = refused(capsys, "plans", "--db", "mssql+nosuchdriver://u@h/db")
    assert "mssql+nosuchdriver://u@h/db" in line and "Give a database file" in line


def test_a_sqlite_url_in_a_missing_folder_is_refused(tmp_path: Path, capsys) -> None:
    os.chdir(tmp_path)
    line = refused(capsys, "plans", "--db", "sqlite:///missing-folder/x.db")
    assert line.startswith("No database at missing-folder/x.db.")
    assert "perfdesk demo --db missing-folder/x.db" in line
    assert not (tmp_path / "missing-folder").exists()


def test_a_sqlite_url_is_opened_as_the_file_it_names(demo_db: Database, capsys) -> None:
    path = demo_db.path
    demo_db.close()
    assert main(["plans", "--db", f"sqlite:///{path}", "--json"]) == 0
    assert "Partnership" in capsys.readouterr().out


def _corrupt_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 40_000] = bytes(range(256)) * (40_000 // 256) + b"\xa5" * (40_000 % 256)
    path.write_bytes(bytes(data))


def _random_after_header(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:100] + os.urandom(len(data) - 100))


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:5000])


@pytest.mark.parametrize("damage", [_corrupt_middle, _random_after_header, _truncated])
def test_check_on_a_damaged_file_says_so_in_one_line(demo_db: Database, damage, capsys) -> None:
    path = demo_db.path
    demo_db.close()
    for sidecar in ("-wal", "-shm"):
        path.with_name(path.name + sidecar).unlink(missing_ok=True)
    damage(path)
    before = snapshot(path)
    code = main(["check", "--db", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err
    if out:  # it could be read far enough to report: each problem a plain line
        assert "problem" in out
    else:
        line = one_plain_line(err)
        assert line.startswith(f"{path} is damaged or is not a PerfDesk database")
        assert "Restore a backup" in line
    assert snapshot(path) == before


def test_an_unexpected_error_is_logged_and_told_in_one_line(
        demo_db: Database, tmp_path: Path, monkeypatch, capsys) -> None:
    path = demo_db.path
    demo_db.close()
    log = tmp_path / "logs" / "perfdesk.log"
    monkeypatch.setenv("PERFDESK_LOG", str(log))

    def recurse(session, as_at):  # type: ignore[no-untyped-def]
        return recurse(session, as_at)

    monkeypatch.setattr("perfdesk.services.summaries.plan_summaries", recurse)
    before = snapshot(path)
    line = refused(capsys, "plans", "--db", str(path))
    assert line == (f"PerfDesk hit an unexpected problem (RecursionError); nothing was changed "
                    f"in the database; details are in {log}.")
    assert snapshot(path) == before
    text = log.read_text(encoding="utf-8")
    assert "Unexpected error running perfdesk plans" in text
    assert "Traceback" in text and "RecursionError" in text


def test_after_a_finished_edit_an_unexpected_error_does_not_claim_nothing_changed(
        demo_db: Database, tmp_path: Path, monkeypatch, capsys) -> None:
    path = demo_db.path
    demo_db.close()
    monkeypatch.setenv("PERFDESK_LOG", str(tmp_path / "perfdesk.log"))
    monkeypatch.setattr("perfdesk.cli.actions.print", lambda *a, **k: 1 / 0, raising=False)
    line = refused(capsys, "update", "--db", str(path), "--plan", "Partnership",
                   "--action", "PA1.1", "--status", "on track", "--note", "Met the board")
    assert "(ZeroDivisionError); the changes it had finished were saved;" in line


def test_no_traceback_reaches_a_real_terminal(tmp_path: Path) -> None:
    """In a process of its own, as a user runs it: logging's own error
    reports and the interpreter's last word are covered too."""
    with scratch() as home:
        bad = home / "notes.sqlite"
        bad.write_text("minutes of the last board meeting")
        for args, starts in (
            (["plans", "--db", "nosuch://x/y"], "nosuch://x/y: PerfDesk cannot open"),
            (["plans", "--db", "sqlite:///missing-folder/x.db"], "No database at missing-folder"),
            (["check", "--db", str(bad)], f"{bad} is not a PerfDesk database"),
            (["plans", "--db", str(home)], f"{home} is a folder"),
        ):
            done = perfdesk(args, home)
            assert done.returncode == 1, done
            assert one_plain_line(done.stderr).startswith(starts)
        assert bad.read_text() == "minutes of the last board meeting"


def test_a_crash_in_the_window_is_logged_not_printed(tmp_path: Path, capsys) -> None:
    """The window's crash handler: traceback to the log file; on the
    terminal at most one plain line."""
    import logging

    from perfdesk import log as logs
    from perfdesk.ui.crash import CrashHandler

    log_path = tmp_path / "perfdesk.log"
    logs.configure()
    logs.to_file(log_path)
    handler = CrashHandler(log_path)
    handler._show = lambda details: None  # type: ignore[method-assign]  # no dialog in a test
    try:
        raise RecursionError("deep")
    except RecursionError as exc:
        handler(type(exc), exc, exc.__traceback__)
    for h in logging.getLogger().handlers:
        h.flush()
    assert "Traceback" not in capsys.readouterr().err
    assert "RecursionError: deep" in log_path.read_text(encoding="utf-8")
    logs.to_file(tmp_path / "after.log")  # let go of the file


def _make_foreign(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.close()
