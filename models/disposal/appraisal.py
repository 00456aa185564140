"""Appraisal (§9.1.2 檔案無效): an archivist marks content as invalid, with a reason.

The mark is reviewed like any change (it has a review state and follows the review
path); only an approved mark makes its item eligible for destruction.
"""

from flask_appbuilder import Model
from sqlalchemy import Column, Index, Integer, String, Text, select

from ..base import EntryMixin, code_column
from .items import Item


class AppraisalMark(EntryMixin, Model):
    __tablename__ = "appraisal_mark"
    __versioned__ = {}
    __table_args__ = (Index("ix_appraisal_mark_item", "table_name", "record_id"),)

    id = Column(Integer, primary_key=True)
    official_id = Column(Integer, nullable=False, index=True)
    # "material" or a section table.
    table_name = Column(String(40), nullable=False)
    record_id = Column(Integer, nullable=False)
    # duplicate | wrongly_filed | superseded | not_dossier (code table invalid_reason)
    reason = code_column("invalid_reason", nullable=False)
    note = Column(Text)
    review_state = Column(String(16), nullable=False, default="draft", index=True)


def invalid_mark(session, item: Item) -> AppraisalMark | None:
    """The approved mark that makes ``item`` invalid, if any."""
    return session.scalar(select(AppraisalMark).where(
        AppraisalMark.table_name == item.table_name, AppraisalMark.record_id == item.record_id,
        AppraisalMark.review_state == "approved").order_by(AppraisalMark.id.desc()).limit(1))
