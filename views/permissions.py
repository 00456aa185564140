"""Permission requests (§5.1 权限审批): what waits for a second security officer, and the decisions."""

import json

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from models.db import db
from models.permissions import PermissionRequest
from security import approvals

from .saving import decided


KINDS = {
    "user_roles": _l("Roles of account"),
    "role_permissions": _l("Permissions of role"),
    "user_departments": _l("Departments of account"),
    "role_rename": _l("Name of role"),
    "role_delete": _l("Deletion of role"),
    "second_factor_reset": _l("Second factor of account"),
}


def _names(model, ids) -> dict:
    return {x.id: str(x) for x in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def describe(sm, req: PermissionRequest) -> dict:
    """The request as an officer reads it: what it adds and what it removes."""
    from models import Department

    if req.kind == "role_rename":
        (old,), (new,) = json.loads(req.before), json.loads(req.proposed)
        return {"request": req, "added": [new], "removed": [old]}
    if req.kind in ("role_delete", "second_factor_reset"):
        what = _("the role itself") if req.kind == "role_delete" else _("the second factor")
        return {"request": req, "added": [], "removed": [str(what)]}
    item_model = {"user_roles": sm.role_model, "role_permissions": sm.permissionview_model,
                  "user_departments": Department}[req.kind]
    names = _names(item_model, req.before_ids ^ req.proposed_ids)
    return {
        "request": req,
        "added": sorted(names.get(i, f"#{i}") for i in req.proposed_ids - req.before_ids),
        "removed": sorted(names.get(i, f"#{i}") for i in req.before_ids - req.proposed_ids),
    }


class PermissionRequestView(BaseView):
    class_permission_name = "permission_requests"
    route_base = "/permissionrequests"
    default_view = "list"

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
