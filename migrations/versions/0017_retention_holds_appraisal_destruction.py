"""retention schedule, appraisal marks, holds and destruction lists with their register (§9)

Every table gets the change-tracking triggers of models.tracking, like every table;
the versioned ones (rules, marks, holds, lists) have Continuum version tables.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

from migrations.frozen import tracking_v1 as tracking

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TRACKED = {
    'appraisal_mark': ['id'], 'appraisal_mark_version': ['id', 'transaction_id'],
    'destruction_list': ['id'], 'destruction_list_version': ['id', 'transaction_id'],
    'disposal_hold': ['id'], 'disposal_hold_version': ['id', 'transaction_id'],
    'retention_rule': ['id'], 'retention_rule_version': ['id', 'transaction_id'],
    'destruction_item': ['id'], 'destruction_register': ['id'], 'retention_due': ['id'],
}


def upgrade():
    op.create_table('appraisal_mark_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('table_name', sa.String(length=40), autoincrement=False, nullable=True),
    sa.Column('record_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('reason', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('note', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('appraisal_mark_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_mark_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_mark_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_mark_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_appraisal_mark_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_appraisal_mark_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_mark_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_mark_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('destruction_list_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('state', sa.String(length=12), autoincrement=False, nullable=True),
    sa.Column('reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('method', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('applicant_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('created_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('submitted_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('item_count', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('approver_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('approved_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('decision_note', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('second_reviewer_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('second_reviewed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('executor_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('supervisor_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('execution_started_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('executed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('execution_report', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('destruction_list_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_list_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_destruction_list_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_destruction_list_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_destruction_list_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_destruction_list_version_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_destruction_list_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('disposal_hold_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('material_class', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('material_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('ordered_by', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('placed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('placed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('lifted_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('lift_reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('disposal_hold_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposal_hold_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disposal_hold_version_lifted_at'), ['lifted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_disposal_hold_version_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disposal_hold_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disposal_hold_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_disposal_hold_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_disposal_hold_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disposal_hold_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('retention_rule_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('scope', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('key', sa.String(length=40), autoincrement=False, nullable=True),
    sa.Column('period_years', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('runs_from', sa.String(length=10), autoincrement=False, nullable=True),
    sa.Column('fixed_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('state', sa.String(length=12), autoincrement=False, nullable=True),
    sa.Column('reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('proposed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('decided_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('decided_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('decision_note', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('retention_rule_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_rule_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_retention_rule_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_retention_rule_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_retention_rule_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_retention_rule_version_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_retention_rule_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('appraisal_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appraisal_mark', schema=None) as batch_op:
        batch_op.create_index('ix_appraisal_mark_item', ['table_name', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_mark_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_mark_review_state'), ['review_state'], unique=False)

    op.create_table('destruction_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('second_reviewer_id', sa.Integer(), nullable=True),
    sa.Column('second_reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('executor_id', sa.Integer(), nullable=True),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('execution_started_at', sa.DateTime(), nullable=True),
    sa.Column('executed_at', sa.DateTime(), nullable=True),
    sa.Column('execution_report', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['approver_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['executor_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['second_reviewer_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['supervisor_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('destruction_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_list_state'), ['state'], unique=False)

    op.create_table('disposal_hold',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('material_class', sa.String(length=16), nullable=True),
    sa.Column('material_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('ordered_by', sa.String(length=200), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['placed_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disposal_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposal_hold_lifted_at'), ['lifted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_disposal_hold_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disposal_hold_official_id'), ['official_id'], unique=False)

    op.create_table('retention_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('period_years', sa.Integer(), nullable=True),
    sa.Column('runs_from', sa.String(length=10), nullable=False),
    sa.Column('fixed_on', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('retention_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_rule_state'), ['state'], unique=False)

    op.create_table('destruction_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('material_class', sa.String(length=16), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=400), nullable=True),
    sa.Column('formed_on', sa.Date(), nullable=True),
    sa.Column('basis', sa.String(length=10), nullable=True),
    sa.Column('basis_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_list.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('list_id', 'kind', 'official_id', 'table_name', 'record_id', name='uq_destruction_item')
    )
    with op.batch_alter_table('destruction_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_item_list_id'), ['list_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_destruction_item_official_id'), ['official_id'], unique=False)

    op.create_table('destruction_register',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('signature', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_list.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('list_id')
    )
    op.create_table('retention_due',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('material_class', sa.String(length=16), nullable=True),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rule_id'], ['retention_rule.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('retention_due', schema=None) as batch_op:
        batch_op.create_index('ix_retention_due_item', ['table_name', 'record_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_retention_due_official_id'), ['official_id'], unique=False)

    tracking.install(op.get_bind(), TRACKED)


def downgrade():
    with op.batch_alter_table('retention_due', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_due_official_id'))
        batch_op.drop_index('ix_retention_due_item')

    op.drop_table('retention_due')
    op.drop_table('destruction_register')
    with op.batch_alter_table('destruction_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_item_official_id'))
        batch_op.drop_index(batch_op.f('ix_destruction_item_list_id'))

    op.drop_table('destruction_item')
    with op.batch_alter_table('retention_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_rule_state'))

    op.drop_table('retention_rule')
    with op.batch_alter_table('disposal_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposal_hold_official_id'))
        batch_op.drop_index(batch_op.f('ix_disposal_hold_material_id'))
        batch_op.drop_index(batch_op.f('ix_disposal_hold_lifted_at'))

    op.drop_table('disposal_hold')
    with op.batch_alter_table('destruction_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_list_state'))

    op.drop_table('destruction_list')
    with op.batch_alter_table('appraisal_mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_mark_review_state'))
        batch_op.drop_index(batch_op.f('ix_appraisal_mark_official_id'))
        batch_op.drop_index('ix_appraisal_mark_item')

    op.drop_table('appraisal_mark')
    with op.batch_alter_table('retention_rule_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_rule_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_retention_rule_version_state'))
        batch_op.drop_index('ix_retention_rule_version_pk_validity')
        batch_op.drop_index('ix_retention_rule_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_retention_rule_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_retention_rule_version_end_transaction_id'))

    op.drop_table('retention_rule_version')
    with op.batch_alter_table('disposal_hold_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposal_hold_version_transaction_id'))
        batch_op.drop_index('ix_disposal_hold_version_pk_validity')
        batch_op.drop_index('ix_disposal_hold_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_disposal_hold_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_disposal_hold_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_disposal_hold_version_material_id'))
        batch_op.drop_index(batch_op.f('ix_disposal_hold_version_lifted_at'))
        batch_op.drop_index(batch_op.f('ix_disposal_hold_version_end_transaction_id'))

    op.drop_table('disposal_hold_version')
    with op.batch_alter_table('destruction_list_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_list_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_destruction_list_version_state'))
        batch_op.drop_index('ix_destruction_list_version_pk_validity')
        batch_op.drop_index('ix_destruction_list_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_destruction_list_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_destruction_list_version_end_transaction_id'))

    op.drop_table('destruction_list_version')
    with op.batch_alter_table('appraisal_mark_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_mark_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_appraisal_mark_version_review_state'))
        batch_op.drop_index('ix_appraisal_mark_version_pk_validity')
        batch_op.drop_index('ix_appraisal_mark_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_appraisal_mark_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_appraisal_mark_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_appraisal_mark_version_end_transaction_id'))

    op.drop_table('appraisal_mark_version')
