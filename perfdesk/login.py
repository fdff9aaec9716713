"""The name the user logged in as: who an edit is by, in the window (unless
Preferences names someone) and on the command line."""

from __future__ import annotations

import getpass


def login_name() -> str:
    """The login name, or "" where the system has none (a container with no
    password entry, Windows without USERNAME)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):
        return ""
