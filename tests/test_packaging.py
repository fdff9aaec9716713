"""A normal `pip install .` carries the migrations, demo plans and resources."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_database_and_resources(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="hatchling (in the test extra) builds the wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("perfdesk-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "perfdesk/_data/database/migrations/env.py" in names
    assert "perfdesk/_data/database/migrations/versions/0001_initial_schema.py" in names
    for plan in ("childrens_services", "corporate_services", "partnership"):
        assert f"perfdesk/_data/database/demo/{plan}.toml" in names
    assert any(n.startswith("perfdesk/_data/resources/") for n in names)
