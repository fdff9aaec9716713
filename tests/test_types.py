"""The package type-checks: mypy with the settings in pyproject.toml's [tool.mypy]."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Kept between runs so a second run only re-checks what changed; mypy writes a
# .gitignore into it itself.
CACHE = ROOT / ".mypy_cache"


def test_mypy_is_clean() -> None:
    if importlib.util.find_spec("mypy") is None:
        if os.environ.get("CI"):
            pytest.fail("mypy is not installed, and CI must type-check the package")
        pytest.skip("mypy is not installed (pip install -e '.[test]' brings it)")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(CACHE), "perfdesk"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
