"""Render the pack to images, as a printer would, and check nothing spills
into the side margins and every page has its marking and content.

Needs poppler's `pdftoppm`. Without it the tests are skipped, except on CI
(the CI environment variable set), where a missing renderer is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sample_pack import sample_pack

from perfdesk.reports.pack import build_pack

DPI = 60
MARGIN_PX = int(15 / 25.4 * DPI) - 3  # the side margins, less a little for rounding


@pytest.fixture(scope="module")
def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (poppler-utils) is missing on CI: install it")
        pytest.skip("pdftoppm (poppler-utils) is not installed: cannot render the pack")
    return found


def _render(tool: str, pdf: Path) -> list[Image.Image]:
    prefix = pdf.with_suffix("")
    subprocess.run([tool, "-r", str(DPI), "-png", str(pdf), str(prefix)], check=True)
    files = sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
    return [Image.open(f).convert("L") for f in files]


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels in the box are darker than light grey."""
    return sum(image.crop(box).histogram()[:200])


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_rendered_pages_keep_inside_their_margins(
    pdftoppm: str, tmp_path: Path, landscape: bool
) -> None:
    data = sample_pack(landscape=landscape, history=True)
    images = _render(pdftoppm, build_pack(data, tmp_path / "pack.pdf"))
    assert len(images) > 10
    for number, image in enumerate(images, start=1):
        width, height = image.size
        assert (width > height) is landscape
        left = _ink(image, (0, 0, MARGIN_PX, height))
        right = _ink(image, (width - MARGIN_PX, 0, width, height))
        assert left == 0 and right == 0, f"page {number} prints into its side margin"
        top_band = _ink(image, (0, 0, width, int(height * 0.06)))
        bottom_band = _ink(image, (0, int(height * 0.94), width, height))
        body = _ink(image, (0, int(height * 0.08), width, int(height * 0.9)))
        assert top_band and bottom_band, f"page {number} lacks its header or footer"
        assert body > 200, f"page {number} is blank"
