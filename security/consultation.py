"""Consultation rules (查阅, §5.3) as plain functions: who may apply and decide, and when a
grant opens a page.

A grant opens only the sections it names, of the official it names, to its
applicant, between its dates, from an address in ``CONSULTATION_TERMINALS``; the
check runs on every request, and a scheduled job marks grants past their end.
"""

import ipaddress
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from models import BY_KEY, BY_TABLE
from models.reading import class_guards
from models.consultation import APPROVED, DEPARTMENT_APPROVED, EXPIRED, REJECTED, SUBMITTED, Consultation
from models.workflow import colleagues_of, departments_of, has_permission
from security.errors import Refusal

DECIDE_DEPARTMENT = ("can_decide_department", "consultation")
DECIDE_ARCHIVE = ("can_decide_archive", "consultation")


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


def decide(session, actor, application: Consultation, approve: bool, reason: str | None = None) -> None:
    """The next decision on ``application``; the approvers are recorded by name (the caller commits)."""
    from security import audit

    if application.applicant_id == actor.id:
        raise ConsultationError("own_application", _("Nobody may decide their own application."))
    if application.state == SUBMITTED:
        if not has_permission(actor, DECIDE_DEPARTMENT):
            raise ConsultationError("not_department_head", _("The applicant's department head decides first."))
        if not departments_of(session, actor.id) & departments_of(session, application.applicant_id):
            raise ConsultationError("other_department", _("Only the head of the applicant's own department decides first."))
        stage = "department"
    elif application.state == DEPARTMENT_APPROVED:
        if not has_permission(actor, DECIDE_ARCHIVE):
            raise ConsultationError("not_archive", _("The archive department decides second."))
        if actor.id == application.department_approver_id:
            raise ConsultationError("same_approver", _("The two approvals must come from two different people."))
        stage = "archive"
    else:
        raise ConsultationError("decided", _("This application has already been decided."))
    now = datetime.now()
    if not approve:
        if not (reason or "").strip():
            raise ConsultationError("reason_required", _("A rejection needs a reason."))
        application.state, application.rejected_by_id, application.rejected_at = REJECTED, actor.id, now
        application.reason = reason.strip()
    elif stage == "department":
        application.state = DEPARTMENT_APPROVED
        application.department_approver_id, application.department_approved_at = actor.id, now
    else:
        application.state = APPROVED
        application.archive_approver_id, application.archive_approved_at = actor.id, now
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
    """Applications waiting for ``user``'s decision."""
    waiting = []
    if has_permission(user, DECIDE_DEPARTMENT):
        waiting += session.scalars(select(Consultation).where(
            Consultation.state == SUBMITTED, Consultation.applicant_id.in_(colleagues_of(session, user.id)))).all()
    if has_permission(user, DECIDE_ARCHIVE):
        waiting += session.scalars(select(Consultation).where(Consultation.state == DEPARTMENT_APPROVED,
                                                              Consultation.applicant_id != user.id)).all()
    return waiting
