"""Rectification (整改): a finding of a report becomes an item assigned to a role with a
due date, and is closed with a note and its evidence. Every step is audited; items
still open are carried into every later report."""

from datetime import date, datetime

from flask_babel import gettext as _

from models.db import db
from models.inspection import RectificationItem
from security import audit
from security.roles import ROLE_LABELS

from .report import body_of

TITLE_LIMIT = 200
TEXT_LIMIT = 2000


class RectificationError(ValueError):
    """What is wrong with the request, in the reader's language; nothing was changed."""


def _text(value, name: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise RectificationError(_("%(field)s is required.", field=name))
    if len(text) > limit:
        raise RectificationError(_("%(field)s is longer than %(limit)s characters.", field=name, limit=limit))
    return text


def finding_keys(report) -> set[str]:
    return {f["key"] for f in body_of(report)["findings"]}


def create(report, finding_key: str, title: str, role: str, due_on: date | None, user) -> RectificationItem:
    if finding_key not in finding_keys(report):
        raise RectificationError(_("The report has no such finding."))
    title = _text(title, _("Title"), TITLE_LIMIT)
    if role not in ROLE_LABELS:
        raise RectificationError(_("Choose the role the item is assigned to."))
    if due_on is None or due_on < date.today():
        raise RectificationError(_("The due date must be today or later."))
    item = RectificationItem(report_id=report.id, finding_key=finding_key, title=title, assigned_role=role,
                             due_on=due_on, state="open", created_by_id=user.id)
    db.session.add(item)
    db.session.flush()
    audit.record("rectification_created", object_type="rectification_item", object_id=item.id, actor=user,
                 details={"report": report.id, "finding": finding_key, "role": role, "due_on": due_on.isoformat()})
    db.session.commit()
    return item


def close(item: RectificationItem, note: str, evidence: str, user) -> RectificationItem:
    if item.state != "open":
        raise RectificationError(_("This item is already closed."))
    item.note = _text(note, _("Note"), TEXT_LIMIT)
    item.evidence = _text(evidence, _("Evidence"), TEXT_LIMIT)
    item.state, item.closed_by_id, item.closed_at = "closed", user.id, datetime.now()
    audit.record("rectification_closed", object_type="rectification_item", object_id=item.id, actor=user,
                 details={"report": item.report_id, "finding": item.finding_key})
    db.session.commit()
    return item
