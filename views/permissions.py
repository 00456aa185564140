"""Permission requests (§5.1 权限审批): what waits for a second security officer, and the decisions."""

import json

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from models.db import db
from models.permissions import PermissionRequest
from security import approvals, permission_matrix
from security.roles import role_label

from .permission_matrix import matrix_context, pairs_of, permission_views
from .saving import decided


KINDS = {
    "user_roles": _l("Roles of account"),
    "role_permissions": _l("Permissions of role"),
    "user_departments": _l("Departments of account"),
    "role_rename": _l("Name of role"),
    "role_delete": _l("Deletion of role"),
    "second_factor_reset": _l("Second factor of account"),
}


# Requests about a role: its name is shown as officers read it (security.roles.role_label).
ROLE_KINDS = ("role_permissions", "role_rename", "role_delete")


def _names(model, ids, label=str) -> dict:
    return {x.id: label(x) for x in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def _grant_label(pv) -> str:
    return permission_matrix.pair_label((pv.permission.name, pv.view_menu.name))


def describe(sm, req: PermissionRequest) -> dict:
    """The request as an officer reads it: what it adds and what it removes."""
    from models import Department

    if req.kind == "role_rename":
        (old,), (new,) = json.loads(req.before), json.loads(req.proposed)
        return {"request": req, "target": role_label(old), "added": [role_label(new)], "removed": [role_label(old)]}
    if req.kind in ("role_delete", "second_factor_reset"):
        what = _("the role itself") if req.kind == "role_delete" else _("the second factor")
        return {"request": req, "target": _target(req), "added": [], "removed": [str(what)]}
    item_model, label = {"user_roles": (sm.role_model, lambda r: role_label(r.name)),
                         "role_permissions": (sm.permissionview_model, _grant_label),
                         "user_departments": (Department, str)}[req.kind]
    names = _names(item_model, req.before_ids ^ req.proposed_ids, label)
    return {
        "request": req, "target": _target(req),
        "added": sorted(names.get(i, f"#{i}") for i in req.proposed_ids - req.before_ids),
        "removed": sorted(names.get(i, f"#{i}") for i in req.before_ids - req.proposed_ids),
    }


def _target(req: PermissionRequest) -> str:
    return role_label(req.target_name) if req.kind in ROLE_KINDS else req.target_name


class PermissionRequestView(BaseView):
    class_permission_name = "permission_requests"
    route_base = "/permissionrequests"
    default_view = "list"
    # Whoever reads the list reads a request's matrix; deciding stays can_approve.
    method_permission_name = {"list": "list", "show_request": "list", "approve": "approve"}

    @expose("/")
    @has_access
    def list(self):
        sm = self.appbuilder.sm
        decided = db.session.scalars(select(PermissionRequest).where(PermissionRequest.state != "pending")
                                     .order_by(PermissionRequest.id.desc()).limit(50)).all()
        return self.render_template(
            "dossier/permission_requests.html",
            pending=[describe(sm, r) for r in approvals.pending(db.session)],
            decided=[describe(sm, r) for r in decided],
            may_approve=sm.has_access("can_approve", "permission_requests"), kinds=KINDS,
        )

    @expose("/<int:request_id>")
    @has_access
    def show_request(self, request_id):
        """A change of a role's permissions as its approver reads it: the role's matrix as it
        would be, each cell the request changes marked."""
        sm = self.appbuilder.sm
        req = db.session.get(PermissionRequest, request_id)
        if req is None:
            abort(404)
        role = db.session.get(sm.role_model, req.target_id) if req.kind == "role_permissions" else None
        if role is None:
            # Not a matrix (an account's roles, a rename, a role gone): the request as the list shows it.
            entry = [describe(sm, req)]
            return self.render_template(
                "dossier/permission_requests.html", kinds=KINDS,
                pending=entry if req.state == "pending" else [], decided=[] if req.state == "pending" else entry,
                may_approve=sm.has_access("can_approve", "permission_requests"))
        index = permission_views()
        return self.render_template(
            "dossier/permission_matrix.html", role=role, request_=req, editing=False, roles=[], waiting=[],
            may_approve=sm.has_access("can_approve", "permission_requests"),
            **matrix_context(index, pairs_of(req.proposed_ids, index), pairs_of(req.before_ids, index)))

    @expose("/<int:request_id>/decide", methods=["POST"])
    @has_access
    def approve(self, request_id):
        req = db.session.get(PermissionRequest, request_id)
        if req is None:
            flash(_("No such request."), "danger")
            return redirect(url_for(".list"))
        approve = request.form.get("decision") == "approve"
        decided(lambda: approvals.decide(self.appbuilder.sm, db.session, req, g.user, approve, request.form.get("reason")),
                _("Request #%(id)s approved: the change is in effect.", id=req.id) if approve
                else _("Request #%(id)s rejected: nothing changed.", id=req.id))
        return redirect(url_for(".list"))
