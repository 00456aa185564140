"""job slots: the due time a scheduled run is for, so each slot runs once

Two schedulers firing for the same due time, at once or seconds apart, used to run
the job twice: the lock only kept them from running at the same moment. The job's
row now records the last due time taken.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (not batch mode): SQLite must keep the table, and its triggers.
    op.add_column('job_lock', sa.Column('last_due', sa.DateTime(), nullable=True))


def downgrade():
    # SQLite 3.35+ drops a column in place, keeping the table's triggers too.
    op.drop_column('job_lock', 'last_due')
