"""links back from a rolled-forward plan and its carried actions

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rolled_from_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key('fk_plan_rolled_from', 'plan', ['rolled_from_id'], ['id'])
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_id', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(
            'fk_action_carried_from', 'action', ['carried_from_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint('fk_action_carried_from', type_='foreignkey')
        batch_op.drop_column('carried_from_id')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint('fk_plan_rolled_from', type_='foreignkey')
        batch_op.drop_column('rolled_from_id')
