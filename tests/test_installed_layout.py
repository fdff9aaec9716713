"""An installed wheel finds its own migrations, demo plans and fonts (inside
the package), not a checkout's, and ships no test or benchmark code."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_an_installed_wheel_uses_the_data_inside_its_package(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="hatchling (in the test extra) builds the wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "wheel"), str(ROOT)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "wheel").glob("perfdesk-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if n.startswith("benchmarks/") or "generate" in n]
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    run = tmp_path / "elsewhere"  # no checkout on the path: only the installed copy
    run.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "PERFDESK_LOG": str(tmp_path / "log")}
    env.pop("PERFDESK_DB", None)
    probe = subprocess.run(
        [sys.executable, "-c", "from perfdesk import paths; import perfdesk; "
         "print(paths.data_layout().kind, paths.database_dir(), perfdesk.__file__, sep='\\n')"],
        cwd=run, env=env, capture_output=True, text=True,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    kind, database, package = probe.stdout.splitlines()
    assert kind == "installed"
    assert Path(database) == target / "perfdesk" / "_data" / "database"
    assert Path(package).is_relative_to(target)
    demo = subprocess.run(  # migrations (Alembic) and the demo plans, read from the wheel
        [sys.executable, "-m", "perfdesk", "demo", "--db", str(tmp_path / "demo.sqlite")],
        cwd=run, env=env, capture_output=True, text=True,
    )
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "Children's Services" in demo.stdout
