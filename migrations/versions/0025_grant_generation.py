"""the grant generation: one counter the database increments whenever a grant changes

Web workers keep the grants of each set of roles, and the menu drawn from them, between
requests (security.grants). They stay right because every change to FAB's permission,
view-menu, permission-on-view, role-permission, role and user-role tables increments
``grant_generation.value`` in the same transaction, by triggers of the database itself,
whatever made the change; each request reads the counter once. The table gets the
change-tracking triggers (migrations/frozen/tracking_v1.py), like every table.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa

from migrations.frozen import tracking_v1 as tracking

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

# Frozen here: the tables whose rows decide a grant (security.grants.GRANT_TABLES at this revision).
GRANT_TABLES = ("ab_permission", "ab_view_menu", "ab_permission_view", "ab_permission_view_role", "ab_role",
                "ab_user_role")
BUMP = "UPDATE grant_generation SET value = value + 1 WHERE id = 1"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION grant_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {BUMP};
  RETURN NULL;
END $$
"""
EVENTS = ("insert", "update", "delete")


def upgrade():
    op.create_table('grant_generation',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO grant_generation (id, value) VALUES (1, 0)")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in GRANT_TABLES:
            op.execute(f"CREATE TRIGGER grant_generation_{table} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION grant_generation_bump()")
    else:
        for table in GRANT_TABLES:
            for event in EVENTS:
                op.execute(f"CREATE TRIGGER grant_generation_{table}_{event} AFTER {event.upper()} ON {table} "
                           f"BEGIN {BUMP}; END")
    tracking.install(bind, {'grant_generation': ['id']})


def downgrade():
    bind = op.get_bind()
    # The table's own triggers (tracking included) go with it.
    if bind.dialect.name == "postgresql":
        for table in GRANT_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS grant_generation_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS grant_generation_bump()")
    else:
        for table in GRANT_TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS grant_generation_{table}_{event}")
    op.drop_table('grant_generation')
