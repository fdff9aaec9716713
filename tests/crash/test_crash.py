"""36 SIGKILLs, seeded, over the eight writers (see tests/crash/harness.py,
which runs the full 240 from the command line): nothing committed is lost,
nothing is half-applied, no laptop loses its identity or unsent work, no
incomplete backup is offered, and no lock outlives its process."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.crash.harness import FAILURES, run

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and process groups")


def test_writers_killed_at_random_points_lose_nothing(tmp_path: Path) -> None:
    report = run(kills=36, seed=12, folder=tmp_path)
    assert sum(report.kills.values()) == 36 and len(report.kills) == 8
    assert report.total_failures == 0, report.table()
    assert set(FAILURES) >= {f for found in report.failures.values() for f in found}
