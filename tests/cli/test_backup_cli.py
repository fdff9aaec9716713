"""`perfdesk backup`, `backups` and `restore`, run through a small harness
that wires `perfdesk.cli.backup` the way `perfdesk.cli` does."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from perfdesk.cli import backup as cli_backup
from perfdesk.errors import PerfDeskError
from perfdesk.store.backup import backup, backup_folder, list_backups
from perfdesk.store.database import open_database
from perfdesk.store.schema import Plan
from tests.databases import plan_titles


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
    assert plan_titles(db_path) == {"Before"}
    before = list_backups(db_path)[0]
    assert before.reason == "before-restore"
    assert out.startswith(f"Restored {db_file} from the backup of ")
    assert f"saved as {before.path}; `perfdesk restore` that file to undo." in out

    code, _, _ = run(capsys, "restore", str(before.path), "--db", db_file)
    assert code == 0
    assert plan_titles(db_path) == {"Before", "After"}


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


# --- restoring a damaged database (through `perfdesk.cli.main`, which does not open it) --


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from perfdesk import cli

    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _identity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT id FROM database_info").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def backed_up(db_path: Path, capsys) -> tuple[Path, str]:
    """A database of 60 plans, backed up; then one more plan made after the backup."""
    db = open_database(db_path, create=True, author="tester")
    with db.write() as session:
        for number in range(60):
            session.add(Plan(title=f"Plan {number} " + "words " * 60, short_name=f"P{number}"))
    db.close()
    assert _main(capsys, "backup", "--db", str(db_path))[0] == 0
    _add_plan(db_path, "After")
    return db_path, _identity(db_path)


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _corrupt_page(path: Path) -> None:
    import random

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page  # a whole page in the middle, past the header
    assert middle >= page
    data[middle:middle + page] = random.Random(7).randbytes(page)
    path.write_bytes(bytes(data))


def _truncated(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 3])


@pytest.mark.parametrize("damage", [_zero_bytes, _corrupt_page, _truncated],
                         ids=["zero bytes", "corrupt page", "truncated"])
def test_restore_brings_back_a_damaged_database_and_keeps_the_damaged_file(
    backed_up: tuple[Path, str], damage, capsys
) -> None:
    db_path, identity = backed_up
    damage(db_path)
    damaged = db_path.read_bytes()
    code, _, err = _main(capsys, "check", "--db", str(db_path))
    assert code == 1 and err  # PerfDesk finds it damaged: the reason for a restore
    stale_log = None
    if damage is _corrupt_page:  # left with its write-ahead log and index, as after a crash
        stale_log = b"stale log of the damaged file"
        db_path.with_name(db_path.name + "-wal").write_bytes(stale_log)
        db_path.with_name(db_path.name + "-shm").write_bytes(bytes(32768))

    code, out, err = _main(capsys, "restore", "1", "--db", str(db_path))
    assert (code, err) == (0, "")
    kept = next(backup_folder(db_path).glob("plans-damaged-*.sqlite"))
    assert out.startswith(f"{db_path} was damaged and could not be opened; it is kept, "
                          f"untouched, as {kept}. Restored {db_path} from the backup of ")
    assert kept.read_bytes() == damaged  # never deleted, byte for byte
    if stale_log is not None:  # its log kept with it, and not replayed into the restored file
        assert kept.with_name(kept.name + "-wal").read_bytes() == stale_log
    assert _main(capsys, "check", "--db", str(db_path))[0] == 0
    assert plan_titles(db_path) == {f"Plan {n} " + "words " * 60 for n in range(60)}
    assert _identity(db_path) == identity  # still the same database
    assert [b.reason for b in list_backups(db_path)] == ["manual"]  # the kept copy is no backup
    assert list(db_path.parent.glob(".*.part*")) == []
    assert not db_path.with_name(db_path.name + "-shm").exists() or stale_log is None


def _foreign_backup(tmp_path: Path) -> tuple[Path, str]:
    other = tmp_path / "elsewhere" / "other.sqlite"
    other.parent.mkdir()
    _add_plan_created(other, "Theirs")
    saved = backup(other, "manual", dt.datetime(2030, 1, 2, 3, 4, 5))
    return saved, _identity(other)


def _add_plan_created(path: Path, title: str) -> None:
    db = open_database(path, create=True, author="tester")
    with db.write() as session:
        session.add(Plan(title=title, short_name=title))
    db.close()


def test_another_databases_backup_onto_a_damaged_database_needs_a_decision(
    db_path: Path, tmp_path: Path, capsys
) -> None:
    _add_plan_created(db_path, "Ours")
    saved, theirs = _foreign_backup(tmp_path)
    db_path.write_bytes(b"")  # damaged, with no backups of its own to say what it was
    code, out, err = _main(capsys, "restore", str(saved), "--db", str(db_path))
    assert (code, out) == (1, "")
    assert "damaged" in err and "--force" in err and "--take-identity" in err
    assert db_path.read_bytes() == b"" and not backup_folder(db_path).exists()

    code, _, err = _main(capsys, "restore", str(saved), "--db", str(db_path), "--force")
    assert (code, err) == (0, "")
    assert plan_titles(db_path) == {"Theirs"}
    assert _identity(db_path) not in ("", theirs)  # a copy of that one, under its own identity

    db_path.write_bytes(b"")
    code, _, err = _main(capsys, "restore", str(saved), "--db", str(db_path),
                         "--take-identity")
    assert (code, err) == (0, "")
    assert _identity(db_path) == theirs
    assert len(list(backup_folder(db_path).glob("plans-damaged-*.sqlite"))) == 2


def test_restore_does_not_replace_another_applications_file(db_file: str, db_path: Path,
                                                           tmp_path: Path, capsys) -> None:
    run(capsys, "backup", "--db", db_file)
    songs = tmp_path / "songs.sqlite"
    conn = sqlite3.connect(songs)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    original = songs.read_bytes()
    saved = list_backups(db_path)[0].path
    code, _, err = _main(capsys, "restore", str(saved), "--db", str(songs), "--force")
    assert code == 1 and "not a PerfDesk database" in err
    assert songs.read_bytes() == original


def test_a_backup_missing_a_table_is_refused(db_file: str, db_path: Path, capsys) -> None:
    run(capsys, "backup", "--db", db_file)
    saved = list_backups(db_path)[0].path
    conn = sqlite3.connect(saved)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE progress_update")
    conn.commit()
    conn.close()
    original = db_path.read_bytes()
    code, _, err = _main(capsys, "restore", str(saved), "--db", db_file)
    assert code == 1 and "incomplete: it has no progress_update table" in err
    assert db_path.read_bytes() == original
