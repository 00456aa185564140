"""post level of a post held, officials' former names, departments in a tree

- work_experience.post_level: the level of the post (职务级别, GB/T 12407-2008 codes);
- official.former_names (曾用名) and former_names_keys, their pinyin search keys
  (empty for every official already there: nobody has a former name yet), with a
  partial index over the few officials who have one;
- department.parent_id: the department a sub-department belongs to.

Every column is added with a plain ADD COLUMN (not batch mode): SQLite keeps the tables
and their change-tracking triggers. The version tables of Continuum get the versioned
columns (department is not versioned).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

from migrations.frozen import tracking_v1 as tracking

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

FORMER_KEYS_WHERE = sa.text('former_names_keys IS NOT NULL')


def upgrade():
    for table in ('work_experience', 'work_experience_version'):
        op.add_column(table, sa.Column('post_level', sa.String(length=16), nullable=True))
    for table in ('official', 'official_version'):
        op.add_column(table, sa.Column('former_names', sa.String(length=200), nullable=True))
        op.add_column(table, sa.Column('former_names_keys', sa.String(length=1000), nullable=True))
    op.create_index('ix_official_former_names_keys', 'official', ['review_state', 'former_names_keys'], unique=False,
                    sqlite_where=FORMER_KEYS_WHERE, postgresql_where=FORMER_KEYS_WHERE)
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its REFERENCES clause in place; it cannot add a constraint later.
        op.execute('ALTER TABLE department ADD COLUMN parent_id INTEGER REFERENCES department (id)')
    else:
        op.add_column('department', sa.Column('parent_id', sa.Integer(), nullable=True))
        op.create_foreign_key('department_parent_id_fkey', 'department', 'department', ['parent_id'], ['id'])
    op.create_index('ix_department_parent_id', 'department', ['parent_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # New columns have no statistics until autovacuum next analyses the table, which
        # adding a column does not prompt: meanwhile the planner guesses, and searched
        # 100,000 officials row by row for a former name's key instead of by its index.
        for table in ('official', 'work_experience', 'department'):
            op.execute(f'ANALYZE {table}')


def downgrade():
    op.drop_index('ix_department_parent_id', table_name='department')
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # A column in a foreign key cannot be dropped in place: the table is rebuilt, and
        # its change-tracking triggers, which go with the old table, are put back.
        with op.batch_alter_table('department') as batch_op:
            batch_op.drop_column('parent_id')
        tracking.install(bind, {'department': ['id']})
    else:
        op.drop_constraint('department_parent_id_fkey', 'department', type_='foreignkey')
        op.drop_column('department', 'parent_id')
    op.drop_index('ix_official_former_names_keys', table_name='official')
    # SQLite 3.35+ drops a column in place, keeping the table's triggers too.
    for table in ('official_version', 'official'):
        op.drop_column(table, 'former_names_keys')
        op.drop_column(table, 'former_names')
    for table in ('work_experience_version', 'work_experience'):
        op.drop_column(table, 'post_level')
