"""Consultation rules (查阅, §5.3) as plain functions: who may apply and decide, and when a
grant opens a page.

A grant opens only the sections it names, of the official it names, to its
applicant, between its dates, from an address in ``CONSULTATION_TERMINALS``; the
check runs on every request, and a scheduled job marks grants past their end.
"""

import ipaddress
from datetime import date, datetime

from dataclasses import dataclass
from typing import Callable

from flask import current_app
from flask_appbuilder.security.sqla.models import (
    Permission, PermissionView, User, ViewMenu, assoc_permissionview_role, assoc_user_role,
)
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import exists, select, update

from models import BY_KEY, BY_TABLE
from models.reading import class_guards
from models.consultation import (
    APPROVED, DEPARTMENT_APPROVED, EXPIRED, REJECTED, SUBMITTED, Consultation, ConsultationApprover,
)
from models.organisation import StaffDepartment
from models.workflow import departments_of, has_permission
from security.accounts import display_name  # noqa: F401  (the pages name people by it)
from security.errors import Refusal

DECIDE_DEPARTMENT = ("can_decide_department", "consultation")
DECIDE_UNIT = ("can_decide_unit", "consultation")
DECIDE_ARCHIVE = ("can_decide_archive", "consultation")


def holders(session, permission: tuple, among=None) -> list:
    """Active accounts granted ``permission`` by a role (``among``: only these user ids)."""
    name, view = permission
    link = assoc_permissionview_role
    granted = (select(link.c.role_id).join(PermissionView, PermissionView.id == link.c.permission_view_id)
               .join(Permission, Permission.id == PermissionView.permission_id)
               .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
               .where(Permission.name == name, ViewMenu.name == view))
    query = (select(User).where(User.active.is_(True), exists().where(
        assoc_user_role.c.user_id == User.id, assoc_user_role.c.role_id.in_(granted))).order_by(User.id))
    if among is not None:
        query = query.where(User.id.in_(among))
    return list(session.scalars(query))


def _department_heads(session, applicant_id) -> list:
    departments = departments_of(session, applicant_id)
    if not departments:
        return []
    staff = select(StaffDepartment.user_id).where(StaffDepartment.department_id.in_(departments))
    return holders(session, DECIDE_DEPARTMENT, among=staff)


def _unit_heads(session, applicant_id) -> list:
    return holders(session, DECIDE_UNIT)


@dataclass(frozen=True)
class Route:
    """One way the first approval goes: who it names and the permission they decide with."""
    key: str
    label: object
    permission: tuple
    candidates: Callable


# The first approval (§5.3): the applicant's department heads for their department; when the
# applicant has no department or it has no head, the unit head. The first route naming
# anyone but the applicant wins; an application nobody can decide is never made.
ROUTES = (
    Route("department", _l("Department head"), DECIDE_DEPARTMENT, _department_heads),
    Route("unit", _l("Unit head"), DECIDE_UNIT, _unit_heads),
)
ROUTE_BY_KEY = {r.key: r for r in ROUTES}


def route(session, applicant) -> tuple[Route | None, list]:
    """(route, approvers) of an application ``applicant`` makes now; (None, []) if nobody can approve it."""
    for candidate in ROUTES:
        people = [u for u in candidate.candidates(session, applicant.id) if u.id != applicant.id]
        if people:
            return candidate, people
    return None, []


def approver_text(route_: Route | None, people) -> str:
    """What the form and the lists say about the first approval: "Approver: Department head 王五"."""
    if route_ is None:
        return nobody_approves_message()
    return _("Approver: %(role)s %(names)s", role=route_.label, names="、".join(display_name(u) for u in people))


def nobody_approves_message() -> str:
    return _("Nobody can approve your application: your department has no head and the unit has no unit "
             "head. Ask the system administrator to appoint one.")


def routed(session, application: Consultation) -> tuple[Route | None, list]:
    """The route and approvers of a submitted application: those recorded when it was made;
    an application made before routing was recorded (no approvers) is routed now."""
    if application.routed:
        return ROUTE_BY_KEY.get(application.first_route, ROUTES[0]), [row.user for row in application.routed]
    return route(session, application.applicant)


def submit(session, applicant, **fields) -> Consultation:
    """A new application routed to its named first approvers (the caller commits);
    ConsultationError when nobody can approve it."""
    route_, people = route(session, applicant)
    if route_ is None:
        raise ConsultationError("no_approver", nobody_approves_message())
    application = Consultation(applicant_id=applicant.id, state=SUBMITTED, first_route=route_.key, **fields)
    application.routed = [ConsultationApprover(user_id=u.id) for u in people]
    session.add(application)
    return application


def assistant_problem(session, assistant_id) -> str | None:
    """Why ``assistant_id`` cannot be the archivist assisting a reading (§5.3.3), or None."""
    if not assistant_id or not holders(session, DECIDE_ARCHIVE, among=[assistant_id]):
        return _("The reading is assisted by an archivist: choose one of the archive's staff.")
    return None


def archivists(session) -> list:
    """Who may be named as the archivist assisting a reading."""
    return holders(session, DECIDE_ARCHIVE)


class ConsultationError(Refusal):
    """An application, decision or reading that the rules of §5.3 refuse."""


def application_problems(session, applicant, official, sections, purpose, valid_from, valid_until) -> list[str]:
    problems = []
    if official is not None and official.account_id == applicant.id:
        problems.append(_("Nobody may consult their own dossier: ask the archive for your own records."))
    if not sections or any(key not in BY_KEY for key in sections):
        problems.append(_("Choose at least one section."))
    if not (purpose or "").strip():
        problems.append(_("State the purpose of the consultation."))
    if valid_from and valid_until:
        if valid_until < valid_from:
            problems.append(_("The period ends before it starts."))
        if valid_until < date.today():
            problems.append(_("The period is already over."))
        longest = current_app.config["CONSULTATION_MAX_DAYS"]
        if (valid_until - valid_from).days + 1 > longest:
            problems.append(_("A grant lasts at most %(days)s days.", days=longest))
    return problems


def decide(session, actor, application: Consultation, approve: bool, reason: str | None = None,
           assistant_id: int | None = None) -> None:
    """The next decision on ``application``; the approvers are recorded by name, and the archive's
    approval names the archivist assisting the reading (by default the approver; the caller commits)."""
    from security import audit

    if application.applicant_id == actor.id:
        raise ConsultationError("own_application", _("Nobody may decide their own application."))
    if application.state == SUBMITTED:
        route_, people = routed(session, application)
        if route_ is None or actor.id not in {u.id for u in people} or not has_permission(actor, route_.permission):
            raise ConsultationError("not_routed", _("This application goes to %(names)s for the first approval.",
                                                    names="、".join(display_name(u) for u in people) or "—"))
        stage = route_.key
    elif application.state == DEPARTMENT_APPROVED:
        if not has_permission(actor, DECIDE_ARCHIVE):
            raise ConsultationError("not_archive", _("The archive department decides second."))
        if actor.id == application.department_approver_id:
            raise ConsultationError("same_approver", _("The two approvals must come from two different people."))
        # Named on the form; unnamed, the approving archivist assists the reading.
        assistant_id = assistant_id or actor.id
        if approve and (problem := assistant_problem(session, assistant_id)):
            raise ConsultationError("not_archivist", problem)
        stage = "archive"
    else:
        raise ConsultationError("decided", _("This application has already been decided."))
    now = datetime.now()
    if not approve:
        if not (reason or "").strip():
            raise ConsultationError("reason_required", _("A rejection needs a reason."))
        application.state, application.rejected_by_id, application.rejected_at = REJECTED, actor.id, now
        application.reason = reason.strip()
    elif stage != "archive":
        # The first approval, whichever route it took, is the "department" stage of the grant.
        application.state = DEPARTMENT_APPROVED
        application.department_approver_id, application.department_approved_at = actor.id, now
    else:
        application.state = APPROVED
        application.archive_approver_id, application.archive_approved_at = actor.id, now
        application.assisted_by_id = assistant_id
    audit.record("consultation_" + ("approved" if approve else "rejected"), object_type="consultation",
                 object_id=application.id, actor=actor, session=session, details={"stage": stage})


def terminal_allowed(address: str | None) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(net, strict=False) for net in current_app.config["CONSULTATION_TERMINALS"])


def check_grant(application: Consultation | None, user, section_key: str, address: str | None,
                today: date | None = None) -> None:
    """Raise ConsultationError unless the grant opens ``section_key`` to ``user`` here and now."""
    today = today or date.today()
    if application is None or application.applicant_id != user.id:
        raise ConsultationError("no_grant", _("There is no such consultation grant of yours."))
    if application.state != APPROVED:
        raise ConsultationError("not_approved", _("This application is not (or no longer) approved."))
    if today < application.valid_from:
        raise ConsultationError("not_yet", _("This grant starts on %(day)s.", day=application.valid_from.isoformat()))
    if today > application.valid_until:
        raise ConsultationError("expired", _("This grant ended on %(day)s.", day=application.valid_until.isoformat()))
    if section_key not in application.section_keys:
        raise ConsultationError("section", _("This grant does not cover that section."))
    if not terminal_allowed(address):
        raise ConsultationError("terminal", _("Dossiers are consulted only from the archive's reading terminals; "
                                              "this computer (%(address)s) is not one of them.", address=address))


def covers_material(application: Consultation, material) -> bool:
    """A document is read under a grant only if the grant also covers what the document
    belongs to: its linked section, and for guarded classes (8) the guarding sections."""
    keys = set(application.section_keys)
    if "material" not in keys:
        return False
    if material.record_table and BY_TABLE.get(material.record_table) is not None \
            and BY_TABLE[material.record_table].section_key not in keys:
        return False
    guarded = set(class_guards().get(material.material_class, ()))
    if guarded and not guarded & keys:
        return False
    return True


def expire_grants(session, today: date | None = None) -> int:
    """Mark approved grants past their end as expired; the scheduled job and the command call it."""
    today = today or date.today()
    result = session.execute(
        update(Consultation).where(Consultation.state == APPROVED, Consultation.valid_until < today)
        .values(state=EXPIRED)
    )
    return result.rowcount


def queue(session, user) -> list[Consultation]:
    """Applications waiting for ``user``'s decision: the first approval only to the approvers it
    was routed to (or, made before routing was recorded, would be routed to now)."""
    waiting = []
    if any(has_permission(user, r.permission) for r in ROUTES):
        waiting += session.scalars(select(Consultation).join(ConsultationApprover).where(
            Consultation.state == SUBMITTED, ConsultationApprover.user_id == user.id)
            .order_by(Consultation.id)).all()
        unrouted = session.scalars(select(Consultation).where(
            Consultation.state == SUBMITTED, ~Consultation.routed.any()).order_by(Consultation.id)).all()
        waiting += [a for a in unrouted if user.id in {u.id for u in routed(session, a)[1]}]
    if has_permission(user, DECIDE_ARCHIVE):
        waiting += session.scalars(select(Consultation).where(Consultation.state == DEPARTMENT_APPROVED,
                                                              Consultation.applicant_id != user.id)).all()
    return waiting
