"""Alembic environment for PerfDesk: always run on a connection PerfDesk hands in."""

from alembic import context

from perfdesk.store.schema import SQLModel

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite cannot alter most columns in place
)
with context.begin_transaction():
    context.run_migrations()
