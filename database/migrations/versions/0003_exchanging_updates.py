"""tables for exchanging update bundles: state, log, seen changes, conflicts

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sync_conflict',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bundle_id', sa.String(), nullable=False),
        sa.Column('table_name', sa.String(), nullable=False),
        sa.Column('row_id', sa.String(), nullable=False),
        sa.Column('field', sa.String(), nullable=False),
        sa.Column('base_value', sa.String(), nullable=True),
        sa.Column('master_value', sa.String(), nullable=True),
        sa.Column('incoming_value', sa.String(), nullable=True),
        sa.Column('incoming_author', sa.String(), nullable=False),
        sa.Column('incoming_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('incoming_database', sa.String(), nullable=False),
        sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.String(), nullable=False),
        sa.Column('resolution', sa.String(), nullable=False),
        sa.Column('resolved_value', sa.String(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_conflict_row_id'), ['row_id'], unique=False)

    op.create_table(
        'sync_exchange',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('bundle_id', sa.String(), nullable=False),
        sa.Column('kind', sa.String(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('author', sa.String(), nullable=False),
        sa.Column('other_database', sa.String(), nullable=False),
        sa.Column('file_name', sa.String(), nullable=False),
        sa.Column('changes', sa.Integer(), nullable=False),
        sa.Column('applied', sa.Integer(), nullable=False),
        sa.Column('conflicts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('sync_exchange', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_sync_exchange_bundle_id'), ['bundle_id'], unique=False
        )

    op.create_table(
        'sync_state',
        sa.Column('key', sa.String(), nullable=False),
        sa.Column('value', sa.String(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'sync_seen',
        sa.Column('change_id', sa.String(length=36), nullable=False),
        sa.Column('bundle_id', sa.String(), nullable=False),
        sa.Column('outcome', sa.String(), nullable=False),
        sa.Column('conflict_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['conflict_id'], ['sync_conflict.id'], ),
        sa.PrimaryKeyConstraint('change_id'),
    )


def downgrade() -> None:
    op.drop_table('sync_seen')
    op.drop_table('sync_state')
    with op.batch_alter_table('sync_exchange', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_exchange_bundle_id'))
    op.drop_table('sync_exchange')
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_conflict_row_id'))
    op.drop_table('sync_conflict')
