"""No PerfDesk command, and no window start, on a database file opens a
network connection.

Every command in `perfdesk --help` runs in a child process with an audit
hook (PEP 578) that records each socket.connect, getaddrinfo and sendto
Python makes; the window starts in another. Qt's own C++ could connect
without Python seeing it, so where strace is installed the window start
also runs under `strace -f -e trace=connect`: no AF_INET or AF_INET6
connect at all. AF_UNIX connects are allowed: the C library's name-service
cache (nscd) socket, looked up when PerfDesk asks for the login name, and
D-Bus if a session bus is set (it is not here: the child gets no
DBUS_SESSION_BUS_ADDRESS); both are local to the machine.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfdesk.cli import build_parser
from tests.hygiene.helpers import REPO, child_env, scratch

RUNNER = REPO / "tests" / "hygiene" / "run_perfdesk.py"


def every_command(home: Path) -> list[list[str]]:
    """Each command of `perfdesk --help` (and each verb of returns and
    sync), in an order in which each has something to work on."""
    a, b, c = (str(home / n) for n in ("a.sqlite", "b.sqlite", "laptop.sqlite"))
    out = home / "out"
    action = ["--plan", "Partnership", "--action", "PA1.1"]
    return [
        ["demo", "--db", a],
        ["plans", "--db", a],
        ["measures", "--plan", "Partnership", "--db", a],
        ["export-plan", "Partnership", "--out", str(out / "plan.xlsx"), "--db", a],
        ["import-plan", str(out / "plan.xlsx"), "--db", b],
        ["export-actions", "--plan", "Partnership", "--out", str(out / "a.csv"), "--db", a],
        ["check", "--db", a],
        ["pack", "--plan", "Partnership", "--out", str(out / "pack.pdf"), "--db", a],
        ["update", *action, "--status", "on track", "--note", "Met", "--db", a],
        ["edit", *action, "impact=Fewer repeat referrals", "--db", a],
        ["returns", "export", "--all", "--out", str(out / "returns"), "--db", a],
        ["returns", "import", str(out / "returns" / "*.xlsx"), "--yes", "--db", a],
        ["sync", "publish", "--out", str(out / "master.sqlite"), "--db", a],
        ["sync", "refresh", str(out / "master.sqlite"), "--db", c],
        ["update", *action, "--status", "at risk", "--db", c],
        ["edit", *action, "impact=From the laptop", "--db", c],
        ["edit", *action, "impact=From the master", "--db", a],
        ["sync", "send", "--out", str(out / "laptop.perfdesk-bundle"), "--db", c],
        ["sync", "receive", str(out / "laptop.perfdesk-bundle"), "--db", a],
        ["sync", "conflicts", "--db", a],
        ["sync", "resolve", "--all", "--take", "master", "--db", a],
        ["backup", "--db", a],
        ["backups", "--db", a],
        ["restore", "1", "--db", a],
    ]


def _names(commands: list[list[str]]) -> set[str]:
    return {" ".join(c[:2]) if c[0] in ("sync", "returns") else c[0] for c in commands}


def _help_commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    names = set()
    for name, child in sub.choices.items():
        verbs = [a for a in child._actions if a.dest in ("sync_command", "returns_command")]
        names |= {f"{name} {v}" for v in verbs[0].choices} if verbs else {name}
    return names


def test_every_command_runs_without_the_network() -> None:
    with scratch() as home:
        (home / "out").mkdir()
        commands = every_command(home)
        assert _names(commands) == _help_commands()
        returns = home / "out" / "returns"
        done = subprocess.run(
            [sys.executable, str(RUNNER), str(home / "network.log"), "--many",
             json.dumps(commands)],
            env=child_env(home), capture_output=True, text=True, cwd=home, timeout=600,
        )
        assert done.returncode == 0, done.stderr
        exits = [line.split(" ", 2) for line in done.stdout.splitlines()
                 if line.startswith("EXIT ")]
        assert len(exits) == len(commands), done.stdout + done.stderr
        # Each did its work (sync receive finds the conflict it was set up to: exit 3).
        assert [int(code) for _, code, _ in exits] == [
            3 if c[:2] == ["sync", "receive"] else 0 for c in commands], done.stdout + done.stderr
        assert list(returns.glob("*.xlsx"))
        assert not (home / "network.log").exists(), (home / "network.log").read_text()


def test_a_window_start_makes_no_network_connection() -> None:
    with scratch() as home:
        done = subprocess.run(
            [sys.executable, str(RUNNER), str(home / "network.log")],
            env=child_env(home), capture_output=True, text=True, cwd=home, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "BANNER" not in done.stdout  # it opened its own database, writable
        assert not (home / "network.log").exists(), (home / "network.log").read_text()


CONNECT = re.compile(r"connect\(\d+, \{sa_family=(AF_\w+)")


def test_a_window_start_connects_to_nothing_beyond_this_machine() -> None:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed (apt-get install strace)")
    with scratch() as home:
        trace = home / "connect.trace"
        done = subprocess.run(
            [strace, "-f", "-qq", "-e", "trace=connect", "-o", str(trace),
             sys.executable, str(RUNNER), str(home / "network.log")],
            env=child_env(home), capture_output=True, text=True, cwd=home, timeout=180,
        )
        if done.returncode != 0 and "ptrace" in done.stderr:
            pytest.skip(f"strace cannot trace here: {done.stderr.strip()[:200]}")
        assert done.returncode == 0, done.stderr
        families = CONNECT.findall(trace.read_text())
        assert not {"AF_INET", "AF_INET6"} & set(families), trace.read_text()
        assert set(families) <= {"AF_UNIX"}, trace.read_text()
