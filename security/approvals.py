"""Permission approval (§5.1 权限审批): no grant takes effect on one officer's word.

FAB's user and role screens (``security.views``) do not write role or
permission changes: they call ``propose``, which records a ``PermissionRequest``
and leaves the grants as they were. A different holder of ``can_approve`` on
``PermissionRequestView`` approves (``decide``), and only then is the change
applied, if the grants have not changed meanwhile.
"""

import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from models.permissions import PermissionRequest

APPROVE = ("can_approve", "PermissionRequestView")


class ApprovalError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _targets(sm):
    return {
        "user_roles": (sm.user_model, "roles", sm.role_model),
        "role_permissions": (sm.role_model, "permissions", sm.permissionview_model),
    }


class Pending(Exception):
    """A write turned into a permission request: the screen says so instead of saving."""

    def __init__(self, request: PermissionRequest):
        super().__init__(_("The change of grants waits for approval by another security officer (request #%(id)s).",
                           id=request.id))
        self.request = request


def departments_of_user(session, user_id: int) -> list:
    from models import Department, StaffDepartment

    return list(session.scalars(select(Department).join(StaffDepartment, StaffDepartment.department_id == Department.id)
                                .where(StaffDepartment.user_id == user_id)))


def propose(sm, session, kind: str, target, before: list, proposed: list, actor) -> PermissionRequest | None:
    """Record the change of ``target``'s grants from ``before`` to ``proposed``; None if nothing changes."""
    from security import audit

    before_ids, proposed_ids = sorted(x.id for x in before), sorted(x.id for x in proposed)
    if before_ids == proposed_ids:
        return None
    request = PermissionRequest(kind=kind, target_id=target.id, target_name=str(target)[:256],
                                before=json.dumps(before_ids), proposed=json.dumps(proposed_ids),
                                requested_by_id=actor.id, state="pending")
    session.add(request)
    session.flush()
    audit.record("permission_requested", object_type=kind, object_id=target.id, actor=actor, session=session,
                 details={"request": request.id, "added": sorted(set(proposed_ids) - set(before_ids)),
                          "removed": sorted(set(before_ids) - set(proposed_ids))})
    return request


def may_decide(request: PermissionRequest, actor) -> None:
    from models.workflow import has_permission

    if not has_permission(actor, APPROVE):
        raise ApprovalError("not_officer", _("Only a security officer may decide permission requests."))
    if request.requested_by_id == actor.id:
        raise ApprovalError("own_request", _("A permission change needs a second officer: you made this request."))
    if request.state != "pending":
        raise ApprovalError("decided", _("This request has already been decided."))


def decide(sm, session, request: PermissionRequest, actor, approve: bool, reason: str | None = None) -> None:
    """Approve (apply) or reject a request; the caller commits."""
    from security import audit

    may_decide(request, actor)
    if approve and request.kind == "user_departments":
        _apply_departments(session, request)
    elif approve:
        model, attribute, item_model = _targets(sm)[request.kind]
        target = session.get(model, request.target_id)
        if target is None:
            raise ApprovalError("gone", _("The account or role of this request no longer exists."))
        if {x.id for x in getattr(target, attribute)} != request.before_ids:
            raise ApprovalError("stale", _("The grants changed after this request was made: it can no longer be "
                                           "applied. Reject it and make a new one."))
        items = session.scalars(select(item_model).where(item_model.id.in_(request.proposed_ids))).all()
        setattr(target, attribute, list(items))
        # Grants read earlier in this request (security.manager.grants_of) are stale now.
        from flask import g

        g.pop("_dossier_grants", None)
    request.state = "approved" if approve else "rejected"
    request.decided_by_id, request.decided_at = actor.id, datetime.now()
    request.reason = (reason or "").strip() or None
    audit.record("permission_approved" if approve else "permission_rejected", object_type=request.kind,
                 object_id=request.target_id, actor=actor, session=session, details={"request": request.id})


def _apply_departments(session, request: PermissionRequest) -> None:
    """Department membership decides a clerk's or department head's scope: it is a grant too."""
    from sqlalchemy import delete

    from models import StaffDepartment

    if {d.id for d in departments_of_user(session, request.target_id)} != request.before_ids:
        raise ApprovalError("stale", _("The grants changed after this request was made: it can no longer be "
                                       "applied. Reject it and make a new one."))
    session.execute(delete(StaffDepartment).where(StaffDepartment.user_id == request.target_id))
    for department_id in sorted(request.proposed_ids):
        session.add(StaffDepartment(user_id=request.target_id, department_id=department_id))


def pending(session) -> list[PermissionRequest]:
    return list(session.scalars(select(PermissionRequest).where(PermissionRequest.state == "pending")
                                .order_by(PermissionRequest.id)))
