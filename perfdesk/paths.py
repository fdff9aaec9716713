"""Where PerfDesk's files live."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "PerfDesk"
DB_ENV = "PERFDESK_DB"
LOG_ENV = "PERFDESK_LOG"
_PACKAGE = Path(__file__).resolve().parent


def _data_root() -> Path:
    """Installed: the data folders ride inside the package (perfdesk/_data).
    From a source checkout: the repository's top level."""
    installed = _PACKAGE / "_data"
    return installed if installed.is_dir() else _PACKAGE.parent


def database_dir() -> Path:
    """`database/`: migrations and the demo plans."""
    return _data_root() / "database"


def resources_dir() -> Path:
    return _data_root() / "resources"


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
