"""The schema belongs to Alembic: revisions are numbered and the head is known."""

from perfdesk.store import migrate


def test_shipped_revisions_match_alembic_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrate.migrations_dir()))
    assert ScriptDirectory.from_config(config).get_current_head() == migrate.head_revision()


def test_migrations_build_exactly_the_tables_the_code_uses(tmp_path) -> None:
    """A database built by the migrations has every column the models expect,
    so an upgraded file and a new one hold the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from perfdesk.store.database import open_database

    db = open_database(tmp_path / "new.sqlite", create=True)
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    db.close()
    assert diffs == []
