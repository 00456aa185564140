"""Collection register (收集登记, §3.1–3.2): material is logged when it arrives."""

from datetime import timedelta

from flask import current_app, has_app_context
from flask_appbuilder import Model
from sqlalchemy import Column, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from .base import EntryMixin, code_column, date_column

DEFAULT_DEADLINE_DAYS = 15


def deadline_days() -> int:
    if has_app_context():
        return int(current_app.config.get("DOSSIER_ENTRY_DEADLINE_DAYS", DEFAULT_DEADLINE_DAYS))
    return DEFAULT_DEADLINE_DAYS


def default_deadline(context):
    # FAB's search form asks column defaults with no insert context: there is none to give.
    if context is None:
        return None
    received = context.get_current_parameters().get("received_on")
    return received + timedelta(days=deadline_days()) if received else None


class CollectionReceipt(EntryMixin, Model):
    __tablename__ = "collection_receipt"
    __versioned__ = {}

    id = Column(Integer, primary_key=True)
    official_id = Column(Integer, ForeignKey("official.id", ondelete="CASCADE"), nullable=False, index=True)
    official = relationship("Official")
    # Key of the section the material belongs to (models.sections.BY_KEY).
    section_key = Column(String(40), nullable=False, info={"section": True})
    source_channel = code_column("source_channel", nullable=False, default="hr")
    source_department_id = Column(Integer, ForeignKey("department.id"))
    source_department = relationship("Department")
    provider = Column(String(100), nullable=False)
    received_on = date_column(nullable=False)
    # Entry must be finished by this date (§3.2 不得积压); defaults to received + the configured days.
    deadline = Column(Date, nullable=False, default=default_deadline, index=True, info={"after": "received_on", "allow_future": True})
    description = Column(Text)

    def __repr__(self):
        return f"{self.official} {self.received_on} {self.provider}"
