"""The permission matrix (§5.1 分级授权): one role's grants, changed by request only.

Thin: the layout and the reading of the form are ``security.permission_matrix``; saving
calls ``security.approvals.propose`` (kind ``role_permissions``), so a change waits for a
second officer, who reads the same matrix with the changed cells marked
(``views.permissions``).
"""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.sqla.models import PermissionView
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.db import db
from models.permissions import PermissionRequest
from security import approvals, permission_matrix as pm
from security.errors import Refusal
from security.roles import role_label

from .params import route_id


def permission_views() -> dict[tuple[str, str], PermissionView]:
    """Every grant of the installation by its (permission, view) pair."""
    rows = db.session.scalars(select(PermissionView).options(
        joinedload(PermissionView.permission), joinedload(PermissionView.view_menu)))
    return {(pv.permission.name, pv.view_menu.name): pv for pv in rows if pv.permission and pv.view_menu}


def pairs_of(ids, index) -> set[tuple[str, str]]:
    by_id = {pv.id: pair for pair, pv in index.items()}
    return {by_id[i] for i in ids if i in by_id}


def offered_roles(sm) -> list:
    """Every role but FAB's Admin and Public, which are nobody's here (security.approvals)."""
    reserved = {sm.auth_role_admin, sm.auth_role_public}
    roles = db.session.scalars(select(sm.role_model).order_by(sm.role_model.id)).all()
    return [r for r in roles if r.name not in reserved]


def ids(index) -> dict[tuple[str, str], int]:
    return {pair: pv.id for pair, pv in index.items()}


def matrix_context(index, now, before=None) -> dict:
    return dict(matrix=pm.build(now, ids(index), before), levels=pm.LEVEL_LABELS, columns=pm.TIER_COLUMNS,
                scopes=pm.SCOPES, role_label=role_label)


class PermissionMatrixView(BaseView):
    class_permission_name = "permission_matrix"
    route_base = "/permissionmatrix"
    default_view = "show"
    method_permission_name = {"show": "show", "propose": "propose"}

    def _role(self, role_id):
        role = next((r for r in offered_roles(self.appbuilder.sm) if r.id == role_id), None)
        if role is None:
            abort(404)
        return role

    @expose("/")
    @has_access
    def show(self):
        roles = offered_roles(self.appbuilder.sm)
        if not roles:
            abort(404)
        wanted = request.args.get("role")
        role = self._role(route_id(wanted)) if wanted is not None else roles[0]
        index = permission_views()
        waiting = db.session.scalars(select(PermissionRequest).where(
            PermissionRequest.state == "pending", PermissionRequest.kind == "role_permissions",
            PermissionRequest.target_id == role.id).order_by(PermissionRequest.id)).all()
        return self.render_template(
            "dossier/permission_matrix.html", roles=roles, role=role, waiting=waiting, request_=None,
            editing=self.appbuilder.sm.has_access("can_propose", "permission_matrix"),
            **matrix_context(index, {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}))

    @expose("/<int:role_id>", methods=["POST"])
    @has_access
    def propose(self, role_id):
        role = self._role(role_id)
        index = permission_views()
        before = list(role.permissions)
        held = {(pv.permission.name, pv.view_menu.name) for pv in before}
        try:
            proposed = pm.apply(held, pm.parse(request.form, ids(index)), index)
            items = pm.rows_of(proposed, index)
            made = approvals.propose(self.appbuilder.sm, db.session, "role_permissions", role, before, items, g.user)
            db.session.commit()
        except Refusal as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
        else:
            if made is None:
                flash(_("Nothing changed: the matrix is as the role's grants are."), "info")
            else:
                flash(_("The change of grants waits for approval by another security officer (request #%(id)s).",
                        id=made.id), "info")
        return redirect(url_for(".show", role=role.id))
