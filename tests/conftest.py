"""Shared fixtures. Qt runs offscreen; every test gets its own database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from perfdesk.services.plans.demo import load_demo
from perfdesk.store.database import Database, open_database


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real user's database."""
    monkeypatch.setenv("PERFDESK_DB", str(tmp_path / "user" / "perfdesk.sqlite"))
    # Beside the test's folder, not in it: tests look at what a command left there.
    log = tmp_path.parent / f"{tmp_path.name}-log" / "perfdesk.log"
    monkeypatch.setenv("PERFDESK_LOG", str(log))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "plans.sqlite"


@pytest.fixture
def empty_db(db_path: Path) -> Iterator[Database]:
    db = open_database(db_path, create=True, author="tester")
    yield db
    db.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once; tests get their own copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path, create=True, author="demo")
    load_demo(db)
    db.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, db_path: Path) -> Iterator[Database]:
    import sqlite3

    source = sqlite3.connect(demo_template)
    dest = sqlite3.connect(db_path)
    source.backup(dest)
    source.close()
    dest.close()
    db = open_database(db_path, author="tester")
    yield db
    db.close()
