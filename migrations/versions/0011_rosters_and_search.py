"""rosters (花名册): saved rosters, and the pinyin search keys of officials' names

The search keys of the officials already there are computed here (models.pinyin).
saved_roster gets the change-tracking triggers of models.tracking, like every table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

from migrations.frozen import pinyin_v1, tracking_v1 as tracking

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TRACKED = {'saved_roster': ['id']}


def upgrade():
    op.create_table('saved_roster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('spec', sa.Text(), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['ab_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_saved_roster_owner_id', 'saved_roster', ['owner_id'], unique=False)
    # Plain ADD COLUMN and CREATE INDEX (not batch mode): SQLite must keep the table, and its triggers.
    for table in ('official', 'official_version'):
        op.add_column(table, sa.Column('name_pinyin', sa.String(length=200), nullable=True))
        op.add_column(table, sa.Column('name_initials', sa.String(length=50), nullable=True))
        op.add_column(table, sa.Column('name_pinyin_short', sa.String(length=100), nullable=True))
    op.create_index('ix_official_state_name_pinyin', 'official', ['review_state', 'name_pinyin'], unique=False,
                    postgresql_ops={'name_pinyin': 'varchar_pattern_ops'})
    op.create_index('ix_official_state_name_initials', 'official', ['review_state', 'name_initials'], unique=False,
                    postgresql_ops={'name_initials': 'varchar_pattern_ops'})
    op.create_index('ix_official_state_name_pinyin_short', 'official', ['review_state', 'name_pinyin_short'],
                    unique=False, postgresql_ops={'name_pinyin_short': 'varchar_pattern_ops'})
    bind = op.get_bind()
    official = sa.table('official', sa.column('id', sa.Integer), sa.column('name', sa.String),
                        sa.column('name_pinyin', sa.String), sa.column('name_initials', sa.String),
                        sa.column('name_pinyin_short', sa.String))
    for official_id, name in bind.execute(sa.select(official.c.id, official.c.name)).all():
        bind.execute(official.update().where(official.c.id == official_id).values(**pinyin_v1.search_columns(name)))
    tracking.install(bind, TRACKED)


def downgrade():
    op.drop_index('ix_official_state_name_pinyin_short', table_name='official')
    op.drop_index('ix_official_state_name_initials', table_name='official')
    op.drop_index('ix_official_state_name_pinyin', table_name='official')
    for table in ('official_version', 'official'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('name_pinyin_short')
            batch_op.drop_column('name_initials')
            batch_op.drop_column('name_pinyin')
    op.drop_index('ix_saved_roster_owner_id', table_name='saved_roster')
    op.drop_table('saved_roster')
