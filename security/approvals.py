"""Permission approval (§5.1 权限审批): no grant takes effect on one officer's word.

FAB's user and role screens (``security.views``) do not write role or
permission changes: they call ``propose``, which records a ``PermissionRequest``
and leaves the grants as they were. A different holder of ``can_approve`` on
``PermissionRequestView`` approves (``decide``), and only then is the change
applied, if the grants have not changed meanwhile.

Every change of a role goes this way (its permissions, its name, its deletion),
so do an account's roles and departments and the reset of its second factor.
``may_decide`` is the one place that says who may give the second signature.
"""

import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from models import Department, StaffDepartment
from models.accounts import AccountSecurity
from models.permissions import PermissionRequest
from models.reading import has_permission
from security import duties, grants
from security.errors import Refusal

APPROVE = ("can_approve", "permission_requests")
# Requests about one account: that account may never approve them itself.
ACCOUNT_KINDS = ("user_roles", "user_departments", "second_factor_reset")


class ApprovalError(Refusal):
    """A grant change, or a decision on one, that the rules of §5.1 refuse."""


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
    return list(session.scalars(select(Department).join(StaffDepartment, StaffDepartment.department_id == Department.id)
                                .where(StaffDepartment.user_id == user_id)))


def _reserved_roles(sm) -> set[str]:
    # FAB's all-permission Admin and its anonymous Public role are nobody's roles here.
    return {sm.auth_role_admin, sm.auth_role_public}


def _grants_of_roles(sm, roles) -> set:
    return set(sm.grants_of([role.id for role in roles])) if roles else set()


def check_grants(sm, session, kind: str, target, proposed: list) -> None:
    """Refuse a proposed state that would break the separation of duties."""
    if kind == "user_roles":
        reserved = sorted(r.name for r in proposed if r.name in _reserved_roles(sm))
        if reserved:
            raise ApprovalError("reserved_role", _("The role %(name)s cannot be given to an account.",
                                                  name=", ".join(reserved)))
        _refuse_combined(duties.combined(_grants_of_roles(sm, proposed)))
    elif kind == "role_permissions":
        if target.name in _reserved_roles(sm):
            raise ApprovalError("reserved_role", _("The role %(name)s cannot be given permissions.", name=target.name))
        _refuse_combined(duties.combined((pv.view_menu.name, pv.permission.name) for pv in proposed))
        # Every holder of the role keeps the others: the role's new grants must not complete a pair.
        for user in session.scalars(select(sm.user_model).where(sm.user_model.roles.any(id=target.id))):
            others = [r for r in user.roles if r.id != target.id]
            grants = _grants_of_roles(sm, others) | {(pv.view_menu.name, pv.permission.name) for pv in proposed}
            _refuse_combined(duties.combined(grants), user)


def _refuse_combined(found: set, user=None) -> None:
    if not found:
        return
    names = "、".join(str(duties.DUTY_LABELS[d]) for d in sorted(found))
    if user is None:
        raise ApprovalError("duties", _("Refused: this would combine the duties of %(duties)s, which must be held "
                                        "by different people.", duties=names))
    raise ApprovalError("duties", _("Refused: %(user)s would combine the duties of %(duties)s, which must be held "
                                    "by different people.", user=user.username, duties=names))


def propose(sm, session, kind: str, target, before: list, proposed: list, actor) -> PermissionRequest | None:
    """Record the change of ``target``'s grants from ``before`` to ``proposed``; None if nothing changes."""
    before_ids, proposed_ids = sorted(x.id for x in before), sorted(x.id for x in proposed)
    if before_ids == proposed_ids:
        return None
    check_grants(sm, session, kind, target, proposed)
    return _record(session, kind, target, before_ids, proposed_ids, actor)


def propose_change(session, kind: str, target, before, proposed, actor) -> PermissionRequest:
    """A request that is not a set of ids: a role's new name, a deletion, a second-factor reset."""
    return _record(session, kind, target, before, proposed, actor)


def _record(session, kind, target, before, proposed, actor) -> PermissionRequest:
    from security import audit

    request = PermissionRequest(kind=kind, target_id=target.id, target_name=str(target)[:256],
                                before=json.dumps(before, ensure_ascii=False),
                                proposed=json.dumps(proposed, ensure_ascii=False),
                                requested_by_id=actor.id, state="pending")
    session.add(request)
    session.flush()
    details = {"request": request.id}
    if isinstance(before, list) and isinstance(proposed, list) and all(isinstance(x, int) for x in before + proposed):
        details.update(added=sorted(set(proposed) - set(before)), removed=sorted(set(before) - set(proposed)))
    audit.record("permission_requested", object_type=kind, object_id=target.id, actor=actor, session=session,
                 details=details)
    return request


def may_decide(request: PermissionRequest, actor, session=None) -> None:
    """The second signature: a security officer who is neither the requester, nor the
    account the request is about, nor an account whose credentials the requester chose."""
    if not has_permission(actor, APPROVE):
        raise ApprovalError("not_officer", _("Only a security officer may decide permission requests."))
    if request.requested_by_id == actor.id:
        raise ApprovalError("own_request", _("A permission change needs a second officer: you made this request."))
    if request.kind in ACCOUNT_KINDS and request.target_id == actor.id:
        raise ApprovalError("own_account", _("A change of your own account's grants is decided by another officer."))
    if session is not None:
        state = session.get(AccountSecurity, actor.id)
        if state is not None and state.credentials_set_by_id == request.requested_by_id:
            # Whoever chose this account's password (or reset its second factor) could be signed in as it.
            raise ApprovalError("credentials", _(
                "Your password or second factor was last set by the requester: another officer must decide."))
    if request.state != "pending":
        raise ApprovalError("decided", _("This request has already been decided."))


def decide(sm, session, request: PermissionRequest, actor, approve: bool, reason: str | None = None) -> None:
    """Approve (apply) or reject a request; the caller commits."""
    from security import audit

    may_decide(request, actor, session)
    if approve:
        APPLY.get(request.kind, _apply_grants)(sm, session, request)
        # Grants read earlier in this request (security.manager.grants_of) are stale now.
        grants.invalidate()
    request.state = "approved" if approve else "rejected"
    request.decided_by_id, request.decided_at = actor.id, datetime.now()
    request.reason = (reason or "").strip() or None
    audit.record("permission_approved" if approve else "permission_rejected", object_type=request.kind,
                 object_id=request.target_id, actor=actor, session=session, details={"request": request.id})


def _stale():
    return ApprovalError("stale", _("The grants changed after this request was made: it can no longer be "
                                    "applied. Reject it and make a new one."))


def _gone():
    return ApprovalError("gone", _("The account or role of this request no longer exists."))


def _apply_grants(sm, session, request: PermissionRequest) -> None:
    from security import accounts

    model, attribute, item_model = _targets(sm)[request.kind]
    target = session.get(model, request.target_id)
    if target is None:
        raise _gone()
    if {x.id for x in getattr(target, attribute)} != request.before_ids:
        raise _stale()
    items = session.scalars(select(item_model).where(item_model.id.in_(request.proposed_ids))).all()
    # Checked again on what is applied: the roles' grants may have changed since the request.
    check_grants(sm, session, request.kind, target, list(items))
    setattr(target, attribute, list(items))
    if request.kind == "user_roles":
        # New roles, new sessions: what the account could do before ends now.
        accounts.end_sessions(session, target.id)


def _apply_departments(sm, session, request: PermissionRequest) -> None:
    """Department membership decides a clerk's or department head's scope: it is a grant too."""
    if {d.id for d in departments_of_user(session, request.target_id)} != request.before_ids:
        raise _stale()
    session.execute(delete(StaffDepartment).where(StaffDepartment.user_id == request.target_id))
    for department_id in sorted(request.proposed_ids):
        session.add(StaffDepartment(user_id=request.target_id, department_id=department_id))


def _apply_rename(sm, session, request: PermissionRequest) -> None:
    role = session.get(sm.role_model, request.target_id)
    if role is None:
        raise _gone()
    (old,), (new,) = json.loads(request.before), json.loads(request.proposed)
    if role.name != old:
        raise _stale()
    if session.scalar(select(sm.role_model.id).where(sm.role_model.name == new)) is not None:
        raise ApprovalError("name_taken", _("A role named %(name)s already exists.", name=new))
    role.name = new


def _apply_role_delete(sm, session, request: PermissionRequest) -> None:
    role = session.get(sm.role_model, request.target_id)
    if role is None:
        raise _gone()
    holders = session.scalars(select(sm.user_model).where(sm.user_model.roles.any(id=role.id))).all()
    if holders:
        raise ApprovalError("role_in_use", _("Accounts still hold this role: request the removal of their role "
                                             "first."))
    role.permissions = []
    session.delete(role)


def _apply_second_factor_reset(sm, session, request: PermissionRequest) -> None:
    from security import accounts

    user = session.get(sm.user_model, request.target_id)
    if user is None:
        raise _gone()
    accounts.disable_totp(session, user)
    state = accounts.state_of(session, user.id)
    # Whoever asked for the reset may enrol the new factor: they must not approve as this account.
    state.credentials_set_by_id = request.requested_by_id
    accounts.end_sessions(session, user.id)


APPLY = {
    "user_roles": _apply_grants,
    "role_permissions": _apply_grants,
    "user_departments": _apply_departments,
    "role_rename": _apply_rename,
    "role_delete": _apply_role_delete,
    "second_factor_reset": _apply_second_factor_reset,
}


def pending(session) -> list[PermissionRequest]:
    return list(session.scalars(select(PermissionRequest).where(PermissionRequest.state == "pending")
                                .order_by(PermissionRequest.id)))
