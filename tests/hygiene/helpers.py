"""Running PerfDesk as a user would: in its own process, optionally as an
ordinary (unprivileged) user, so file modes and read-only folders count.

Root ignores file modes, so the permission tests run their PerfDesk as the
user `perfdesk-tester` (made in CI by .ci/run: `useradd --create-home
perfdesk-tester`). Without root or that user they skip, except in CI
(PERFDESK_CI=1), where a skip would hide a broken promise, so they fail.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTER = "perfdesk-tester"
IN_CI = os.environ.get("PERFDESK_CI") == "1"


def cannot(reason: str) -> None:
    """Skip the test, or fail it in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (PERFDESK_CI=1: this test must run in CI)")
    pytest.skip(reason)


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """An environment for a PerfDesk child: this checkout first on the path,
    its own home (settings, data, log), Qt offscreen, no proxy settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy") and not k.startswith("PERFDESK_")}
    env.update(
        PYTHONPATH=str(REPO), HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"), XDG_RUNTIME_DIR=str(home / "runtime"),
        QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1",
        PERFDESK_LOG=str(home / "log" / "perfdesk.log"), **extra,
    )
    return env


@contextmanager
def scratch(user: pwd.struct_passwd | None = None) -> Iterator[Path]:
    """A private folder the user (or this process) owns, outside pytest's
    root-only tmp folders; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="perfdesk-hygiene-"))
    try:
        if user is not None:
            os.chown(folder, user.pw_uid, user.pw_gid)
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:  # a test may leave a folder read-only
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o700)
        shutil.rmtree(folder, ignore_errors=True)


def ordinary_user() -> pwd.struct_passwd | None:
    """The user to run PerfDesk as: None when this process is already an
    ordinary user (it runs as itself); perfdesk-tester under root; skip or
    fail when root has no such user, or cannot run this Python as it."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(TESTER)
    except KeyError:
        cannot(f"running as root and there is no user {TESTER!r} to drop to "
               f"(make one: useradd --create-home {TESTER})")
    probe = subprocess.run(
        [*drop_to(user), sys.executable, "-c", "import perfdesk, sqlalchemy, PySide6"],
        env=child_env(Path(user.pw_dir)), capture_output=True, text=True, cwd="/",
    )
    if probe.returncode != 0:
        cannot(f"{TESTER} cannot run {sys.executable} with this checkout "
               f"(every folder above both needs o+x): {probe.stderr.strip()[-300:]}")
    return user


def drop_to(user: pwd.struct_passwd | None) -> list[str]:
    if user is None:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        cannot("setpriv (util-linux) is needed to run a test as an ordinary user")
    return [setpriv, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups",
            "--"]


def perfdesk(args: Sequence[str], home: Path, *, user: pwd.struct_passwd | None = None,
             umask: int | None = None, timeout: float = 120,
             **env: str) -> subprocess.CompletedProcess[str]:
    """`perfdesk ARGS` in a child process (as `user`, under `umask`)."""
    command = [*drop_to(user), sys.executable, "-m", "perfdesk", *args]
    return subprocess.run(
        command, env=child_env(home, **env), capture_output=True, text=True, cwd=home,
        timeout=timeout, preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )


def one_plain_line(stderr: str) -> str:
    """stderr holds one line and no traceback; return it."""
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


def snapshot(path: Path) -> tuple[bytes, int]:
    """A file's bytes and modification time, to show it was not changed."""
    return path.read_bytes(), path.stat().st_mtime_ns
