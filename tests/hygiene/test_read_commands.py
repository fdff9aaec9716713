"""A command that only reads never changes the database file: not a byte,
not its modification time, whatever the file is."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from perfdesk.cli import READ_ONLY_COMMANDS, main
from perfdesk.store.database import Database, open_database
from tests.hygiene.helpers import one_plain_line, snapshot


def read_commands(out: Path) -> list[list[str]]:
    """Every read-only command, with what it needs to run."""
    commands = [
        ["plans"], ["plans", "--json"], ["measures", "--plan", "Partnership"], ["check"],
        ["export-plan", "Partnership", "--out", str(out / "plan.xlsx")],
        ["export-actions", "--plan", "Partnership", "--out", str(out / "actions.csv")],
        ["pack", "--plan", "Partnership", "--out", str(out / "pack.pdf")],
        ["backups"], ["sync", "conflicts"],
        ["returns", "export", "--all", "--out", str(out / "returns")],
    ]
    covered = {" ".join(c[:2]) if c[0] in ("sync", "returns") else c[0] for c in commands}
    assert covered == set(READ_ONLY_COMMANDS)
    return commands


def test_read_commands_leave_a_database_exactly_as_it_was(demo_db: Database, tmp_path: Path,
                                                           capsys) -> None:
    path = demo_db.path
    demo_db.close()
    before = snapshot(path)
    for args in read_commands(tmp_path):
        assert main([*args, "--db", str(path)]) == 0, (args, capsys.readouterr())
        assert snapshot(path) == before, args
    capsys.readouterr()


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _other_programs(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.close()


def _newer(path: Path) -> None:
    open_database(path, create=True).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()


def _text(path: Path) -> None:
    path.write_text("minutes of the last board meeting")


BAD: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty": (_empty, "is empty, not a PerfDesk database; nothing was changed."),
    "another program's": (_other_programs, "is not a PerfDesk database (it holds other tables)"),
    "from a newer PerfDesk": (_newer, "was written by a newer PerfDesk"),
    "not SQLite": (_text, "is not a PerfDesk database (not an SQLite file)"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_a_file_that_is_not_a_perfdesk_database_is_refused_untouched(
        kind: str, tmp_path: Path, capsys) -> None:
    make, says = BAD[kind]
    path = tmp_path / "given.sqlite"
    make(path)
    before = snapshot(path)
    for args in [*read_commands(tmp_path), ["update", "--plan", "P", "--action", "1",
                                            "--status", "on track"], ["backup"]]:
        assert main([*args, "--db", str(path)]) == 1, args
        line = one_plain_line(capsys.readouterr().err)
        assert line.startswith(str(path)) and says in line, (args, line)
        assert snapshot(path) == before, args
    _no_new_files(tmp_path, "given.sqlite")


def _no_new_files(folder: Path, name: str) -> None:
    """Nothing beside the file but, for a WAL database, the -shm index and an
    empty -wal that SQLite's read-only mode leaves (https://sqlite.org/wal.html)."""
    extra = {p.name for p in folder.iterdir()} - {name}
    assert extra <= {f"{name}-shm", f"{name}-wal"}, extra
    wal = folder / f"{name}-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_folder_given_as_the_database_is_refused(tmp_path: Path, capsys) -> None:
    for args in read_commands(tmp_path / "out"):
        assert main([*args, "--db", str(tmp_path)]) == 1
        line = one_plain_line(capsys.readouterr().err)
        assert line == f"{tmp_path} is a folder, not a PerfDesk database file; give the " \
                       "database file's name."
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_becomes_a_database_only_when_asked_to_create(
        tmp_path: Path, capsys) -> None:
    path = tmp_path / "new.sqlite"
    path.write_bytes(b"")
    assert main(["demo", "--db", str(path)]) == 0
    assert main(["plans", "--db", str(path), "--json"]) == 0
    assert "Partnership" in capsys.readouterr().out


def test_reading_a_database_from_an_older_perfdesk_leaves_it_as_it_was(
        tmp_path: Path, capsys) -> None:
    from tests.databases import make_schema_0001

    path = tmp_path / "old.sqlite"
    make_schema_0001(path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO plan (id, version, updated_at, title, short_name, organisation, board,"
            " marking, state, description) VALUES ('p1', 1, '2023-04-01 00:00:00',"
            " 'Kept as it was', 'Kept', '', '', '', 'Draft', '')"
        )
    conn.close()
    before = snapshot(path)
    assert main(["plans", "--db", str(path), "--json"]) == 0
    assert '"short_name": "Kept"' in capsys.readouterr().out
    assert main(["check", "--db", str(path)]) == 0
    assert "schema 0001" in capsys.readouterr().out
    assert snapshot(path) == before
    _no_new_files(tmp_path, "old.sqlite")  # and no backups folder
