"""What the audit trail records on its own: every write of an audited table.

Changes are collected as each flush happens and appended to the trail right
after it (``after_flush_postexec``), so the events commit or roll back with the
action they record; commit's flush loop writes them. Details carry references
and field names only, never values (personal data stays out of the trail).
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from flask_appbuilder.security.sqla.models import Role, User

from models import DOSSIER_MODELS, ChangeRequest, CollectionReceipt, Department, ReviewDecision, StaffDepartment

from . import audit

_PENDING = "dossier_audit_pending"
# Stamps, and FAB's login counters (a login has its own event).
_BOOKKEEPING = {"changed_at", "changed_by_id", "entered_at", "entered_by_id", "last_login", "login_count",
                "fail_login_count", "changed_on", "created_on", "changed_by_fk", "created_by_fk"}


def _changed_fields(obj) -> list[str]:
    state = inspect(obj)
    names = []
    for attr in state.mapper.column_attrs:
        if attr.key not in _BOOKKEEPING and state.attrs[attr.key].history.has_changes():
            names.append(attr.key.lstrip("_"))
    return sorted(names)


def _describe(obj, action: str) -> tuple[str, dict]:
    if isinstance(obj, ReviewDecision):
        # The author's submission is not a reviewer's decision (§3.3): its own action.
        kind = "submit" if obj.action == "submit" else "review"
        return kind, {"decision": obj.action, "item": f"{obj.item_table}:{obj.item_id}",
                          "from": obj.from_state, "to": obj.to_state}
    details = {}
    official_id = getattr(obj, "official_id", None)
    if official_id is not None:
        details["official"] = official_id
    if action == "update":
        details["fields"] = _changed_fields(obj)
    return action, details


# The tables whose every write is an event, whoever wrote it.
AUDITED = (*DOSSIER_MODELS, ChangeRequest, CollectionReceipt, ReviewDecision, StaffDepartment, Department, User, Role)


def install() -> None:
    """Record every write of ``AUDITED``; installed by ``create_app``. Idempotent."""
    for name, listener in (("after_flush", _collect), ("after_flush_postexec", _append),
                           ("after_rollback", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _collect(session, flush_context):
    pending = session.info.setdefault(_PENDING, [])
    for objects, action in ((session.new, "create"), (session.dirty, "update"), (session.deleted, "delete")):
        for obj in objects:
            if not isinstance(obj, AUDITED):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            kind, details = _describe(obj, action)
            if action == "update" and not details["fields"]:
                continue
            pending.append((kind, obj.__tablename__, obj.id, details))


def _append(session, flush_context):
    pending = session.info.pop(_PENDING, [])
    for kind, table, row_id, details in pending:
        audit.record(kind, object_type=table, object_id=row_id, details=details, session=session)


def _forget(session):
    session.info.pop(_PENDING, None)
