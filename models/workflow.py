"""The life of a dossier record (regulation §3.3 and §7).

::

    draft ──submit──► submitted ──first review──► first_approved ──final review──► approved
      ▲                   │                             │
      └──── reject (reason required) ◄──────────────────┘

A new record is itself the item under review. Editing an approved record never
touches it: the proposed values wait in a ChangeRequest, which follows the same
path and is applied as a new version when the final review approves it.

Every rule about who may move what lives in this module, as data
(``TRANSITIONS``) and plain functions, so views only call ``perform``.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime

from flask_appbuilder import Model
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import relationship

from security.errors import Refusal

from .base import EntryMixin
from .encryption import Sensitive, pending_changes, sensitive_column, sensitive_fields, stored_plaintext
from .reading import UNIT_WIDE, closed_to, has_permission, readable, unit_reviewed  # noqa: F401

DRAFT, SUBMITTED, FIRST_APPROVED, APPROVED = "draft", "submitted", "first_approved", "approved"
PENDING = (DRAFT, SUBMITTED, FIRST_APPROVED)

FIRST_REVIEW = ("can_decide", "first_review")
FINAL_REVIEW = ("can_decide", "final_review")


@dataclass(frozen=True)
class Transition:
    action: str
    source: str
    target: str
    label: object
    # The FAB permission the actor needs; None means "the author".
    permission: tuple | None = None
    needs_reason: bool = False
    # The reviewer must belong to (head) a department of the author (§3.3 初审).
    same_department: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", DRAFT, SUBMITTED, _l("Submit for review")),
        Transition("first_approve", SUBMITTED, FIRST_APPROVED, _l("Pass first review"), FIRST_REVIEW, same_department=True),
        Transition("first_reject", SUBMITTED, DRAFT, _l("Reject at first review"), FIRST_REVIEW, True, True),
        Transition("final_approve", FIRST_APPROVED, APPROVED, _l("Pass final review"), FINAL_REVIEW),
        Transition("final_reject", FIRST_APPROVED, DRAFT, _l("Reject at final review"), FINAL_REVIEW, True),
    )
}


class WorkflowError(Refusal):
    """A move of the review workflow the rules refuse."""


class ChangeRequest(EntryMixin, Model):
    """Proposed values for an approved record (§7.1 信息变更, §7.2 纠错/补充)."""

    __tablename__ = "change_request"
    __versioned__ = {}

    id = Column(Integer, primary_key=True)
    table_name = Column(String(40), nullable=False)
    record_id = Column(Integer, nullable=False)
    official_id = Column(Integer, ForeignKey("official.id", ondelete="CASCADE"), nullable=False, index=True)
    official = relationship("Official")
    # JSON: field → proposed value, and the approved values they replace; encrypted
    # with the official's key, as they may hold sensitive fields.
    _proposed = sensitive_column("proposed", required=True)
    proposed = Sensitive("_proposed")
    _original = sensitive_column("original", required=True)
    original = Sensitive("_original")
    review_state = Column(String(16), nullable=False, default=DRAFT, index=True)

    def __repr__(self):
        return f"#{self.id} {self.table_name}:{self.record_id}"

    @property
    def proposed_values(self) -> dict:
        return decode(self.target_model, json.loads(self.proposed))

    @property
    def original_values(self) -> dict:
        return decode(self.target_model, json.loads(self.original))

    @property
    def target_model(self):
        from .sections import BY_TABLE

        return BY_TABLE[self.table_name]


class ReviewDecision(Model):
    """Every move of a record or change request, with who made it and why."""

    __tablename__ = "review_decision"

    id = Column(Integer, primary_key=True)
    # The item that moved: a dossier record, or a change request.
    item_table = Column(String(40), nullable=False)
    item_id = Column(Integer, nullable=False)
    # The dossier record concerned (the target of a change request).
    record_table = Column(String(40), nullable=False)
    record_id = Column(Integer, nullable=False)
    action = Column(String(20), nullable=False)
    from_state = Column(String(16), nullable=False)
    to_state = Column(String(16), nullable=False)
    reason = Column(Text)
    actor_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    actor = relationship("User")
    decided_at = Column(DateTime, nullable=False, default=datetime.now)

    __table_args__ = (
        # The author's drafts show the latest reason; a record's history lists its moves.
        Index("ix_review_decision_item", "item_table", "item_id"),
        Index("ix_review_decision_record", "record_table", "record_id"),
    )


def encode(model, values: dict) -> str:
    return json.dumps({k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()},
                      ensure_ascii=False, sort_keys=True)


def decode(model, raw: dict) -> dict:
    columns = model.__table__.columns
    return {k: (date.fromisoformat(v) if v and isinstance(columns[k].type, Date) else v) for k, v in raw.items()}


# ---------------------------------------------------------------- who may act


def departments_of(session, user_id) -> set[int]:
    """A member of staff's departments; an official's account belongs to the official's."""
    from .official import Official
    from .organisation import StaffDepartment

    staff = set(session.scalars(select(StaffDepartment.department_id).where(StaffDepartment.user_id == user_id)))
    own = session.scalars(
        select(Official.department_id).where(Official.account_id == user_id)
        .execution_options(include_pending=True, all_departments=True)
    )
    return staff | set(own)


def section_of(item):
    """The section model an item belongs to (a change request: the record it changes)."""
    return item.target_model if isinstance(item, ChangeRequest) else type(item)


def record_of(item):
    """(table, id) of the dossier record an item concerns."""
    # A change request and an appraisal mark concern a record: their moves are in its history.
    if isinstance(item, ChangeRequest) or item.__tablename__ == "appraisal_mark":
        return item.table_name, item.record_id
    return item.__tablename__, item.id


def check(session, actor, item, action: str, reason: str | None = None) -> Transition:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError("unknown_action", _("Unknown action."))
    if item.review_state != transition.source:
        raise WorkflowError("wrong_state", _("This item is %(state)s: it cannot be moved by “%(action)s”.",
                              state=state_label(item.review_state), action=transition.label))
    if transition.permission is None:
        if actor.id != item.entered_by_id:
            raise WorkflowError("not_author", _("Only the author can submit an entry for review."))
        return transition
    if not has_permission(actor, transition.permission):
        raise WorkflowError("not_reviewer", _("You are not a reviewer for this stage."))
    if actor.id == item.entered_by_id:
        raise WorkflowError("own_entry", _("Nobody may review their own entry."))
    if not readable(item, closed_to(actor)):
        raise WorkflowError("unreadable", _("You may not read this section, so you cannot review it."))
    if transition.same_department and unit_reviewed(section_of(item)):
        if not has_permission(actor, UNIT_WIDE):
            raise WorkflowError("unit_review", _("The first review of this section belongs to the unit head."))
    elif transition.same_department and not (
        departments_of(session, actor.id) & departments_of(session, item.entered_by_id)
    ):
        raise WorkflowError("other_department", _("First review belongs to the head of the author's own department."))
    if transition.needs_reason and not (reason or "").strip():
        raise WorkflowError("reason_required", _("A rejection needs a reason."))
    if transition.target == APPROVED:
        official = _official_of(session, item)
        if official is not None and official is not item and official.review_state != APPROVED:
            raise WorkflowError("official_pending", _("Approve the official's basic information first."))
    return transition


def perform(session, actor, item, action: str, reason: str | None = None) -> ReviewDecision:
    """Move ``item`` by ``action`` if the rules allow it; the caller commits."""
    transition = check(session, actor, item, action, reason)
    record_table, record_id = record_of(item)
    decision = ReviewDecision(
        item_table=item.__tablename__, item_id=item.id, record_table=record_table, record_id=record_id,
        action=action, from_state=item.review_state, to_state=transition.target,
        reason=(reason or "").strip() or None, actor_id=actor.id,
    )
    # Apply first: a change that no longer fits the record must leave everything as it was.
    if isinstance(item, ChangeRequest) and transition.target == APPROVED:
        apply_change(session, item)
    item.review_state = transition.target
    session.add(decision)
    return decision


def apply_change(session, request: ChangeRequest) -> None:
    """Write the approved values onto the record: Continuum records the new version."""
    model = request.target_model
    record = session.get(model, request.record_id, execution_options={"include_pending": True})
    if record is None:
        raise WorkflowError("record_gone", _("The record this change request was made for no longer exists."))
    current = {key: getattr(record, key) for key in request.original_values}
    if current != request.original_values:
        raise WorkflowError("stale_request", _("The record changed after this request was made: make a new change request."))
    for key, value in request.proposed_values.items():
        setattr(record, key, value)


def _official_of(session, item):
    from .official import Official

    if isinstance(item, Official):
        return item
    return session.get(Official, item.official_id, execution_options={"include_pending": True})


STATE_LABELS = {
    DRAFT: _l("Draft"),
    SUBMITTED: _l("Submitted"),
    FIRST_APPROVED: _l("First review passed"),
    APPROVED: _l("Approved"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


# ---------------------------------------------------------------- edits


_BOOKKEEPING = {"id", "review_state", "entered_at", "entered_by_id", "changed_at", "changed_by_id"}


def _blank(value) -> bool:
    return value is None or value == ""


def changes_of(item) -> tuple[dict, dict]:
    """(new values, approved values) of the fields an edit changed, by column key."""
    state = sa_inspect(item)
    new, old = {}, {}
    ciphertext = {field.column_attr for field in sensitive_fields(type(item)).values()}
    for name, value in pending_changes(item).items():
        before = stored_plaintext(item, name)
        if value != before and not (_blank(value) and _blank(before)):
            new[name], old[name] = value, before
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if attr.key not in _BOOKKEEPING and attr.key not in ciphertext and history.has_changes():
            value, before = getattr(item, attr.key), history.deleted[0] if history.deleted else None
            if _blank(value) and _blank(before):
                continue  # an optional text left empty: a form sends "" for what was never filled
            new[attr.key], old[attr.key] = value, before
    # A changed many-to-one shows on the relationship until flush, not on its key.
    for rel in state.mapper.relationships:
        if rel.direction.name != "MANYTOONE" or rel.viewonly:
            continue
        history = state.attrs[rel.key].history
        if history.has_changes():
            key = next(iter(rel.local_columns)).key
            new[key] = history.added[0].id if history.added and history.added[0] is not None else None
            old[key] = history.deleted[0].id if history.deleted and history.deleted[0] is not None else None
    return new, old


def route_edit(session, item, actor) -> "ChangeRequest | None":
    """Saving an edited record: a draft of one's own is updated in place; an
    approved record stays untouched and the new values become a change request."""
    if item.review_state == APPROVED:
        # No autoflush: a lazy load must not write the edited values before they are set aside.
        with session.no_autoflush:
            new, old = changes_of(item)
            if not new:
                raise WorkflowError("nothing_changed", _("Nothing was changed."))
            model = type(item)
            request = ChangeRequest(
                table_name=item.__tablename__, record_id=item.id, official_id=item.official.id,
                proposed=encode(model, new), original=encode(model, old), entered_by_id=actor.id,
                changed_by_id=actor.id,
            )
            session.expire(item)
        session.add(request)
        return request
    if item.review_state == DRAFT and item.entered_by_id == actor.id:
        return None
    if item.review_state == DRAFT:
        raise WorkflowError("not_author", _("Only the author can change a draft."))
    raise WorkflowError("under_review", _("Entries under review cannot be changed; ask the reviewer to reject it back to draft."))


def check_delete(item, actor) -> None:
    if item.review_state == APPROVED:
        raise WorkflowError("approved_is_kept", _("Approved records leave the dossier only through destruction (§9)."))
    if item.review_state != DRAFT:
        raise WorkflowError("under_review", _("Entries under review cannot be changed; ask the reviewer to reject it back to draft."))
    if item.entered_by_id != actor.id:
        raise WorkflowError("not_author", _("Only the author can delete a draft."))


def find_item(session, key: str):
    """An item from its "table:id" key, pending or not; None if there is none."""
    table, _sep, raw_id = key.partition(":")
    models = {m.__tablename__: m for m in reviewable_models()}
    if table not in models or not raw_id.isdigit():
        return None
    return session.get(models[table], int(raw_id), execution_options={"include_pending": True})


def item_key(item) -> str:
    return f"{item.__tablename__}:{item.id}"


def last_rejections(session, items) -> dict:
    """``last_rejection`` of many items in one query: (table, id) → decision."""
    from sqlalchemy import tuple_

    keys = [(item.__tablename__, item.id) for item in items if item.review_state == DRAFT]
    if not keys:
        return {}
    found = {}
    for decision in session.scalars(
            select(ReviewDecision)
            .where(tuple_(ReviewDecision.item_table, ReviewDecision.item_id).in_(keys),
                   ReviewDecision.to_state == DRAFT)
            .order_by(ReviewDecision.id)):
        found[(decision.item_table, decision.item_id)] = decision
    return found


def last_rejection(session, item) -> "ReviewDecision | None":
    return session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.item_table == item.__tablename__, ReviewDecision.item_id == item.id,
               ReviewDecision.to_state == DRAFT)
        .order_by(ReviewDecision.id.desc())
        .limit(1)
    ).first()


# The review queues read these rules; they live in their own module (models.queues).
from .queues import (  # noqa: E402,F401
    awaits, colleagues_of, may_open, pending_count, pending_items, queue, queue_count, reviewable_models,
)
