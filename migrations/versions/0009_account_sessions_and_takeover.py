"""account sessions that can be revoked, atomic lockout, and who last set an account's credentials

``session_generation`` is copied into a session at sign-in and compared on every
request: raising it ends every session of the account at once (logout, password
change, lock, disable, change of roles). ``login_failures`` is counted by one
conditional UPDATE per attempt, so no more than the limit are ever checked,
whatever the concurrency. ``credentials_set_by_id`` names whoever last chose the
account's password or reset its second factor if that was not its owner: that
person's permission requests can never be approved from this account.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (not batch mode): SQLite must keep the table and its change-tracking triggers.
    op.add_column('account_security', sa.Column('session_generation', sa.Integer(), nullable=False,
                                                server_default='0'))
    op.add_column('account_security', sa.Column('login_failures', sa.Integer(), nullable=False,
                                                server_default='0'))
    op.add_column('account_security', sa.Column('credentials_set_by_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('account_security') as batch:
        batch.drop_column('credentials_set_by_id')
        batch.drop_column('login_failures')
        batch.drop_column('session_generation')
