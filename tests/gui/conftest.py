"""GUI fixtures: settings in a temporary file, windows at a laptop's size,
and every question the app would ask answered by the test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from perfdesk.store.database import Database, open_database
from perfdesk.ui import ask
from perfdesk.ui.main_window import MainWindow
from perfdesk.ui.settings import Settings

LAPTOP = (1366, 768)
TODAY = dt.date(2023, 10, 2)  # mid-plan, so the demo has overdue actions


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    result = Settings(store)
    result.user_name = "Alex Tester"
    return result


@pytest.fixture(autouse=True)
def _no_blocking_questions(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Any message the app shows is recorded instead of blocking the test."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ask, "refuse", lambda _p, title, text: shown.append((title, text)))
    monkeypatch.setattr(ask, "inform", lambda _p, title, text: shown.append((title, text)))
    return shown


@pytest.fixture
def messages(_no_blocking_questions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return _no_blocking_questions


@pytest.fixture
def open_window(qtbot, settings: Settings) -> Iterator[Callable[[Database], MainWindow]]:
    windows: list[MainWindow] = []

    def make(db: Database) -> MainWindow:
        window = MainWindow(db, settings, today=TODAY)
        qtbot.addWidget(window)
        window.resize(*LAPTOP)
        window.show()
        window.windowHandle().requestActivate()
        qtbot.waitUntil(window.isActiveWindow)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def reopen(db_path: Path) -> Callable[[], Database]:
    return lambda: open_database(db_path, author="tester")
