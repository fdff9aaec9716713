"""Where PerfDesk's files live."""

from __future__ import annotations

import functools
import importlib.resources
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "PerfDesk"
DB_ENV = "PERFDESK_DB"
LOG_ENV = "PERFDESK_LOG"


class DataMissing(RuntimeError):
    """PerfDesk's own data (migrations, demo plans, fonts) is not where this
    way of running it puts it: a broken installation, not a user's mistake."""


@dataclass(frozen=True)
class DataLayout:
    """Where PerfDesk's own data folders (`database/`, `resources/`) are, and
    why: decided by how PerfDesk is running, never by which folder exists.

    - "frozen": a PyInstaller build (`sys.frozen`): `sys._MEIPASS/perfdesk/_data`.
      The build's spec must collect `database` and `resources` there, as the
      wheel does.
    - "checkout": a source checkout (or an editable install of one), told by
      the `pyproject.toml` beside the package: the repository's top level,
      where the design keeps `database/` and `resources/`.
    - "installed": anything else is an installed wheel, which carries them
      inside the package (`perfdesk/_data`, pyproject's force-include), found
      through `importlib.resources.files("perfdesk")`.
    """

    kind: str
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "database"

    @property
    def resources(self) -> Path:
        return self.root / "resources"


def resolve_layout(package: Path, *, frozen: bool = False,
                   bundle: Path | None = None) -> DataLayout:
    """The one rule, given the package's folder and how Python runs it."""
    if frozen:
        if bundle is None:
            raise DataMissing("PerfDesk is running frozen but its bundle folder "
                              "(sys._MEIPASS) is not set; reinstall PerfDesk.")
        layout = DataLayout("frozen", bundle / "perfdesk" / "_data")
    elif (package.parent / "pyproject.toml").is_file():
        layout = DataLayout("checkout", package.parent)
    else:
        layout = DataLayout("installed", package / "_data")
    if not (layout.database / "migrations").is_dir():
        raise DataMissing(f"PerfDesk's migrations are missing from {layout.database} "
                          f"(running as {layout.kind}); reinstall PerfDesk.")
    return layout


@functools.cache
def data_layout() -> DataLayout:
    """This process's `DataLayout` (worked out once)."""
    if getattr(sys, "frozen", False):
        bundle = getattr(sys, "_MEIPASS", None)
        return resolve_layout(Path(__file__).parent, frozen=True,
                              bundle=Path(bundle) if bundle else None)
    package = importlib.resources.files("perfdesk")
    if not isinstance(package, Path):  # Alembic and reportlab need real files
        raise DataMissing(f"PerfDesk is not installed as plain files ({package}); "
                          "reinstall PerfDesk.")
    return resolve_layout(package)


def database_dir() -> Path:
    """`database/`: migrations and the demo plans."""
    return data_layout().database


def resources_dir() -> Path:
    return data_layout().resources


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database() -> str:
    """The database used when no --db is given: $PERFDESK_DB, else the user
    data folder's perfdesk.sqlite."""
    return os.environ.get(DB_ENV) or str(user_data_dir() / "perfdesk.sqlite")


def log_file() -> Path:
    """The log of the window and the command line: what happened, and the
    traceback of any crash. $PERFDESK_LOG names another file (tests use it)."""
    if os.environ.get(LOG_ENV):
        return Path(os.environ[LOG_ENV])
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "perfdesk.log"
