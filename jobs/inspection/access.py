"""The report's access and use part (§10.1, §5): consultations, refusals, reads of
sensitive sections by role, exports, permission changes, sign-in failures and
lockouts, activity outside working hours, and readers opening far more dossiers
than their own median — all counted from the audit trail of the period."""

from collections import Counter, defaultdict
from datetime import datetime
from statistics import median

from flask import current_app
from sqlalchemy import select

from models.db import db
from models import Consultation
from security.audit_tables import AuditEvent

# Sections whose reads an inspector follows: the integrity file, sanctions and personal matters.
SENSITIVE_TABLES = frozenset({"integrity_report", "integrity_risk", "violation_record", "sanction",
                              "personal_matter_report"})
COUNTED = {
    "consultation": ("consultation_applied", "consultation_approved", "consultation_rejected", "consultation_read",
                     "consultation_refused"),
    "denied": ("access_denied",),
    "exports": ("export",),
    "permissions": ("permission_requested", "permission_approved", "permission_rejected"),
    "sign_in": ("login_failed", "login_refused", "lockout", "second_factor_failed"),
}
DEFAULTS = {"INSPECTION_WORKING_HOURS": (8, 19), "INSPECTION_UNUSUAL_FACTOR": 5, "INSPECTION_UNUSUAL_MINIMUM": 20}


def _setting(name):
    return current_app.config.get(name, DEFAULTS[name])


def _roles_of_users() -> dict[int, str]:
    sm = current_app.appbuilder.sm
    return {user.id: ",".join(sorted(r.name for r in user.roles)) for user in db.session.scalars(select(sm.user_model))}


def figures(period) -> dict:
    since, until = period.audit_bounds()
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.at)
        .where(AuditEvent.at >= since, AuditEvent.at < until).order_by(AuditEvent.seq)
        .execution_options(yield_per=10_000))
    actions = Counter()
    sensitive = Counter()
    outside = Counter()
    opened = defaultdict(lambda: defaultdict(set))  # actor -> day -> officials opened
    roles = _roles_of_users()
    start_hour, end_hour = _setting("INSPECTION_WORKING_HOURS")
    for action, actor_id, object_type, object_id, at in events:
        actions[action] += 1
        if actor_id is None:
            continue
        local = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=_utc()).astimezone()
        if local.weekday() >= 5 or not start_hour <= local.hour < end_hour:
            outside[actor_id] += 1
        if action == "read" and object_type in SENSITIVE_TABLES:
            sensitive[roles.get(actor_id, "")] += 1
        if action == "read" and object_type == "official" and object_id:
            opened[actor_id][local.date()].add(object_id)
    counted = {part: {a: actions.get(a, 0) for a in names} for part, names in COUNTED.items()}
    consultations = Counter(dict(db.session.execute(
        select(Consultation.state, _count()).where(Consultation.applied_at >= period.since,
                                                   Consultation.applied_at < period.until)
        .group_by(Consultation.state)).all()))
    return {**counted, "consultations_by_state": dict(consultations), "sensitive_reads_by_role": dict(sensitive),
            "outside_hours": {"events": sum(outside.values()), "accounts": len(outside),
                              "hours": [start_hour, end_hour]},
            "unusual_volumes": unusual(opened), "events": sum(actions.values())}


def unusual(opened) -> list[dict]:
    """Days on which a reader opened far more dossiers than on their own median day."""
    factor, minimum = float(_setting("INSPECTION_UNUSUAL_FACTOR")), int(_setting("INSPECTION_UNUSUAL_MINIMUM"))
    found = []
    for actor_id, days in opened.items():
        counts = {day: len(ids) for day, ids in days.items()}
        typical = median(counts.values())
        for day, count in sorted(counts.items()):
            if count >= minimum and count > factor * typical:
                found.append({"actor": actor_id, "day": day.isoformat(), "officials": count, "median": typical})
    return found


def _utc():
    from datetime import timezone

    return timezone.utc


def _count():
    from sqlalchemy import func

    return func.count()
