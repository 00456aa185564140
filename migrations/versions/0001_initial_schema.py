"""dossier sections, code tables, departments, versioning

Revision ID: 0001
Revises: 
Create Date: 2026-11-25

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ab_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('label', sa.String(length=150), nullable=True),
    sa.Column('description', sa.String(length=512), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('ab_permission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('ab_register_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=64), nullable=False),
    sa.Column('last_name', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=128), nullable=False),
    sa.Column('password', sa.String(length=256), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('registration_date', sa.DateTime(), nullable=True),
    sa.Column('registration_hash', sa.String(length=256), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('username')
    )
    op.create_table('ab_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('ab_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=64), nullable=False),
    sa.Column('last_name', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=128), nullable=False),
    sa.Column('password', sa.String(length=256), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('last_login', sa.DateTime(), nullable=True),
    sa.Column('login_count', sa.Integer(), nullable=True),
    sa.Column('fail_login_count', sa.Integer(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=True),
    sa.Column('changed_on', sa.DateTime(), nullable=True),
    sa.Column('created_by_fk', sa.Integer(), nullable=True),
    sa.Column('changed_by_fk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_fk'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_fk'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('username')
    )
    op.create_table('ab_view_menu',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=250), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('achievement_version',
    sa.Column('title', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('description', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('achieved_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('achievement_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievement_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_achievement_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_achievement_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('annual_assessment_version',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('grade', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('comments', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('annual_assessment_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_assessment_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_assessment_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_assessment_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_annual_assessment_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_annual_assessment_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_assessment_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_assessment_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('code_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_zh_hant', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('table_name', 'code')
    )
    with op.batch_alter_table('code_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_item_table_name'), ['table_name'], unique=False)

    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('is_hr', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('name')
    )
    op.create_table('duty_report_version',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('title', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('content', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('reported_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('duty_report_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_report_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_report_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_report_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_duty_report_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_duty_report_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_report_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_report_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('education_version',
    sa.Column('school', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('major', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('education', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('degree', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('start_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('graduation_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('education_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_education_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_education_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('integrity_report_version',
    sa.Column('period', sa.String(length=50), autoincrement=False, nullable=True),
    sa.Column('submitted_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('summary', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('integrity_report_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_report_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_report_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_report_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_integrity_report_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_integrity_report_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_report_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_report_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('integrity_risk_version',
    sa.Column('risk_point', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('controls', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('identified_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('integrity_risk_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_risk_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_risk_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_risk_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_integrity_risk_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_integrity_risk_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_risk_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_risk_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('official_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=50), autoincrement=False, nullable=True),
    sa.Column('gender', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('birth_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('ethnicity', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('native_place', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('political_status', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('education', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('degree', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('work_start_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('party_join_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('citizen_id', sa.String(length=18), autoincrement=False, nullable=True),
    sa.Column('department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('post', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('status', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('office_phone', sa.String(length=30), autoincrement=False, nullable=True),
    sa.Column('mobile', sa.String(length=20), autoincrement=False, nullable=True),
    sa.Column('email', sa.String(length=120), autoincrement=False, nullable=True),
    sa.Column('account_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('official_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_version_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_version_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_official_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_official_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_version_post'), ['post'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_version_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('personal_matter_report_version',
    sa.Column('kind', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('reported_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('content', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('personal_matter_report_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_matter_report_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_matter_report_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_matter_report_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_personal_matter_report_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_personal_matter_report_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_matter_report_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_matter_report_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('reward_version',
    sa.Column('title', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('granting_body', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('granted_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('level', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('reward_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_reward_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_reward_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('sanction_version',
    sa.Column('kind', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('reason', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('deciding_body', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('decided_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('period_months', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('ends_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('sanction_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanction_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sanction_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sanction_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_sanction_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_sanction_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sanction_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_sanction_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('special_assessment_version',
    sa.Column('project', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('result', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('assessed_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('special_assessment_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_assessment_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_special_assessment_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_special_assessment_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_special_assessment_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_special_assessment_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_special_assessment_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_special_assessment_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('training_outcome_version',
    sa.Column('training_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('certificate', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('certificate_no', sa.String(length=60), autoincrement=False, nullable=True),
    sa.Column('summary', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('obtained_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('training_outcome_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_outcome_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_outcome_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_outcome_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_training_outcome_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_training_outcome_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_outcome_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_outcome_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('training_version',
    sa.Column('name', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('start_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('end_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('place', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('institution', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('hours', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('training_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_training_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_training_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('violation_record_version',
    sa.Column('occurred_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('description', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('handling', sa.Text(), autoincrement=False, nullable=True),
    sa.Column('handled_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('violation_record_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_record_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_record_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_record_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_violation_record_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_violation_record_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_record_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_record_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('work_experience_version',
    sa.Column('unit', sa.String(length=200), autoincrement=False, nullable=True),
    sa.Column('post', sa.String(length=100), autoincrement=False, nullable=True),
    sa.Column('start_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('end_date', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('official_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('source_channel', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('received_on', sa.Date(), autoincrement=False, nullable=True),
    sa.Column('review_state', sa.String(length=16), autoincrement=False, nullable=True),
    sa.Column('source_department_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('entered_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('changed_at', sa.DateTime(), autoincrement=False, nullable=True),
    sa.Column('entered_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('changed_by_id', sa.Integer(), autoincrement=False, nullable=True),
    sa.Column('transaction_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('end_transaction_id', sa.BigInteger(), nullable=True),
    sa.Column('operation_type', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', 'transaction_id')
    )
    with op.batch_alter_table('work_experience_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_experience_version_end_transaction_id'), ['end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_experience_version_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_experience_version_operation_type'), ['operation_type'], unique=False)
        batch_op.create_index('ix_work_experience_version_pk_transaction_id', ['id', sa.literal_column('transaction_id DESC')], unique=False)
        batch_op.create_index('ix_work_experience_version_pk_validity', ['id', 'transaction_id', 'end_transaction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_experience_version_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_experience_version_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('ab_api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('key_hash', sa.String(length=256), nullable=False),
    sa.Column('lookup_hash', sa.String(length=256), nullable=True),
    sa.Column('key_prefix', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scopes', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=True),
    sa.Column('expires_on', sa.DateTime(), nullable=True),
    sa.Column('revoked_on', sa.DateTime(), nullable=True),
    sa.Column('last_used_on', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lookup_hash'),
    sa.UniqueConstraint('uuid')
    )
    with op.batch_alter_table('ab_api_key', schema=None) as batch_op:
        batch_op.create_index('idx_api_key_lookup_hash', ['lookup_hash'], unique=True)
        batch_op.create_index('idx_api_key_prefix', ['key_prefix'], unique=False)
        batch_op.create_index('idx_api_key_user_id', ['user_id'], unique=False)

    op.create_table('ab_group_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('role_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['ab_group.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['ab_role.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('group_id', 'role_id')
    )
    with op.batch_alter_table('ab_group_role', schema=None) as batch_op:
        batch_op.create_index('idx_group_id', ['group_id'], unique=False)
        batch_op.create_index('idx_group_role_id', ['role_id'], unique=False)

    op.create_table('ab_permission_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('permission_id', sa.Integer(), nullable=False),
    sa.Column('view_menu_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['permission_id'], ['ab_permission.id'], ),
    sa.ForeignKeyConstraint(['view_menu_id'], ['ab_view_menu.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('permission_id', 'view_menu_id')
    )
    with op.batch_alter_table('ab_permission_view', schema=None) as batch_op:
        batch_op.create_index('idx_permission_id', ['permission_id'], unique=False)
        batch_op.create_index('idx_view_menu_id', ['view_menu_id'], unique=False)

    op.create_table('ab_user_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['ab_group.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'group_id')
    )
    with op.batch_alter_table('ab_user_group', schema=None) as batch_op:
        batch_op.create_index('idx_user_group_id', ['group_id'], unique=False)
        batch_op.create_index('idx_user_id', ['user_id'], unique=False)

    op.create_table('ab_user_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['role_id'], ['ab_role.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'role_id')
    )
    op.create_table('official',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.String(length=16), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('ethnicity', sa.String(length=16), nullable=True),
    sa.Column('native_place', sa.String(length=100), nullable=True),
    sa.Column('political_status', sa.String(length=16), nullable=True),
    sa.Column('education', sa.String(length=16), nullable=True),
    sa.Column('degree', sa.String(length=16), nullable=True),
    sa.Column('work_start_date', sa.Date(), nullable=True),
    sa.Column('party_join_date', sa.Date(), nullable=True),
    sa.Column('citizen_id', sa.String(length=18), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('office_phone', sa.String(length=30), nullable=True),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['source_department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id'),
    sa.UniqueConstraint('citizen_id')
    )
    with op.batch_alter_table('official', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_post'), ['post'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_review_state'), ['review_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_official_status'), ['status'], unique=False)

    # Continuum draws transaction ids from this sequence on PostgreSQL.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence("transaction_id_seq")))
    op.create_table('transaction',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('remote_addr', sa.String(length=50), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('transaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transaction_user_id'), ['user_id'], unique=False)

    op.create_table('ab_permission_view_role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('permission_view_id', sa.Integer(), nullable=True),
    sa.Column('role_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['permission_view_id'], ['ab_permission_view.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['role_id'], ['ab_role.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('permission_view_id', 'role_id')
    )
    with op.batch_alter_table('ab_permission_view_role', schema=None) as batch_op:
        batch_op.create_index('idx_permission_view_id', ['permission_view_id'], unique=False)
        batch_op.create_index('idx_role_id', ['role_id'], unique=False)

    op.create_table('achievement',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('achieved_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievement_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_review_state'), ['review_state'], unique=False)

    op.create_table('annual_assessment',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=False),
    sa.Column('comments', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_department_id'], ['department.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('official_id', 'year')
    )
    with op.batch_alter_table('annual_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_assessment_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_assessment_review_state'), ['review_state'], unique=False)

    op.create_table('duty_report',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('duty_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_report_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_report_review_state'), ['review_state'], unique=False)

    op.create_table('education',
    sa.Column('school', sa.String(length=200), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=True),
    sa.Column('education', sa.String(length=16), nullable=True),
    sa.Column('degree', sa.String(length=16), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('graduation_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('education', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_review_state'), ['review_state'], unique=False)

    op.create_table('integrity_report',
    sa.Column('period', sa.String(length=50), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('integrity_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_report_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_report_review_state'), ['review_state'], unique=False)

    op.create_table('integrity_risk',
    sa.Column('risk_point', sa.Text(), nullable=False),
    sa.Column('controls', sa.Text(), nullable=False),
    sa.Column('identified_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('integrity_risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_risk_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_risk_review_state'), ['review_state'], unique=False)

    op.create_table('personal_matter_report',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('personal_matter_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_matter_report_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_matter_report_review_state'), ['review_state'], unique=False)

    op.create_table('reward',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('granting_body', sa.String(length=200), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_review_state'), ['review_state'], unique=False)

    op.create_table('sanction',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('deciding_body', sa.String(length=200), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('period_months', sa.Integer(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('sanction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanction_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sanction_review_state'), ['review_state'], unique=False)

    op.create_table('special_assessment',
    sa.Column('project', sa.String(length=200), nullable=False),
    sa.Column('result', sa.String(length=200), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('special_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_special_assessment_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_special_assessment_review_state'), ['review_state'], unique=False)

    op.create_table('training',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=100), nullable=True),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_review_state'), ['review_state'], unique=False)

    op.create_table('violation_record',
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('handling', sa.Text(), nullable=True),
    sa.Column('handled_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('violation_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violation_record_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_violation_record_review_state'), ['review_state'], unique=False)

    op.create_table('work_experience',
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('post', sa.String(length=100), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
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
    with op.batch_alter_table('work_experience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_experience_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_experience_review_state'), ['review_state'], unique=False)

    op.create_table('training_outcome',
    sa.Column('training_id', sa.Integer(), nullable=True),
    sa.Column('certificate', sa.String(length=200), nullable=True),
    sa.Column('certificate_no', sa.String(length=60), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('obtained_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('source_channel', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('review_state', sa.String(length=16), nullable=False),
    sa.Column('source_department_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['entered_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['official_id'], ['official.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_department_id'], ['department.id'], ),
    sa.ForeignKeyConstraint(['training_id'], ['training.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('training_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_outcome_official_id'), ['official_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_outcome_review_state'), ['review_state'], unique=False)



def downgrade():
    with op.batch_alter_table('training_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_outcome_review_state'))
        batch_op.drop_index(batch_op.f('ix_training_outcome_official_id'))

    op.drop_table('training_outcome')
    with op.batch_alter_table('work_experience', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_experience_review_state'))
        batch_op.drop_index(batch_op.f('ix_work_experience_official_id'))

    op.drop_table('work_experience')
    with op.batch_alter_table('violation_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violation_record_review_state'))
        batch_op.drop_index(batch_op.f('ix_violation_record_official_id'))

    op.drop_table('violation_record')
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_review_state'))
        batch_op.drop_index(batch_op.f('ix_training_official_id'))

    op.drop_table('training')
    with op.batch_alter_table('special_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_assessment_review_state'))
        batch_op.drop_index(batch_op.f('ix_special_assessment_official_id'))

    op.drop_table('special_assessment')
    with op.batch_alter_table('sanction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanction_review_state'))
        batch_op.drop_index(batch_op.f('ix_sanction_official_id'))

    op.drop_table('sanction')
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_review_state'))
        batch_op.drop_index(batch_op.f('ix_reward_official_id'))

    op.drop_table('reward')
    with op.batch_alter_table('personal_matter_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_review_state'))
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_official_id'))

    op.drop_table('personal_matter_report')
    with op.batch_alter_table('integrity_risk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_risk_review_state'))
        batch_op.drop_index(batch_op.f('ix_integrity_risk_official_id'))

    op.drop_table('integrity_risk')
    with op.batch_alter_table('integrity_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_report_review_state'))
        batch_op.drop_index(batch_op.f('ix_integrity_report_official_id'))

    op.drop_table('integrity_report')
    with op.batch_alter_table('education', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_review_state'))
        batch_op.drop_index(batch_op.f('ix_education_official_id'))

    op.drop_table('education')
    with op.batch_alter_table('duty_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_report_review_state'))
        batch_op.drop_index(batch_op.f('ix_duty_report_official_id'))

    op.drop_table('duty_report')
    with op.batch_alter_table('annual_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_assessment_review_state'))
        batch_op.drop_index(batch_op.f('ix_annual_assessment_official_id'))

    op.drop_table('annual_assessment')
    with op.batch_alter_table('achievement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_review_state'))
        batch_op.drop_index(batch_op.f('ix_achievement_official_id'))

    op.drop_table('achievement')
    with op.batch_alter_table('ab_permission_view_role', schema=None) as batch_op:
        batch_op.drop_index('idx_role_id')
        batch_op.drop_index('idx_permission_view_id')

    op.drop_table('ab_permission_view_role')
    with op.batch_alter_table('transaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transaction_user_id'))

    op.drop_table('transaction')
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence("transaction_id_seq")))
    with op.batch_alter_table('official', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_status'))
        batch_op.drop_index(batch_op.f('ix_official_review_state'))
        batch_op.drop_index(batch_op.f('ix_official_post'))
        batch_op.drop_index(batch_op.f('ix_official_name'))
        batch_op.drop_index(batch_op.f('ix_official_department_id'))

    op.drop_table('official')
    op.drop_table('ab_user_role')
    with op.batch_alter_table('ab_user_group', schema=None) as batch_op:
        batch_op.drop_index('idx_user_id')
        batch_op.drop_index('idx_user_group_id')

    op.drop_table('ab_user_group')
    with op.batch_alter_table('ab_permission_view', schema=None) as batch_op:
        batch_op.drop_index('idx_view_menu_id')
        batch_op.drop_index('idx_permission_id')

    op.drop_table('ab_permission_view')
    with op.batch_alter_table('ab_group_role', schema=None) as batch_op:
        batch_op.drop_index('idx_group_role_id')
        batch_op.drop_index('idx_group_id')

    op.drop_table('ab_group_role')
    with op.batch_alter_table('ab_api_key', schema=None) as batch_op:
        batch_op.drop_index('idx_api_key_user_id')
        batch_op.drop_index('idx_api_key_prefix')
        batch_op.drop_index('idx_api_key_lookup_hash')

    op.drop_table('ab_api_key')
    with op.batch_alter_table('work_experience_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_experience_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_work_experience_version_review_state'))
        batch_op.drop_index('ix_work_experience_version_pk_validity')
        batch_op.drop_index('ix_work_experience_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_work_experience_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_work_experience_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_work_experience_version_end_transaction_id'))

    op.drop_table('work_experience_version')
    with op.batch_alter_table('violation_record_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_violation_record_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_violation_record_version_review_state'))
        batch_op.drop_index('ix_violation_record_version_pk_validity')
        batch_op.drop_index('ix_violation_record_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_violation_record_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_violation_record_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_violation_record_version_end_transaction_id'))

    op.drop_table('violation_record_version')
    with op.batch_alter_table('training_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_training_version_review_state'))
        batch_op.drop_index('ix_training_version_pk_validity')
        batch_op.drop_index('ix_training_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_training_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_training_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_training_version_end_transaction_id'))

    op.drop_table('training_version')
    with op.batch_alter_table('training_outcome_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_outcome_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_training_outcome_version_review_state'))
        batch_op.drop_index('ix_training_outcome_version_pk_validity')
        batch_op.drop_index('ix_training_outcome_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_training_outcome_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_training_outcome_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_training_outcome_version_end_transaction_id'))

    op.drop_table('training_outcome_version')
    with op.batch_alter_table('special_assessment_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_special_assessment_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_special_assessment_version_review_state'))
        batch_op.drop_index('ix_special_assessment_version_pk_validity')
        batch_op.drop_index('ix_special_assessment_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_special_assessment_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_special_assessment_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_special_assessment_version_end_transaction_id'))

    op.drop_table('special_assessment_version')
    with op.batch_alter_table('sanction_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanction_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_sanction_version_review_state'))
        batch_op.drop_index('ix_sanction_version_pk_validity')
        batch_op.drop_index('ix_sanction_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_sanction_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_sanction_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_sanction_version_end_transaction_id'))

    op.drop_table('sanction_version')
    with op.batch_alter_table('reward_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_reward_version_review_state'))
        batch_op.drop_index('ix_reward_version_pk_validity')
        batch_op.drop_index('ix_reward_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_reward_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_reward_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_reward_version_end_transaction_id'))

    op.drop_table('reward_version')
    with op.batch_alter_table('personal_matter_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_version_review_state'))
        batch_op.drop_index('ix_personal_matter_report_version_pk_validity')
        batch_op.drop_index('ix_personal_matter_report_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_personal_matter_report_version_end_transaction_id'))

    op.drop_table('personal_matter_report_version')
    with op.batch_alter_table('official_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_official_version_status'))
        batch_op.drop_index(batch_op.f('ix_official_version_review_state'))
        batch_op.drop_index(batch_op.f('ix_official_version_post'))
        batch_op.drop_index('ix_official_version_pk_validity')
        batch_op.drop_index('ix_official_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_official_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_official_version_name'))
        batch_op.drop_index(batch_op.f('ix_official_version_end_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_official_version_department_id'))

    op.drop_table('official_version')
    with op.batch_alter_table('integrity_risk_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_risk_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_integrity_risk_version_review_state'))
        batch_op.drop_index('ix_integrity_risk_version_pk_validity')
        batch_op.drop_index('ix_integrity_risk_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_integrity_risk_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_integrity_risk_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_integrity_risk_version_end_transaction_id'))

    op.drop_table('integrity_risk_version')
    with op.batch_alter_table('integrity_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_report_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_integrity_report_version_review_state'))
        batch_op.drop_index('ix_integrity_report_version_pk_validity')
        batch_op.drop_index('ix_integrity_report_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_integrity_report_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_integrity_report_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_integrity_report_version_end_transaction_id'))

    op.drop_table('integrity_report_version')
    with op.batch_alter_table('education_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_education_version_review_state'))
        batch_op.drop_index('ix_education_version_pk_validity')
        batch_op.drop_index('ix_education_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_education_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_education_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_education_version_end_transaction_id'))

    op.drop_table('education_version')
    with op.batch_alter_table('duty_report_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_report_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_duty_report_version_review_state'))
        batch_op.drop_index('ix_duty_report_version_pk_validity')
        batch_op.drop_index('ix_duty_report_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_duty_report_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_duty_report_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_duty_report_version_end_transaction_id'))

    op.drop_table('duty_report_version')
    op.drop_table('department')
    with op.batch_alter_table('code_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_item_table_name'))

    op.drop_table('code_item')
    with op.batch_alter_table('annual_assessment_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_assessment_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_annual_assessment_version_review_state'))
        batch_op.drop_index('ix_annual_assessment_version_pk_validity')
        batch_op.drop_index('ix_annual_assessment_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_annual_assessment_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_annual_assessment_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_annual_assessment_version_end_transaction_id'))

    op.drop_table('annual_assessment_version')
    with op.batch_alter_table('achievement_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_version_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_achievement_version_review_state'))
        batch_op.drop_index('ix_achievement_version_pk_validity')
        batch_op.drop_index('ix_achievement_version_pk_transaction_id')
        batch_op.drop_index(batch_op.f('ix_achievement_version_operation_type'))
        batch_op.drop_index(batch_op.f('ix_achievement_version_official_id'))
        batch_op.drop_index(batch_op.f('ix_achievement_version_end_transaction_id'))

    op.drop_table('achievement_version')
    op.drop_table('ab_view_menu')
    op.drop_table('ab_user')
    op.drop_table('ab_role')
    op.drop_table('ab_register_user')
    op.drop_table('ab_permission')
    op.drop_table('ab_group')
