"""The user's preferences, declared once with types and defaults, stored
with QSettings (no pickles). Window geometry is kept apart, by the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QSettings

from perfdesk.login import login_name
from perfdesk.services.pack.model import MARKINGS

RECENT_LIMIT = 8
T = TypeVar("T")


class Settings:
    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings("PerfDesk", "PerfDesk")

    def _get(self, key: str, default: T, kind: Callable[[Any], T]) -> T:
        value = self.store.value(key, default)
        try:
            return kind(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    def _list(self, key: str) -> list[str]:
        # QSettings gives back a one-item list as a plain string.
        value = self.store.value(key, [])
        if isinstance(value, str):
            return [value] if value else []
        return [str(v) for v in value] if isinstance(value, list | tuple) else []

    @property
    def user_name(self) -> str:
        """Your name: the author of your updates and changes."""
        return str(self._get("user/name", "", str)) or login_name()

    @user_name.setter
    def user_name(self, value: str) -> None:
        self.store.setValue("user/name", value.strip())

    @property
    def my_leads(self) -> list[str]:
        """The lead roles you hold (lead ids), for "My actions"."""
        return self._list("user/leads")

    @my_leads.setter
    def my_leads(self, value: list[str]) -> None:
        self.store.setValue("user/leads", list(value))

    @property
    def stale_days(self) -> int:
        """An open action with no update for longer than this is stale."""
        return max(1, int(self._get("filters/stale_days", 30, int)))

    @stale_days.setter
    def stale_days(self, value: int) -> None:
        self.store.setValue("filters/stale_days", int(value))

    @property
    def default_marking(self) -> str:
        value = str(self._get("print/marking", MARKINGS[0], str))
        return value if value in MARKINGS else MARKINGS[0]

    @default_marking.setter
    def default_marking(self, value: str) -> None:
        self.store.setValue("print/marking", value)

    @property
    def recent_databases(self) -> list[str]:
        return self._list("files/recent")

    def remember_database(self, location: str) -> None:
        recent = [location, *(r for r in self.recent_databases if r != location)]
        self.store.setValue("files/recent", recent[:RECENT_LIMIT])

    def forget_database(self, location: str) -> None:
        self.store.setValue("files/recent", [r for r in self.recent_databases if r != location])

    def window_value(self, key: str) -> object:
        return self.store.value(f"window/{key}")

    def set_window_value(self, key: str, value: object) -> None:
        self.store.setValue(f"window/{key}", value)
