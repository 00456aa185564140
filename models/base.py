"""Shared column helpers and the fields every dossier section record carries (§3)."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import declared_attr, relationship

from . import sections


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
    """Where the material came from (§3.1), when it was received, and its review state.

    A dossier model declares its section beside its columns; declaring the class is
    registering it (``models.sections``). What a section may declare, with the defaults:
    """

    # Its key (URL, permission and menu name), area (models.sections.AREAS) and label.
    section_key: str
    section_area: str
    section_label = None
    # Columns of its list, searchable columns (None: every plain content column), and
    # the order of its records on the official page.
    list_columns: tuple = ()
    search_columns: tuple | None = None
    order_by: tuple = ()
    # Access beyond its area's tier, by role (security.roles reads it): e.g. {"clerk": "add"}
    # lets clerks enter the section without reading it back.
    access: dict = {}
    # First-reviewed by the unit head rather than the author's department head, who may
    # not read it (models.reading).
    unit_first_review = False
    # The catalogue class its supporting documents are filed in (GB/T class code, e.g. "8"),
    # expected as soon as the section holds a record (models.completeness), and whether those
    # documents are as closed as the section itself (models.reading).
    catalogue_class: str | None = None
    guards_catalogue_class = False
    # Completeness (§1.3.2, models.completeness): whether a complete dossier holds a record of
    # this section (or HR's confirmation that there is none of its kind).
    dossier_required: bool = False
    # What a roster may show of the section and filter by (models.roster_fields).
    roster_columns: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "section_key" in cls.__dict__:
            sections.register(cls)

    @classmethod
    def demo(cls, dossier) -> list[dict]:
        """Demonstration rows for one official (``flask dossier seed``, models.demo.DemoDossier); by default one row
        of plausible values read off the columns. Sections override it with their own story."""
        return [dossier.plausible_row(cls)]

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

    id = Column(Integer, primary_key=True)

    # Constraints of the section's own (SQLAlchemy's __table_args__ is built here).
    table_args: tuple = ()

    @declared_attr
    def __table_args__(cls):
        # The official page reads every section by official and review state: one index
        # answers both, whatever a planner without statistics would pick (SQLite).
        return (*cls.table_args, Index(f"ix_{cls.__tablename__}_official_state", "official_id", "review_state"))

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
