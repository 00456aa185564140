"""list and page indexes: a page of officials, and an official's page, come straight off indexes

Every list of officials filters on review_state (only approved content is the
dossier) and orders by name; a department-scoped list or search also fixes the
department. Without these the databases sort the whole archive for every page.
A name-prefix search (LIKE '王%') needs the name in pattern order on PostgreSQL,
whatever the collation; SQLite has no such order and keeps a plain copy. The
official page reads each section by official and review state.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25

"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Every table of a dossier record at this revision.
RECORD_TABLES = (
    'education', 'work_experience', 'annual_assessment', 'special_assessment', 'training', 'training_outcome',
    'reward', 'sanction', 'integrity_report', 'integrity_risk', 'violation_record', 'duty_report',
    'personal_matter_report', 'achievement', 'material',
)


def upgrade():
    # Plain CREATE INDEX (not batch mode): SQLite must keep the table, and its triggers.
    op.create_index('ix_official_state_name', 'official', ['review_state', 'name'], unique=False)
    op.create_index('ix_official_department_state_name', 'official', ['department_id', 'review_state', 'name'],
                    unique=False)
    op.create_index('ix_official_state_name_prefix', 'official', ['review_state', 'name'], unique=False,
                    postgresql_ops={'name': 'varchar_pattern_ops'})
    op.create_index('ix_official_department_state_name_prefix', 'official', ['department_id', 'review_state', 'name'],
                    unique=False, postgresql_ops={'name': 'varchar_pattern_ops'})
    for table in RECORD_TABLES:
        op.create_index(f'ix_{table}_official_state', table, ['official_id', 'review_state'], unique=False)


def downgrade():
    for table in RECORD_TABLES:
        op.drop_index(f'ix_{table}_official_state', table_name=table)
    op.drop_index('ix_official_department_state_name_prefix', table_name='official')
    op.drop_index('ix_official_state_name_prefix', table_name='official')
    op.drop_index('ix_official_department_state_name', table_name='official')
    op.drop_index('ix_official_state_name', table_name='official')
