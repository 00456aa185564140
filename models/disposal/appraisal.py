"""Appraisal (§9.1.2 檔案無效): an archivist marks content as invalid, with a reason.

The mark is reviewed like any change: it is itself an item of the review workflow
(``models.workflow``), listed in the same queues and moved by the same ``perform``. Its
routing is the workflow's data: like the integrity file, its first review belongs to
the unit head (``unit_first_review``), its final review to HR, and nobody reviews their
own mark. Only an approved mark makes its item eligible for destruction. A mark may
be made on held content (it destroys nothing); the hold still stops the destruction.
"""

from flask_appbuilder import Model
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Index, Integer, String, Text, select
from sqlalchemy.orm import foreign, relationship

from security.errors import Refusal

from ..base import EntryMixin, code_column
from .items import MATERIAL, Item


class AppraisalMark(EntryMixin, Model):
    __tablename__ = "appraisal_mark"
    __versioned__ = {}
    __table_args__ = (Index("ix_appraisal_mark_item", "table_name", "record_id"),)

    # What the review screens read of an item (as of a section).
    section_label = _l("Invalidity mark")
    unit_first_review = True
    list_columns = ("table_name", "record_id", "reason", "note")

    id = Column(Integer, primary_key=True)
    official_id = Column(Integer, nullable=False, index=True)
    # "material" or a section table.
    table_name = Column(String(40), nullable=False)
    record_id = Column(Integer, nullable=False)
    # duplicate | wrongly_filed | superseded | not_dossier (code table invalid_reason)
    reason = code_column("invalid_reason", nullable=False)
    note = Column(Text)
    review_state = Column(String(16), nullable=False, default="draft", index=True)

    # No foreign key (the mark outlives a destroyed dossier); read-only, for the queues.
    official = relationship("Official", primaryjoin="foreign(AppraisalMark.official_id) == Official.id",
                            viewonly=True)

    @property
    def item(self) -> Item:
        kind = MATERIAL if self.table_name == "material" else "record"
        return Item(kind, self.official_id, self.table_name, self.record_id)

    def __repr__(self):
        return f"mark #{self.id} {self.table_name}:{self.record_id}"


class AppraisalError(Refusal):
    """A mark the rules refuse."""


def invalid_mark(session, item: Item) -> AppraisalMark | None:
    """The approved mark that makes ``item`` invalid, if any."""
    return session.scalar(select(AppraisalMark).where(
        AppraisalMark.table_name == item.table_name, AppraisalMark.record_id == item.record_id,
        AppraisalMark.review_state == "approved").order_by(AppraisalMark.id.desc()).limit(1))


def markable(session, table_name: str, record_id: int):
    """The approved material or section record a mark may be made on, or a refusal."""
    from ..sections import BY_TABLE

    model = BY_TABLE.get(table_name)
    if model is None or model.__tablename__ == "official":
        raise AppraisalError("not_markable", _("Only a material or a section record can be marked invalid."))
    row = session.get(model, record_id, execution_options={"include_pending": True})
    if row is None:
        raise AppraisalError("no_item", _("There is no such material or record."))
    if row.review_state != "approved":
        raise AppraisalError("not_approved", _("Only approved content is appraised: this entry is still under review."))
    return row


def mark(session, user, row, reason, note=None) -> AppraisalMark:
    """Mark ``row`` invalid and submit the mark for review; the caller commits."""
    from security import audit

    from .. import codes, workflow

    reason = (reason or "").strip()
    if reason not in codes.table("invalid_reason"):
        raise AppraisalError("reason_required", _("Reason: choose why the entry is invalid."))
    waiting = session.scalar(select(AppraisalMark.id).where(
        AppraisalMark.table_name == row.__tablename__, AppraisalMark.record_id == row.id,
        # A rejected mark (back in draft) stays as the record of that decision; a new one may be made.
        AppraisalMark.review_state.in_((workflow.SUBMITTED, workflow.FIRST_APPROVED, workflow.APPROVED))).limit(1))
    if waiting is not None:
        raise AppraisalError("already_marked", _("This entry is marked invalid already (mark no. %(id)s).", id=waiting))
    entry = AppraisalMark(official_id=row.official_id, table_name=row.__tablename__, record_id=row.id, reason=reason,
                          note=(note or "").strip()[:2000] or None, entered_by_id=user.id, changed_by_id=user.id)
    session.add(entry)
    session.flush()
    # Straight into review: the marker has nothing more to enter.
    workflow.perform(session, user, entry, "submit")
    audit.record("appraisal_marked", object_type="appraisal_mark", object_id=entry.id, actor=user, session=session,
                 details={"table": entry.table_name, "record_id": entry.record_id, "reason": reason})
    return entry


def marks(session, limit: int = 500) -> list[AppraisalMark]:
    """Every mark, newest first (the marks list with their review state)."""
    return list(session.scalars(select(AppraisalMark).order_by(AppraisalMark.id.desc()).limit(limit)
                                .execution_options(include_pending=True)))
