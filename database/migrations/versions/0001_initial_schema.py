"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 14:16:51.385874
"""

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author', sa.String(), nullable=False),
    sa.Column('database_id', sa.String(), nullable=False),
    sa.Column('table_name', sa.String(), nullable=False),
    sa.Column('row_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('field', sa.String(), nullable=False),
    sa.Column('old_value', sa.String(), nullable=True),
    sa.Column('new_value', sa.String(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_changed_at'), ['changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_row_id'), ['row_id'], unique=False)

    op.create_table('database_info',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('lead',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_name'), ['name'], unique=False)

    op.create_table('plan',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('short_name', sa.String(), nullable=False),
    sa.Column('organisation', sa.String(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('board', sa.String(), nullable=False),
    sa.Column('marking', sa.String(), nullable=False),
    sa.Column('state', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_short_name'), ['short_name'], unique=False)

    op.create_table('priority',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_id', sa.String(), nullable=False),
    sa.Column('ref', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('statement', sa.String(), nullable=False),
    sa.Column('needs_improvement', sa.String(), nullable=False),
    sa.Column('display_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('priority', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_priority_plan_id'), ['plan_id'], unique=False)

    op.create_table('role_holder',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lead_id', sa.String(), nullable=False),
    sa.Column('person', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('role_holder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_holder_lead_id'), ['lead_id'], unique=False)

    op.create_table('action',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_id', sa.String(), nullable=False),
    sa.Column('priority_id', sa.String(), nullable=True),
    sa.Column('ref', sa.String(), nullable=False),
    sa.Column('timeframe', sa.String(), nullable=True),
    sa.Column('success_criteria', sa.String(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('by_when', sa.String(), nullable=False),
    sa.Column('original_due_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_date_reason', sa.String(), nullable=False),
    sa.Column('measure_of_success', sa.String(), nullable=False),
    sa.Column('impact', sa.String(), nullable=False),
    sa.Column('display_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_plan_id'), ['plan_id'], unique=False)

    op.create_table('measure',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_id', sa.String(), nullable=False),
    sa.Column('priority_id', sa.String(), nullable=True),
    sa.Column('ref', sa.String(), nullable=False),
    sa.Column('area', sa.String(), nullable=False),
    sa.Column('indicator', sa.String(), nullable=False),
    sa.Column('unit', sa.String(), nullable=False),
    sa.Column('polarity', sa.String(), nullable=False),
    sa.Column('frequency', sa.String(), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('baseline_text', sa.String(), nullable=False),
    sa.Column('baseline_date', sa.Date(), nullable=True),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('target_text', sa.String(), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('tolerance', sa.Float(), nullable=True),
    sa.Column('definition', sa.String(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('owner_id', sa.String(), nullable=True),
    sa.Column('display_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['lead.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_plan_id'), ['plan_id'], unique=False)

    op.create_table('outcome',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_id', sa.String(), nullable=False),
    sa.Column('priority_id', sa.String(), nullable=True),
    sa.Column('statement', sa.String(), nullable=False),
    sa.Column('display_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_plan_id'), ['plan_id'], unique=False)

    op.create_table('action_lead',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('action_id', sa.String(), nullable=False),
    sa.Column('lead_id', sa.String(), nullable=False),
    sa.Column('display_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_lead_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_lead_lead_id'), ['lead_id'], unique=False)

    op.create_table('benchmark',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('measure_id', sa.String(), nullable=False),
    sa.Column('period', sa.String(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('comparator', sa.String(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('benchmark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_measure_id'), ['measure_id'], unique=False)

    op.create_table('measure_action',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('measure_id', sa.String(), nullable=False),
    sa.Column('action_id', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('measure_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_action_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_action_measure_id'), ['measure_id'], unique=False)

    op.create_table('measure_value',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('measure_id', sa.String(), nullable=False),
    sa.Column('period', sa.String(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('author', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_value_measure_id'), ['measure_id'], unique=False)

    op.create_table('progress_update',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('action_id', sa.String(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('done_text', sa.String(), nullable=False),
    sa.Column('next_steps', sa.String(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by', sa.String(), nullable=False),
    sa.Column('withdrawn_reason', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_update_action_id'), ['action_id'], unique=False)

    op.create_table('step',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('action_id', sa.String(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('timescale', sa.String(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('display_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_action_id'), ['action_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_action_id'))

    op.drop_table('step')
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_update_action_id'))

    op.drop_table('progress_update')
    with op.batch_alter_table('measure_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_value_measure_id'))

    op.drop_table('measure_value')
    with op.batch_alter_table('measure_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_action_measure_id'))
        batch_op.drop_index(batch_op.f('ix_measure_action_action_id'))

    op.drop_table('measure_action')
    with op.batch_alter_table('benchmark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_measure_id'))

    op.drop_table('benchmark')
    with op.batch_alter_table('action_lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_lead_lead_id'))
        batch_op.drop_index(batch_op.f('ix_action_lead_action_id'))

    op.drop_table('action_lead')
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_plan_id'))

    op.drop_table('outcome')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_plan_id'))

    op.drop_table('measure')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_plan_id'))

    op.drop_table('action')
    with op.batch_alter_table('role_holder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_holder_lead_id'))

    op.drop_table('role_holder')
    with op.batch_alter_table('priority', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_priority_plan_id'))

    op.drop_table('priority')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_short_name'))

    op.drop_table('plan')
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_name'))

    op.drop_table('lead')
    op.drop_table('database_info')
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_row_id'))
        batch_op.drop_index(batch_op.f('ix_change_changed_at'))

    op.drop_table('change')
