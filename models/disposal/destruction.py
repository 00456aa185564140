"""Destruction (§9.2): a list applied for, approved, executed and registered.

::

    draft ──submit──► submitted ──approve (unit head)──► approved ──execute──► executed
                          │                                   (archivist + supervisor)
                          └──reject──► rejected

The list is frozen when submitted: its items carry their titles, numbers and classes
as they were, so the register states what was destroyed after the rows are gone. The
register (销毁清册) is permanent, signed, and never changed by the application.
"""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Session, relationship

DRAFT, SUBMITTED, APPROVED, REJECTED, EXECUTING, EXECUTED = (
    "draft", "submitted", "approved", "rejected", "executing", "executed")


class DestructionList(Model):
    __tablename__ = "destruction_list"
    __versioned__ = {}

    id = Column(Integer, primary_key=True)
    state = Column(String(12), nullable=False, default=DRAFT, index=True)
    reason = Column(Text, nullable=False)
    # Code table destruction_method (e.g. cryptographic erase of the electronic copy).
    method = Column(String(20), nullable=False)
    applicant_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    created_at = Column(DateTime, nullable=False, default=datetime.now)
    submitted_at = Column(DateTime)
    item_count = Column(Integer, nullable=False, default=0)
    approver_id = Column(Integer, ForeignKey("ab_user.id"))
    approved_at = Column(DateTime)
    decision_note = Column(Text)
    # Optional second reviewer (configurable), never the applicant or the approver.
    second_reviewer_id = Column(Integer, ForeignKey("ab_user.id"))
    second_reviewed_at = Column(DateTime)
    executor_id = Column(Integer, ForeignKey("ab_user.id"))
    # 监销人: a second person present at the execution, never the executor.
    supervisor_id = Column(Integer, ForeignKey("ab_user.id"))
    execution_started_at = Column(DateTime)
    executed_at = Column(DateTime)
    # JSON written by the execution as it goes (rows removed, keys shredded, backup purge per
    # target), so an interrupted run can resume and the register can state what was done.
    execution_report = Column(Text)

    applicant = relationship("User", foreign_keys=[applicant_id])
    approver = relationship("User", foreign_keys=[approver_id])
    second_reviewer = relationship("User", foreign_keys=[second_reviewer_id])
    executor = relationship("User", foreign_keys=[executor_id])
    supervisor = relationship("User", foreign_keys=[supervisor_id])
    items = relationship("DestructionItem", back_populates="destruction_list", order_by="DestructionItem.id",
                         cascade="all, delete-orphan")

    def __repr__(self):
        return f"destruction list #{self.id}"


class DestructionItem(Model):
    """One entry of a list, frozen at submission; ``done_at`` marks it executed."""

    __tablename__ = "destruction_item"
    __table_args__ = (UniqueConstraint("list_id", "kind", "official_id", "table_name", "record_id",
                                       name="uq_destruction_item"),)

    id = Column(Integer, primary_key=True)
    list_id = Column(Integer, ForeignKey("destruction_list.id", ondelete="CASCADE"), nullable=False, index=True)
    # models.disposal.items: dossier | material | record. No foreign keys to what it
    # names: the rows go, the entry stays.
    kind = Column(String(10), nullable=False)
    official_id = Column(Integer, nullable=False, index=True)
    table_name = Column(String(40))
    record_id = Column(Integer)
    # As it was at submission (the register's content).
    material_class = Column(String(16))
    sequence = Column(Integer)
    title = Column(String(400))
    formed_on = Column(Date)
    # What made it eligible: "due" (retention rule id in basis_id) or "invalid" (appraisal mark id).
    basis = Column(String(10))
    basis_id = Column(Integer)
    done_at = Column(DateTime)

    destruction_list = relationship("DestructionList", back_populates="items")


class DestructionRegister(Model):
    """The permanent record of an executed destruction (§9.2.4 記錄備案)."""

    __tablename__ = "destruction_register"

    id = Column(Integer, primary_key=True)
    list_id = Column(Integer, ForeignKey("destruction_list.id"), nullable=False, unique=True)
    # The register's text (canonical JSON), its SHA-256 and Ed25519 signature.
    body = Column(Text, nullable=False)
    sha256 = Column(String(64), nullable=False)
    signature = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=datetime.now)


class RegisterImmutable(RuntimeError):
    pass


def _registers_never_change(session, flush_context, instances):
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, DestructionRegister) and (
                obj in session.deleted or session.is_modified(obj, include_collections=False)):
            raise RegisterImmutable(f"destruction register {obj.id} is permanent: it is never changed or deleted")


def install() -> None:
    """A register is never changed or deleted through the application (idempotent)."""
    if not event.contains(Session, "before_flush", _registers_never_change):
        event.listen(Session, "before_flush", _registers_never_change)
