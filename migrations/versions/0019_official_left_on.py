"""the date an official left (official.left_on), and one rule in force per retention key

- official.left_on (and its Continuum version column): the date the official retired,
  was transferred out or died, entered with the status (models.official). Officials who
  left before this column existed have none: the retention schedule makes nothing of theirs
  due on a leaving date until one is entered (models.disposal.retention), and the due list
  counts them so the archive can have it entered.
- a unique partial index on retention_rule (scope, key) WHERE state = 'active': two
  approvals racing for one key cannot both leave a rule in force.

Plain ADD COLUMN (not batch mode): SQLite keeps the table and its change-tracking triggers.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

ACTIVE = sa.text("state = 'active'")


def upgrade():
    for table in ('official', 'official_version'):
        op.add_column(table, sa.Column('left_on', sa.Date(), nullable=True))
    op.create_index('ix_retention_rule_active', 'retention_rule', ['scope', 'key'], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def downgrade():
    op.drop_index('ix_retention_rule_active', table_name='retention_rule')
    # SQLite 3.35+ drops a column in place, keeping the table's triggers too.
    for table in ('official_version', 'official'):
        op.drop_column(table, 'left_on')
