"""PerfDesk finds its migrations, demo plans and fonts by one rule, decided
by how it runs: a source checkout, an installed wheel, a frozen build."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfdesk import paths
from perfdesk.paths import DataMissing, data_layout, resolve_layout

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_layout() -> Iterator[None]:
    data_layout.cache_clear()
    yield
    data_layout.cache_clear()


def _data(root: Path) -> Path:
    (root / "database" / "migrations").mkdir(parents=True)
    (root / "resources").mkdir()
    return root


def test_a_checkout_uses_its_top_level_folders() -> None:
    layout = data_layout()
    assert layout.kind == "checkout"
    assert layout.database == ROOT / "database"
    assert paths.database_dir() == ROOT / "database"
    assert paths.resources_dir() == ROOT / "resources"
    assert (paths.database_dir() / "migrations" / "env.py").is_file()


def test_an_installed_package_uses_the_data_inside_it(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "perfdesk"
    _data(package / "_data")
    layout = resolve_layout(package)
    assert (layout.kind, layout.root) == ("installed", package / "_data")


def test_a_checkout_is_told_by_its_pyproject_not_by_which_folder_exists(tmp_path: Path) -> None:
    """A stray perfdesk/_data in a checkout does not make it an installation."""
    _data(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'perfdesk'\n")
    _data(tmp_path / "perfdesk" / "_data")
    assert resolve_layout(tmp_path / "perfdesk") == paths.DataLayout("checkout", tmp_path)


def test_an_installed_package_without_its_data_is_refused_plainly(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "perfdesk"
    package.mkdir(parents=True)
    (tmp_path / "site-packages" / "database" / "migrations").mkdir(parents=True)  # not ours
    with pytest.raises(DataMissing, match=r"migrations are missing .*installed.*reinstall"):
        resolve_layout(package)


def test_a_frozen_build_uses_its_bundle_folder(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "bundle"
    _data(bundle / "perfdesk" / "_data")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    layout = data_layout()
    assert (layout.kind, layout.root) == ("frozen", bundle / "perfdesk" / "_data")
    assert paths.database_dir() == bundle / "perfdesk" / "_data" / "database"
    assert paths.resources_dir() == bundle / "perfdesk" / "_data" / "resources"


def test_a_frozen_build_without_its_data_is_refused_plainly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    with pytest.raises(DataMissing, match="frozen"):
        data_layout()
    monkeypatch.delattr(sys, "_MEIPASS")
    data_layout.cache_clear()
    with pytest.raises(DataMissing, match="_MEIPASS"):
        data_layout()
