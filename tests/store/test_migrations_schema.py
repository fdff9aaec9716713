"""The schema belongs to Alembic: revisions are numbered and the head is known."""

from perfdesk.store import migrate


def test_shipped_revisions_match_alembic_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrate.migrations_dir()))
    assert ScriptDirectory.from_config(config).get_current_head() == migrate.head_revision()
