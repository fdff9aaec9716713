"""Schema migrations, owned by Alembic (scripts in database/migrations).

Alembic is imported only when a database actually needs upgrading, so an
up-to-date database opens without paying for it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from perfdesk.paths import database_dir

log = logging.getLogger(__name__)


def migrations_dir() -> Path:
    return database_dir() / "migrations"


def known_revisions() -> list[str]:
    """Revision ids shipped with this PerfDesk, oldest first. Scripts are
    named NNNN_what.py with revision id NNNN."""
    names = (p.name for p in (migrations_dir() / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    return sorted(m[1] for n in names if (m := re.match(r"(\d{4})_", n)))


def head_revision() -> str:
    return known_revisions()[-1]


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to head in one transaction. Foreign keys are off while
    tables are rebuilt (SQLite batch mode; the pragma only works outside a
    transaction) and checked before commit."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    log.info("migrating database to %s", head_revision())
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None  # an open pool connection always has its sqlite3 one
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"migration left broken references: {problems[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
