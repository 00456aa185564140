"""What roles grant: the (view or menu, permission) pairs of FAB's permission tables.

A primitive, below the domain: the read and review rules of ``models`` and the
security manager's access checks read grants through it, the same way, without the
domain reaching the application's security manager. Read once per request: a grant
approved in another request counts from the next one.
"""

from flask import has_request_context
from flask_appbuilder.security.sqla.models import Permission, PermissionView, ViewMenu, assoc_permissionview_role
from sqlalchemy import select

from security import request_state


def of_roles(session, role_ids) -> frozenset:
    key = tuple(sorted(role_ids))
    cache = request_state.current().grants if has_request_context() else {}
    if key not in cache:
        link = assoc_permissionview_role
        cache[key] = frozenset(session.execute(
            select(ViewMenu.name, Permission.name)
            .select_from(PermissionView)
            .join(link, link.c.permission_view_id == PermissionView.id)
            .join(Permission, Permission.id == PermissionView.permission_id)
            .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
            .where(link.c.role_id.in_(key))
        ).all())
    return cache[key]


def of_user(session, user) -> frozenset:
    return of_roles(session, [role.id for role in user.roles])
