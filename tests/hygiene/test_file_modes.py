"""Every file and folder PerfDesk makes is owner-only (0600 files, 0700
folders) and never looser than the user's umask: the database and SQLite's
-wal/-shm, the backups folder and backups, keep.json, the log, settings,
exports, returns, bundles and packs. PerfDesk runs in its own process here
under the umask a user would have."""

from __future__ import annotations

import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest

from tests.hygiene.helpers import REPO, child_env, perfdesk, scratch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Windows has no file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def made_by_perfdesk(home: Path, umask: int) -> list[Path]:
    """Run the commands that make files, with no --db (so the user data
    folder is made too); return everything under `home` afterwards."""
    out = home / "out"
    out.mkdir(mode=0o755)
    out.chmod(0o755)  # a shared-looking folder: what PerfDesk puts in it is still its own
    steps = [
        ["demo"], ["backup"], ["backups", "--keep-days", "5"],
        ["export-plan", "Partnership", "--out", str(out / "plan.xlsx")],
        ["export-actions", "--plan", "Partnership", "--out", str(out / "actions.csv")],
        ["pack", "--plan", "Partnership", "--out", str(out / "pack.pdf")],
        ["returns", "export", "--all", "--out", str(out / "returns")],
        ["sync", "send", "--out", str(out / "changes.perfdesk-bundle")],
        ["sync", "publish", "--out", str(out / "master.sqlite")],
        ["update", "--plan", "Partnership", "--action", "PA1.1", "--status", "on track",
         "--note", "Met"],
    ]
    for args in steps:
        done = perfdesk(args, home, umask=umask)
        assert done.returncode == 0, (args, done.stderr)
    return [p for p in home.rglob("*") if p != out]


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_what_perfdesk_makes_is_owner_only(umask: int) -> None:
    with scratch() as home:
        made = made_by_perfdesk(home, umask)
        names = {p.name for p in made}
        for expected in ("perfdesk.sqlite", "perfdesk-backups", "keep.json", "perfdesk.log",
                         "plan.xlsx", "actions.csv", "pack.pdf", "returns",
                         "changes.perfdesk-bundle", "master.sqlite"):
            assert expected in names, (expected, sorted(names))
        assert any(p.parent.name == "perfdesk-backups" and p.suffix == ".sqlite" for p in made)
        assert any(p.parent.name == "returns" and p.suffix == ".xlsx" for p in made)
        too_open = {str(p.relative_to(home)): oct(mode(p)) for p in made
                    if mode(p) != (0o700 if p.is_dir() else 0o600)}
        assert too_open == {}


def test_replacing_a_file_does_not_keep_wider_access() -> None:
    with scratch() as home:
        perfdesk(["demo"], home)
        shared = home / "actions.csv"
        shared.write_text("old")
        shared.chmod(0o666)
        args = ["export-actions", "--plan", "Partnership", "--out", str(shared)]
        assert perfdesk(args, home, umask=0o022).returncode == 0
        assert mode(shared) == 0o600


def test_sqlites_own_files_follow_the_database() -> None:
    """The -wal and -shm SQLite makes beside a database take its mode."""
    with scratch() as home:
        assert perfdesk(["demo"], home, umask=0o022).returncode == 0
        db = next(home.rglob("perfdesk.sqlite"))
        reader = sqlite3.connect(db)  # keeps the -wal and -shm while the update runs
        try:
            reader.execute("SELECT count(*) FROM plan").fetchone()
            done = perfdesk(["update", "--plan", "Partnership", "--action", "PA1.1",
                             "--status", "at risk"], home, umask=0o022)
            assert done.returncode == 0, done.stderr
            for sidecar in ("-wal", "-shm"):
                assert mode(db.with_name(db.name + sidecar)) == 0o600
        finally:
            reader.close()


def test_the_window_makes_owner_only_settings_data_and_log() -> None:
    import subprocess

    with scratch() as home:
        runner = REPO / "tests" / "hygiene" / "run_perfdesk.py"
        done = subprocess.run(
            [sys.executable, str(runner), str(home / "network.log")],
            env=child_env(home), capture_output=True, text=True, cwd=home, timeout=120,
            preexec_fn=lambda: os.umask(0o022),
        )
        assert done.returncode == 0, done.stderr
        made = list(home.rglob("*"))
        names = {p.name for p in made}
        assert {"PerfDesk.conf", "perfdesk.sqlite", "perfdesk.log"} <= names, sorted(names)
        too_open = {str(p.relative_to(home)): oct(mode(p)) for p in made
                    if mode(p) != (0o700 if p.is_dir() else 0o600)}
        assert too_open == {}
