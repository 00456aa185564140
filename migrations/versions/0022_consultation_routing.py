"""consultation: the routed first approvers, their route, and the assisting archivist

An application records who decides its first approval (``consultation_approver``: the
applicant's department heads, or the unit head when there is none) and by which route,
so the queue shows it to exactly them; ``assisted_by_id`` names the archivist who
assists the reading (§5.3.3). Applications made before keep no routed approvers: the
rule routes them when they are decided (security.consultation.approvers).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa

from migrations.frozen import tracking_v1 as tracking

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    # Columns added in place (not batch mode, which rebuilds the table on SQLite and drops
    # its change-tracking triggers); SQLite takes the REFERENCES clause with the column.
    op.add_column('consultation', sa.Column('first_route', sa.String(length=20), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE consultation ADD COLUMN assisted_by_id INTEGER REFERENCES ab_user (id)')
    else:
        op.add_column('consultation', sa.Column('assisted_by_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_consultation_assisted_by_id', 'consultation', 'ab_user', ['assisted_by_id'],
                              ['id'])
    op.create_table('consultation_approver',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('consultation_id', 'user_id', name='uq_consultation_approver')
    )
    with op.batch_alter_table('consultation_approver', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_approver_user_id'), ['user_id'], unique=False)
    tracking.install(op.get_bind(), {'consultation_approver': ['id']})


def downgrade():
    with op.batch_alter_table('consultation_approver', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_approver_user_id'))
    op.drop_table('consultation_approver')
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # A column in a foreign key cannot be dropped in place: the table is rebuilt, and
        # its change-tracking triggers, which go with the old table, are put back.
        with op.batch_alter_table('consultation') as batch_op:
            batch_op.drop_column('assisted_by_id')
            batch_op.drop_column('first_route')
        tracking.install(bind, {'consultation': ['id']})
    else:
        op.drop_constraint('fk_consultation_assisted_by_id', 'consultation', type_='foreignkey')
        op.drop_column('consultation', 'assisted_by_id')
        op.drop_column('consultation', 'first_route')
