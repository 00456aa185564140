"""supervision and inspection (§10, §4.3.2, §1.3): inspection reports, rectification
items, four-property self-check results, "none of this kind" confirmations

Every table gets the change-tracking triggers of models.tracking, like every table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

from migrations.frozen import tracking_v1 as tracking

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TRACKED = {'completeness_confirmation': ['id'], 'inspection_report': ['id'], 'rectification_item': ['id'],
           'four_property_run': ['id'], 'four_property_item': ['id']}


def upgrade():
    op.create_table('completeness_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('official_id', 'section_key', name='uq_completeness_confirmation')
    )
    with op.batch_alter_table('completeness_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completeness_confirmation_official_id'), ['official_id'], unique=False)
    op.create_table('inspection_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.String(length=12), nullable=False),
    sa.Column('generated_at', sa.DateTime(), nullable=False),
    sa.Column('generated_by_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['generated_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('rectification_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('finding_key', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('assigned_role', sa.String(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['report_id'], ['inspection_report.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_item_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_item_state'), ['state'], unique=False)
    op.create_table('four_property_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('trigger', sa.String(length=12), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('four_property_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('property', sa.String(length=16), nullable=False),
    sa.Column('item', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.String(length=8), nullable=False),
    sa.Column('checked', sa.Integer(), nullable=False),
    sa.Column('problems', sa.Integer(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['four_property_run.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('four_property_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_four_property_item_run_id'), ['run_id'], unique=False)
    tracking.install(op.get_bind(), TRACKED)


def downgrade():
    # Dropping a table drops its triggers; the shared trigger function stays for the others.
    with op.batch_alter_table('four_property_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_four_property_item_run_id'))
    op.drop_table('four_property_item')
    op.drop_table('four_property_run')
    with op.batch_alter_table('rectification_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_item_state'))
        batch_op.drop_index(batch_op.f('ix_rectification_item_report_id'))
    op.drop_table('rectification_item')
    op.drop_table('inspection_report')
    with op.batch_alter_table('completeness_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completeness_confirmation_official_id'))
    op.drop_table('completeness_confirmation')
