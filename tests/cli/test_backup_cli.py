"""`perfdesk backup`, `backups` and `restore`, run through a small harness
that wires `perfdesk.cli_backup` the way `perfdesk.cli` does."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from perfdesk import cli_backup
from perfdesk.errors import PerfDeskError
from perfdesk.store.backup import list_backups
from perfdesk.store.database import open_database
from perfdesk.store.schema import Plan


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="FILE", default=argparse.SUPPRESS)
    common.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="perfdesk", parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli_backup.add_parsers(sub, common)
    return parser


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """As `perfdesk.cli.main`: 0 done, 1 refused (the message on stderr)."""
    args = _parser().parse_args(list(argv), namespace=argparse.Namespace(read_only=False))
    try:
        db = open_database(args.db, read_only=args.read_only, author="tester")
        try:
            code = cli_backup.COMMANDS[args.command](db, args)
        finally:
            db.close()
    except PerfDeskError as exc:
        print(str(exc), file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db_file(empty_db, db_path: Path) -> str:
    _add_plan(db_path, "Before")
    empty_db.close()
    return str(db_path)


def _add_plan(db_path: Path, title: str) -> None:
    db = open_database(db_path)
    with db.write() as session:
        session.add(Plan(title=title, short_name=title))
    db.close()


def _titles(db_path: Path) -> set[str]:
    db = open_database(db_path)
    with db.read() as session:
        titles = {p.title for p in session.exec(select(Plan)).all()}
    db.close()
    return titles


def test_backup_says_where_it_went(db_file: str, db_path: Path, capsys) -> None:
    code, out, err = run(capsys, "backup", "--db", db_file)
    assert (code, err) == (0, "")
    saved = list_backups(db_path)[0].path
    assert out == f"Backed up to {saved}\n"
    assert saved.name.endswith("-manual.sqlite")


def test_backups_lists_newest_first_in_text_and_json(db_file: str, db_path: Path,
                                                     capsys) -> None:
    code, out, _ = run(capsys, "backups", "--db", db_file)
    assert code == 0 and "No backups" in out
    run(capsys, "backup", "--db", db_file)
    run(capsys, "backup", "--db", db_file)
    found = list_backups(db_path)
    code, out, _ = run(capsys, "backups", "--db", db_file)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("Backups of") and len(lines) == 3
    assert lines[1].split()[0] == "1" and lines[1].endswith(str(found[0].path))
    assert "manual" in lines[1] and "KB" in lines[1]
    code, out, _ = run(capsys, "backups", "--db", db_file, "--json")
    listed = json.loads(out)
    assert [b["path"] for b in listed] == [str(b.path) for b in found]
    assert set(listed[0]) == {"path", "taken_at", "reason", "size", "plans"}
    assert listed[0]["plans"] == ["Before"]


def test_restore_by_number_then_undo_it(db_file: str, db_path: Path, capsys) -> None:
    run(capsys, "backup", "--db", db_file)
    _add_plan(db_path, "After")
    code, out, err = run(capsys, "restore", "1", "--db", db_file)
    assert (code, err) == (0, "")
    assert _titles(db_path) == {"Before"}
    before = list_backups(db_path)[0]
    assert before.reason == "before-restore"
    assert out.startswith(f"Restored {db_file} from the backup of ")
    assert f"saved as {before.path}; `perfdesk restore` that file to undo." in out

    code, _, _ = run(capsys, "restore", str(before.path), "--db", db_file)
    assert code == 0
    assert _titles(db_path) == {"Before", "After"}


def test_restore_refuses_a_bad_number_or_a_foreign_file(db_file: str, db_path: Path,
                                                        tmp_path: Path, capsys) -> None:
    original = db_path.read_bytes()
    code, out, err = run(capsys, "restore", "3", "--db", db_file)
    assert (code, out) == (1, "")
    assert err == "No backup number 3: there are 0 (see `perfdesk backups`); nothing was changed.\n"

    bogus = tmp_path / "list.txt"
    bogus.write_text("not a database")
    code, _, err = run(capsys, "restore", str(bogus), "--db", db_file)
    assert code == 1 and "not a PerfDesk database" in err and len(err.splitlines()) == 1
    assert db_path.read_bytes() == original


def test_restore_refuses_a_backup_from_a_newer_perfdesk(db_file: str, db_path: Path,
                                                        capsys) -> None:
    run(capsys, "backup", "--db", db_file)
    saved = list_backups(db_path)[0].path
    with sqlite3.connect(saved) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    original = db_path.read_bytes()
    code, _, err = run(capsys, "restore", str(saved), "--db", db_file)
    assert code == 1 and "newer PerfDesk" in err
    assert db_path.read_bytes() == original


def test_restore_is_refused_on_a_database_opened_read_only(db_file: str, db_path: Path,
                                                          capsys) -> None:
    run(capsys, "backup", "--db", db_file)
    code, _, err = run(capsys, "restore", "1", "--db", db_file, "--read-only")
    assert code == 1 and "read-only" in err


def test_restore_needs_a_backup_argument(db_file: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        _parser().parse_args(["restore", "--db", db_file])
    assert exit_.value.code == 2


def test_backups_keep_options_set_how_many_are_kept(db_file: str, db_path: Path,
                                                    capsys) -> None:
    from perfdesk.domain.backup_policy import KeepPolicy
    from perfdesk.store.backup import read_policy

    code, out, _ = run(capsys, "backups", "--db", db_file, "--keep-days", "5",
                       "--keep-months", "all")
    assert code == 0 and "one a day for 5 days" in out and "every month" in out
    assert read_policy(db_path) == KeepPolicy(days=5, weeks=8, months=None)
    with pytest.raises(SystemExit):  # argparse: wrong usage, exit status 2
        run(capsys, "backups", "--db", db_file, "--keep-weeks", "x")
    assert "not a whole number" in capsys.readouterr().err
