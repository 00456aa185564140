"""Supervision and inspection (§10, §4.3.2, §1.3): the inspection reports, their
rectification items, the four-property self-check's results, and the "none of
this kind" confirmations that complete a dossier without a record.

A report is immutable once generated: its body is stored with its SHA-256 and an
Ed25519 signature (jobs.inspection.signing), and the ORM refuses to change or
delete it, so an edit can only come from behind the application, where the
signature exposes it.
"""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import (Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint,
                        event)
from sqlalchemy.orm import Session, relationship


class CompletenessConfirmation(Model):
    """HR's statement that a required section is empty because the official has none of its kind."""

    __tablename__ = "completeness_confirmation"
    __table_args__ = (UniqueConstraint("official_id", "section_key", name="uq_completeness_confirmation"),)

    id = Column(Integer, primary_key=True)
    official_id = Column(Integer, ForeignKey("official.id", ondelete="CASCADE"), nullable=False, index=True)
    section_key = Column(String(40), nullable=False)
    note = Column(Text)
    confirmed_by_id = Column(Integer, ForeignKey("ab_user.id"))
    confirmed_at = Column(DateTime, nullable=False, default=datetime.now)


class InspectionReport(Model):
    __tablename__ = "inspection_report"

    id = Column(Integer, primary_key=True)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    # None: the whole unit.
    department_id = Column(Integer, ForeignKey("department.id"))
    department = relationship("Department")
    # schedule | demand | command
    trigger = Column(String(12), nullable=False)
    generated_at = Column(DateTime, nullable=False, default=datetime.now)
    generated_by_id = Column(Integer, ForeignKey("ab_user.id"))
    generated_by = relationship("User")
    # Canonical JSON: figures and findings as message keys and numbers, never text in one language.
    body = Column(Text, nullable=False)
    sha256 = Column(String(64), nullable=False)
    signature = Column(Text, nullable=False)
    items = relationship("RectificationItem", back_populates="report", order_by="RectificationItem.id")


RECTIFICATION_STATES = ("open", "closed")


class RectificationItem(Model):
    """整改: a finding of a report turned into work for a role, closed with a note and evidence."""

    __tablename__ = "rectification_item"

    id = Column(Integer, primary_key=True)
    report_id = Column(Integer, ForeignKey("inspection_report.id"), nullable=False, index=True)
    report = relationship("InspectionReport", back_populates="items")
    finding_key = Column(String(80), nullable=False)
    title = Column(String(200), nullable=False)
    assigned_role = Column(String(40), nullable=False)
    due_on = Column(Date, nullable=False)
    state = Column(String(12), nullable=False, default="open", index=True)
    created_by_id = Column(Integer, ForeignKey("ab_user.id"))
    created_by = relationship("User", foreign_keys=[created_by_id])
    created_at = Column(DateTime, nullable=False, default=datetime.now)
    closed_by_id = Column(Integer, ForeignKey("ab_user.id"))
    closed_by = relationship("User", foreign_keys=[closed_by_id])
    closed_at = Column(DateTime)
    note = Column(Text)
    evidence = Column(Text)


OUTCOMES = ("pass", "fail", "skip")


class FourPropertyRun(Model):
    """One four-property self-check (四性检测, DA/T 70-2018) of the holdings."""

    __tablename__ = "four_property_run"

    id = Column(Integer, primary_key=True)
    started_at = Column(DateTime, nullable=False, default=datetime.now)
    finished_at = Column(DateTime)
    trigger = Column(String(12), nullable=False, default="command")
    ok = Column(Boolean, nullable=False, default=False)
    seconds = Column(Float)
    items = relationship("FourPropertyItem", back_populates="run", cascade="all, delete-orphan",
                         order_by="FourPropertyItem.id")


class FourPropertyItem(Model):
    __tablename__ = "four_property_item"

    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("four_property_run.id", ondelete="CASCADE"), nullable=False, index=True)
    run = relationship("FourPropertyRun", back_populates="items")
    # authenticity | integrity | usability | security
    property = Column(String(16), nullable=False)
    item = Column(String(40), nullable=False)
    outcome = Column(String(8), nullable=False)
    checked = Column(Integer, nullable=False, default=0)
    problems = Column(Integer, nullable=False, default=0)
    # JSON list of the first problems, each naming what is wrong (ids and codes, no personal data).
    detail = Column(Text)


class ReportImmutable(RuntimeError):
    pass


def _reports_never_change(session, flush_context, instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, InspectionReport) and (obj in session.deleted or session.is_modified(obj, include_collections=False)):
            raise ReportImmutable(f"inspection report {obj.id} is immutable once generated")


def install() -> None:
    """A generated report is never changed or deleted through the application (idempotent)."""
    if not event.contains(Session, "before_flush", _reports_never_change):
        event.listen(Session, "before_flush", _reports_never_change)
