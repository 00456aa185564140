"""data clean-up and backup retention: notices of stale drafts, retention on backup copies

The clean-up (jobs.cleanup, §4.3.3) tells the author of a stale draft before removing
it: draft_notice records when. Each backup copy records what the retention policy
(restic forget + prune) did to its target afterwards.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

from migrations.frozen import tracking_v1 as tracking

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TRACKED = {'draft_notice': ['id']}


def upgrade():
    op.create_table('draft_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_table', sa.String(length=40), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('notified_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_table', 'item_id', name='uq_draft_notice_item')
    )
    with op.batch_alter_table('draft_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_notice_author_id'), ['author_id'], unique=False)
    # Plain ADD COLUMN (not batch mode): SQLite must keep the table, and its triggers.
    op.add_column('backup_copy', sa.Column('forgotten', sa.Integer(), nullable=True))
    op.add_column('backup_copy', sa.Column('retention_error', sa.Text(), nullable=True))
    tracking.install(op.get_bind(), TRACKED)


def downgrade():
    op.drop_column('backup_copy', 'retention_error')
    op.drop_column('backup_copy', 'forgotten')
    with op.batch_alter_table('draft_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_notice_author_id'))
    op.drop_table('draft_notice')
