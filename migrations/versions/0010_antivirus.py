"""virus scanning (§6.2.2): rescans of the store and quarantined files

Both tables get the change-tracking triggers (migrations/frozen/tracking_v1.py), like every table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

from migrations.frozen import tracking_v1 as tracking

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TRACKED = {'scan_run': ['id'], 'quarantine': ['id']}


def upgrade():
    op.create_table('scan_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('signatures', sa.String(length=200), nullable=True),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.Column('infected', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stored_sha256', sa.String(length=64), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=200), nullable=False),
    sa.Column('found_at', sa.DateTime(), nullable=False),
    sa.Column('scan_run_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_sha256')
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantine_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quarantine_official_id'), ['official_id'], unique=False)
    tracking.install(op.get_bind(), TRACKED)


def downgrade():
    # Dropping a table drops its triggers; the shared trigger function stays for the others.
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantine_official_id'))
        batch_op.drop_index(batch_op.f('ix_quarantine_material_id'))
    op.drop_table('quarantine')
    op.drop_table('scan_run')
