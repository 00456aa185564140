"""identity and contact fields in clear: can_read_clear on identity_fields, not a roster permission

Reading the citizen ID, phones and e-mail in clear was ``can_identifiers_clear`` on
``roster``, asked by rosters and list exports only; it is now the one tier every screen
asks (models.identity), so it is named for what it opens. Existing grants move: the
permission-view keeps its id, so role grants and pending permission requests (which
hold those ids) stay as they were. ``can_identifiers`` (whether a roster lists
identifiers at all) stays the roster's.

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa

revision = '0024'
down_revision = '0022'
branch_labels = None
depends_on = None

# Frozen: the names before and after.
OLD = ('can_identifiers_clear', 'roster')
NEW = ('can_read_clear', 'identity_fields')

permission = sa.table('ab_permission', sa.column('id', sa.Integer), sa.column('name', sa.String))
view_menu = sa.table('ab_view_menu', sa.column('id', sa.Integer), sa.column('name', sa.String))
permission_view = sa.table('ab_permission_view', sa.column('id', sa.Integer),
                           sa.column('permission_id', sa.Integer), sa.column('view_menu_id', sa.Integer))
permission_view_role = sa.table('ab_permission_view_role', sa.column('id', sa.Integer),
                                sa.column('permission_view_id', sa.Integer), sa.column('role_id', sa.Integer))
request = sa.table('permission_request', sa.column('id', sa.Integer), sa.column('before', sa.Text),
                   sa.column('proposed', sa.Text))


def _id(conn, table, name, create=False):
    found = conn.scalar(sa.select(table.c.id).where(table.c.name == name))
    if found is None and create:
        conn.execute(table.insert().values(name=name))
        found = conn.scalar(sa.select(table.c.id).where(table.c.name == name))
    return found


def _pv(conn, permission_id, view_id):
    return conn.scalar(sa.select(permission_view.c.id).where(
        permission_view.c.permission_id == permission_id, permission_view.c.view_menu_id == view_id))


def _replace_in_requests(conn, old_pv, new_pv):
    import json

    for row in conn.execute(sa.select(request.c.id, request.c.before, request.c.proposed)):
        values = {key: json.dumps(sorted({new_pv if i == old_pv else i for i in json.loads(getattr(row, key))}))
                  for key in ('before', 'proposed') if old_pv in json.loads(getattr(row, key))}
        if values:
            conn.execute(request.update().where(request.c.id == row.id).values(**values))


def _drop_if_unused(conn, table, column, row_id):
    if row_id is not None and conn.scalar(sa.select(sa.func.count()).select_from(permission_view)
                                          .where(column == row_id)) == 0:
        conn.execute(table.delete().where(table.c.id == row_id))


def _move(conn, source, target):
    """Move the grants of permission-view ``source`` (permission, view) to ``target``."""
    old_permission, old_view = _id(conn, permission, source[0]), _id(conn, view_menu, source[1])
    old_pv = _pv(conn, old_permission, old_view) if None not in (old_permission, old_view) else None
    if old_pv is None:
        return  # never created (an instance that never ran init): nothing was granted
    new_permission = _id(conn, permission, target[0], create=True)
    new_view = _id(conn, view_menu, target[1], create=True)
    twin = _pv(conn, new_permission, new_view)
    if twin is None:
        conn.execute(permission_view.update().where(permission_view.c.id == old_pv)
                     .values(permission_id=new_permission, view_menu_id=new_view))
    else:
        # Both exist (init already created the new one): grants and requests go to the one kept.
        held = set(conn.scalars(sa.select(permission_view_role.c.role_id)
                                .where(permission_view_role.c.permission_view_id == twin)))
        for grant in conn.execute(sa.select(permission_view_role)
                                  .where(permission_view_role.c.permission_view_id == old_pv)).all():
            if grant.role_id in held:
                conn.execute(permission_view_role.delete().where(permission_view_role.c.id == grant.id))
            else:
                conn.execute(permission_view_role.update().where(permission_view_role.c.id == grant.id)
                             .values(permission_view_id=twin))
        _replace_in_requests(conn, old_pv, twin)
        conn.execute(permission_view.delete().where(permission_view.c.id == old_pv))
    _drop_if_unused(conn, permission, permission_view.c.permission_id, old_permission)
    _drop_if_unused(conn, view_menu, permission_view.c.view_menu_id, old_view)


def upgrade():
    _move(op.get_bind(), OLD, NEW)


def downgrade():
    _move(op.get_bind(), NEW, OLD)
