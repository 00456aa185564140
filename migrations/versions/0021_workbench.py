"""an index for the workbench's "officials opened recently" (security.workbench)

The home page reads, for the signed-in account, the officials it opened last: the audit
trail's read events by actor. Without an index that is a scan of the whole trail on every
home page; with (actor_id, action, object_type, seq) it reads only that account's reads.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-03

"""
from alembic import op

revision = '0021'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_event_actor_reads', 'audit_event', ['actor_id', 'action', 'object_type', 'seq'])


def downgrade():
    op.drop_index('ix_audit_event_actor_reads', table_name='audit_event')
