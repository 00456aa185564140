"""Shared column helpers and the fields every dossier section record carries (§3)."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import declared_attr, relationship


def code_column(table_name: str, nullable: bool = True, **kwargs) -> Column:
    """A column holding a code of ``table_name``; forms, lists and validation read the info."""
    info = {"code_table": table_name, **kwargs.pop("info", {})}
    return Column(String(16), nullable=nullable, info=info, **kwargs)


def date_column(nullable: bool = True, **rules) -> Column:
    """A date column; ``rules`` (min_age, not_before, allow_future) drive validation."""
    return Column(Date, nullable=nullable, info=rules)


def current_user_id():
    """The acting user of a web request; None for command-line and import writes."""
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


class EntryMixin:
    """Who entered a record and when, and who changed it last (§3.2)."""

    entered_at = Column(DateTime, default=datetime.now, nullable=False)
    changed_at = Column(DateTime, default=datetime.now, onupdate=datetime.now, nullable=False)

    @declared_attr
    def entered_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"), default=current_user_id)

    @declared_attr
    def changed_by_id(cls):
        return Column(
            Integer, ForeignKey("ab_user.id"), default=current_user_id, onupdate=current_user_id
        )

    @declared_attr
    def entered_by(cls):
        return relationship("User", foreign_keys=[cls.entered_by_id], viewonly=True)

    @declared_attr
    def changed_by(cls):
        return relationship("User", foreign_keys=[cls.changed_by_id], viewonly=True)


class SourceMixin(EntryMixin):
    """Where the material came from (§3.1), when it was received, and its review state."""

    source_channel = code_column("source_channel", nullable=False, default="hr")
    received_on = date_column()
    # draft → submitted → first_approved → approved.
    review_state = Column(String(16), nullable=False, default="draft", index=True)

    @declared_attr
    def source_department_id(cls):
        return Column(Integer, ForeignKey("department.id"))

    @declared_attr
    def source_department(cls):
        return relationship("Department", foreign_keys=[cls.source_department_id])


class SectionRecord(SourceMixin):
    """A record of one dossier section, owned by an official."""

    __versioned__ = {}

    # Set by each section: its key, area and label.
    section_key: str
    section_area: str
    section_label = None
    list_columns: tuple = ()
    # The chronological order of the section on the official page.
    order_by: tuple = ()
    # Completeness (§1.3.2, models.completeness): whether a complete dossier holds a
    # record of this section (or HR's confirmation that there is none of its kind),
    # and the catalogue class its supporting documents are filed under, expected as
    # soon as the section holds a record.
    dossier_required: bool = False
    catalogue_class: str | None = None

    id = Column(Integer, primary_key=True)

    @declared_attr
    def official_id(cls):
        return Column(Integer, ForeignKey("official.id", ondelete="CASCADE"), nullable=False, index=True)

    @declared_attr
    def official(cls):
        return relationship("Official")

    # The collection-register entry this record was entered from (§3.2), if any.
    @declared_attr
    def receipt_id(cls):
        return Column(Integer, ForeignKey("collection_receipt.id", ondelete="SET NULL"), index=True)

    @declared_attr
    def receipt(cls):
        return relationship("CollectionReceipt", foreign_keys=[cls.receipt_id])

    def __repr__(self):
        return f"{self.section_label} #{self.id}"


__all__ = ["Model", "code_column", "date_column", "EntryMixin", "SourceMixin", "SectionRecord"]
