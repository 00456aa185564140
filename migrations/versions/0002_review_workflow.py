"""review workflow, change requests, collection register, staff departments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_request_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('table_name', sa.String(length=40), autoincrement=False, nullable=True),
    sa.Column('record_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('proposed', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('original', sa.Text(), autoincrement=False, nullable=True),
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
    with op.batch_alter_table('change_request_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_request_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_change_request_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_change_request_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('collection_receipt_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('section_key', sa.String(length=40), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('provider', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('deadline', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('description', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('collection_receipt_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_receipt_version_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_receipt_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_receipt_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_receipt_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_collection_receipt_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_collection_receipt_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_receipt_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('review_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_table', sa.String(length=40), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('record_table', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=False),
    sa.Column('to_state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.create_index('ix_review_decision_item', ['item_table', 'item_id'], unique=False)
        batch_op.create_index('ix_review_decision_record', ['record_table', 'record_id'], unique=False)

    op.create_table('staff_department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'department_id')
    )
    with op.batch_alter_table('staff_department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_department_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_department_user_id'), ['user_id'], unique=False)

    op.create_table('change_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('proposed', sa.Text(), nullable=False),
    sa.Column('original', sa.Text(), nullable=False),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_request_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_request_review_state'), ['review_state'], unique=False)

    op.create_table('collection_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=40), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
    sa.Column('provider', sa.String(length=100), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('collection_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collection_receipt_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_receipt_official_id'), ['official_id'], unique=False)

    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_achievement_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_achievement_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('achievement_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_achievement_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('annual_assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_annual_assessment_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_annual_assessment_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('annual_assessment_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_annual_assessment_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('duty_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_duty_report_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_duty_report_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('duty_report_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_duty_report_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('education', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_education_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_education_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('education_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_education_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('integrity_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_integrity_report_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_integrity_report_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('integrity_report_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_integrity_report_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('integrity_risk', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_integrity_risk_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_integrity_risk_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('integrity_risk_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_integrity_risk_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('personal_matter_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_personal_matter_report_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_personal_matter_report_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('personal_matter_report_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_personal_matter_report_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reward_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_reward_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('reward_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_reward_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('sanction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sanction_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_sanction_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('sanction_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_sanction_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('special_assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_special_assessment_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_special_assessment_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('special_assessment_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_special_assessment_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_training_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_training_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('training_outcome', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_training_outcome_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_training_outcome_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('training_outcome_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_training_outcome_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('training_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_training_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('violation_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_violation_record_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_violation_record_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('violation_record_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_violation_record_version_receipt_id'), ['receipt_id'], unique=False)

    with op.batch_alter_table('work_experience', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_work_experience_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_foreign_key('fk_work_experience_receipt_id', 'collection_receipt', ['receipt_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('work_experience_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_id', sa.Integer(), autoincrement=False, nullable=True))
        batch_op.create_index(batch_op.f('ix_work_experience_version_receipt_id'), ['receipt_id'], unique=False)



def downgrade():
    with op.batch_alter_table('work_experience_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_experience_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('work_experience', schema=None) as batch_op:
        batch_op.drop_constraint('fk_work_experience_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_work_experience_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('violation_record_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violation_record_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('violation_record', schema=None) as batch_op:
        batch_op.drop_constraint('fk_violation_record_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_violation_record_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('training_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('training_outcome_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_outcome_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('training_outcome', schema=None) as batch_op:
        batch_op.drop_constraint('fk_training_outcome_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_training_outcome_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_constraint('fk_training_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_training_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('special_assessment_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_assessment_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('special_assessment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_special_assessment_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_special_assessment_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('sanction_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanction_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('sanction', schema=None) as batch_op:
        batch_op.drop_constraint('fk_sanction_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sanction_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('reward_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reward_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reward_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('personal_matter_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('personal_matter_report', schema=None) as batch_op:
        batch_op.drop_constraint('fk_personal_matter_report_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('integrity_risk_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_risk_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('integrity_risk', schema=None) as batch_op:
        batch_op.drop_constraint('fk_integrity_risk_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_integrity_risk_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('integrity_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_report_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('integrity_report', schema=None) as batch_op:
        batch_op.drop_constraint('fk_integrity_report_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_integrity_report_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('education_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('education', schema=None) as batch_op:
        batch_op.drop_constraint('fk_education_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_education_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('duty_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_report_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('duty_report', schema=None) as batch_op:
        batch_op.drop_constraint('fk_duty_report_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_duty_report_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('annual_assessment_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_assessment_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('annual_assessment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_annual_assessment_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_annual_assessment_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('achievement_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_version_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.drop_constraint('fk_achievement_receipt_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_achievement_receipt_id'))
        batch_op.drop_column('receipt_id')

    with op.batch_alter_table('collection_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_receipt_official_id'))
        batch_op.drop_index(batch_op.f('ix_collection_receipt_deadline'))

    op.drop_table('collection_receipt')
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_request_review_state'))
        batch_op.drop_index(batch_op.f('ix_change_request_official_id'))

    op.drop_table('change_request')
    with op.batch_alter_table('staff_department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_department_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_department_department_id'))

    op.drop_table('staff_department')
    with op.batch_alter_table('review_decision', schema=None) as batch_op:
        batch_op.drop_index('ix_review_decision_record')
        batch_op.drop_index('ix_review_decision_item')

    op.drop_table('review_decision')
    with op.batch_alter_table('collection_receipt_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_receipt_version_transaction_id'))
        batch_op.drop_index('ix_collection_receipt_version_pk_validity')
        batch_op.drop_index('ix_collection_receipt_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_collection_receipt_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_collection_receipt_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_collection_receipt_version_end_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_collection_receipt_version_deadline'))

    op.drop_table('collection_receipt_version')
    with op.batch_alter_table('change_request_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_request_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_change_request_version_review_state'))
        batch_op.drop_index('ix_change_request_version_pk_validity')
        batch_op.drop_index('ix_change_request_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_change_request_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_change_request_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_change_request_version_end_transaction_id'))

    op.drop_table('change_request_version')
