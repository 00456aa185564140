"""audit trail: append-only, hash-chained events and their chain head (§5.3, §6.3)

The database itself refuses UPDATE, DELETE and TRUNCATE of events, deleting the
chain head, moving the head backwards and changing the key it was started with. Hand-written: autogenerate knows
nothing of triggers.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-25

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

PG_UP = [
    """
    CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id <> OLD.id OR NEW.seq < OLD.seq OR (OLD.key_id <> '' AND NEW.key_id <> OLD.key_id) THEN
            RAISE EXCEPTION 'the audit chain head only moves forward: % -> % refused', OLD.seq, NEW.seq
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_chain_head_kept BEFORE DELETE ON audit_chain_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    "CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head "
    "FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS audit_chain_head_forward ON audit_chain_head",
    "DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON audit_chain_head",
    "DROP TRIGGER IF EXISTS audit_chain_head_kept ON audit_chain_head",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_head_forward_only()",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]

# SQLite has no TRUNCATE; its "DELETE FROM t" runs the DELETE triggers.
SQLITE_UP = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on audit_event refused'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on audit_event refused'); END",
    "CREATE TRIGGER audit_chain_head_kept BEFORE DELETE ON audit_chain_head "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on audit_chain_head refused'); END",
    "CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head "
    "WHEN NEW.id <> OLD.id OR NEW.seq < OLD.seq OR (OLD.key_id <> '' AND NEW.key_id <> OLD.key_id) "
    "BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_chain_head_forward",
    "DROP TRIGGER IF EXISTS audit_chain_head_kept",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_no_update",
]


def _statements(up: bool) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        return PG_UP if up else PG_DOWN
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    raise NotImplementedError(f"no append-only triggers written for {dialect}")


def upgrade():
    op.create_table('audit_event',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=256), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('client_addr', sa.String(length=64), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('chain', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_index('ix_audit_event_at', 'audit_event', ['at'], unique=False)
    op.create_index('ix_audit_event_actor_name', 'audit_event', ['actor_name'], unique=False)
    op.create_index('ix_audit_event_action', 'audit_event', ['action'], unique=False)
    op.create_index('ix_audit_event_object', 'audit_event', ['object_type', 'object_id'], unique=False)

    head = op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('chain', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.CheckConstraint('id = 1', name='ck_audit_chain_head_single_row'),
    sa.PrimaryKeyConstraint('id')
    )
    # Chain and key are filled in by the first append, which has the key.
    op.bulk_insert(head, [{'id': 1, 'seq': 0, 'chain': '', 'key_id': ''}])

    for statement in _statements(up=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(up=False):
        op.execute(statement)
    op.drop_table('audit_chain_head')
    op.drop_index('ix_audit_event_object', table_name='audit_event')
    op.drop_index('ix_audit_event_action', table_name='audit_event')
    op.drop_index('ix_audit_event_actor_name', table_name='audit_event')
    op.drop_index('ix_audit_event_at', table_name='audit_event')
    op.drop_table('audit_event')
