"""A database in a folder the user may not write (a shared drive's read-only
folder, a colleague's copy): PerfDesk opens it read-only, with or without
--read-only, shows what is really in it, and changes nothing.

Run as an ordinary user (root ignores file modes); see helpers.py."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hygiene.helpers import (
    REPO,
    child_env,
    drop_to,
    one_plain_line,
    ordinary_user,
    perfdesk,
    scratch,
    snapshot,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture(scope="module")
def user() -> pwd.struct_passwd | None:
    return ordinary_user()


@pytest.fixture
def home(user: pwd.struct_passwd | None) -> Iterator[Path]:
    with scratch(user) as folder:
        yield folder


def _copy(source: Path, dest: Path) -> None:
    a, b = sqlite3.connect(source), sqlite3.connect(dest)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def shared_folder(home: Path, demo: Path, *, journal: str = "wal",
                  waiting_change: bool = False, with_index: bool = False) -> Path:
    """home/shared/plans.sqlite, a copy of the demo database in journal mode
    `journal`; `waiting_change` leaves a committed change (Partnership's new
    title) in plans.sqlite-wal, not yet checkpointed, with its -shm index
    too if `with_index`."""
    folder = home / "shared"
    folder.mkdir()
    work = home / "work.sqlite"
    _copy(demo, work)
    conn = sqlite3.connect(work, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    if waiting_change:
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("UPDATE plan SET title = 'Retitled in the WAL' "
                     "WHERE short_name = 'Partnership'")
        sidecars = ("-wal", "-shm") if with_index else ("-wal",)
        for suffix in ("", *sidecars):  # copied while open: as a crash would leave them
            shutil.copyfile(f"{work}{suffix}", folder / f"plans.sqlite{suffix}")
        conn.close()
    else:
        conn.close()
        shutil.copyfile(work, folder / "plans.sqlite")
    for name in ("work.sqlite", "work.sqlite-wal", "work.sqlite-shm"):
        (home / name).unlink(missing_ok=True)
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)  # root owns it when the test drops to perfdesk-tester
    return folder


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: snapshot(p) for p in folder.iterdir()}


def as_user(args: list[str], home: Path, user: pwd.struct_passwd | None):  # type: ignore[no-untyped-def]
    return perfdesk(args, home, user=user)


@pytest.mark.parametrize("flag", [[], ["--read-only"]])
@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_plans_reads_a_database_in_a_folder_it_cannot_write(
        home: Path, user, demo_template: Path, flag: list[str], journal: str) -> None:
    folder = shared_folder(home, demo_template, journal=journal)
    before = files(folder)
    done = as_user(["plans", "--json", "--db", str(folder / "plans.sqlite"), *flag], home, user)
    assert done.returncode == 0, done.stderr
    assert {p["short_name"] for p in json.loads(done.stdout)} == {
        "Children's Services", "Corporate Services", "Partnership"}
    assert files(folder) == before


def test_committed_changes_waiting_in_the_wal_are_shown(home: Path, user,
                                                         demo_template: Path) -> None:
    folder = shared_folder(home, demo_template, waiting_change=True, with_index=True)
    before = files(folder)
    done = as_user(["plans", "--json", "--db", str(folder / "plans.sqlite")], home, user)
    assert done.returncode == 0, done.stderr
    titles = {p["short_name"]: p["title"] for p in json.loads(done.stdout)}
    assert titles["Partnership"] == "Retitled in the WAL"
    assert files(folder) == before


def test_waiting_changes_that_cannot_be_read_are_not_hidden(home: Path, user,
                                                            demo_template: Path) -> None:
    """No -shm, and none can be made: SQLite's immutable mode would show the
    file without the waiting change, so PerfDesk says so instead."""
    folder = shared_folder(home, demo_template, waiting_change=True)
    before = files(folder)
    done = as_user(["plans", "--db", str(folder / "plans.sqlite")], home, user)
    assert done.returncode == 1
    line = one_plain_line(done.stderr)
    assert "has changes waiting in plans.sqlite-wal" in line
    assert "copy plans.sqlite and plans.sqlite-wal together" in line
    assert files(folder) == before


def test_a_change_is_refused_in_plain_words(home: Path, user, demo_template: Path) -> None:
    folder = shared_folder(home, demo_template)
    before = files(folder)
    done = as_user(["update", "--db", str(folder / "plans.sqlite"), "--plan", "Partnership",
                    "--action", "PA1.1", "--status", "on track"], home, user)
    assert done.returncode == 1
    line = one_plain_line(done.stderr)
    assert "is open read-only (this computer does not let PerfDesk change the file" in line
    assert line.endswith("nothing was changed.")
    assert files(folder) == before


def test_the_window_opens_it_read_only_and_says_why(home: Path, user,
                                                    demo_template: Path) -> None:
    folder = shared_folder(home, demo_template)
    before = files(folder)
    runner = REPO / "tests" / "hygiene" / "run_perfdesk.py"
    done = subprocess.run(
        [*drop_to(user), sys.executable, str(runner), os.devnull, "--db",
         str(folder / "plans.sqlite")],
        env=child_env(home), capture_output=True, text=True, cwd=home, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    banner = next(line for line in done.stdout.splitlines() if line.startswith("BANNER: "))
    assert "Read-only: this computer does not let PerfDesk change the file" in banner
    assert "its folder cannot be written" in banner
    assert files(folder) == before
