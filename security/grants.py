"""What roles grant: the (view or menu, permission) pairs of FAB's permission tables.

A primitive, below the domain: the read and review rules of ``models`` and the
security manager's access checks read grants through it, the same way, without the
domain reaching the application's security manager.

Grants are kept per process (per app) between requests, under the **grant
generation**: one counter row (``grant_generation``) that the database itself
increments, by triggers (migration 0025), in the same transaction as any change to
FAB's role, permission, view-menu, permission-on-view, role-permission or user-role
tables, whatever path made it (an approval, ``dossier init``, raw SQL). Each request
reads the counter once, before it reads any grant, and uses what this process read
under the same generation; a grant approved in one worker therefore counts in every
worker from its next request. A request that changes grants itself (``invalidate``)
and code outside a request read the tables directly.
"""

import re

from flask import current_app, has_request_context
from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import Permission, PermissionView, ViewMenu, assoc_permissionview_role
from sqlalchemy import BigInteger, Column, Integer, event, select
from sqlalchemy.engine import Engine

from security import request_state

# The tables whose rows decide a grant; each carries the generation's triggers (migration 0025).
GRANT_TABLES = ("ab_permission", "ab_view_menu", "ab_permission_view", "ab_permission_view_role", "ab_role",
                "ab_user_role")


class GrantGeneration(Model):
    """One row (id 1): how many times the grant tables have changed."""
    __tablename__ = "grant_generation"

    id = Column(Integer, primary_key=True, autoincrement=False)
    value = Column(BigInteger, nullable=False, default=0)


def generation(session):
    """This request's grant generation, read once; None (nothing shared) outside a request,
    in a request that changed grants, or without the counter row."""
    if not has_request_context():
        return None
    state = request_state.current()
    if state.generation is request_state.UNKNOWN:
        state.generation = session.scalar(select(GrantGeneration.value).where(GrantGeneration.id == 1))
    return state.generation


def shared(name: str) -> dict:
    """A cache of this app kept under the grant generation (``name``: grants, menus…)."""
    caches = current_app.extensions.setdefault("dossier_generation_caches", {})
    return caches.setdefault(name, {})


def invalidate() -> None:
    """This request changed grants (not yet committed): from now on it reads them afresh and shares nothing."""
    if has_request_context():
        state = request_state.current()
        state.grants.clear()
        state.generation = None


# A statement that writes a grant table, however it is made (ORM flush, Core, raw SQL).
_GRANT_WRITE = re.compile(r'\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|truncate(?:\s+table)?)\s+"?(?:%s)"?\b'
                          % "|".join(GRANT_TABLES), re.IGNORECASE)


def _watch_writes(conn, cursor, statement, parameters, context, executemany):
    # Grants read after this request's own uncommitted write would be kept under a generation
    # the write itself bumped (and a rollback takes back, to be reached again by another change),
    # or under the one read before it: either way a grant never committed served by the worker.
    if _GRANT_WRITE.match(statement):
        invalidate()


def install() -> None:
    """Watch every engine's statements: a request that writes a grant table shares nothing more
    (``invalidate``), whether or not its writer remembered to say so. Idempotent."""
    if not event.contains(Engine, "before_cursor_execute", _watch_writes):
        event.listen(Engine, "before_cursor_execute", _watch_writes)


def _read(session, key) -> frozenset:
    link = assoc_permissionview_role
    return frozenset(session.execute(
        select(ViewMenu.name, Permission.name)
        .select_from(PermissionView)
        .join(link, link.c.permission_view_id == PermissionView.id)
        .join(Permission, Permission.id == PermissionView.permission_id)
        .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
        .where(link.c.role_id.in_(key))
    ).all())


def of_roles(session, role_ids) -> frozenset:
    key = tuple(sorted(role_ids))
    if not has_request_context():
        return _read(session, key)
    cache = request_state.current().grants
    if key not in cache:
        current = generation(session)
        if current is None:
            cache[key] = _read(session, key)
        else:
            kept = shared("grants")
            found = kept.get(key)
            if found is None or found[0] != current:
                found = kept[key] = (current, _read(session, key))
            cache[key] = found[1]
    return cache[key]


def of_user(session, user) -> frozenset:
    return of_roles(session, [role.id for role in user.roles])
