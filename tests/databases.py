"""Databases as tests need them: one the first PerfDesk release left, and
what a database holds, read as a user would see it."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from perfdesk.store.database import open_database
from perfdesk.store.schema import Plan


def make_schema_0001(path: Path) -> None:
    """A database as the first PerfDesk release left it (schema 0001, empty)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from perfdesk.store import migrate

    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(migrate.migrations_dir()))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()


def plan_titles(db_path: Path) -> set[str]:
    """The titles of the plans in the database."""
    db = open_database(db_path)
    try:
        with db.read() as session:
            return {p.title for p in session.exec(select(Plan)).all()}
    finally:
        db.close()
