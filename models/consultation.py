"""Consultation of dossiers (查阅, §5.3): applications, the grants they become, and what was read."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

# submitted → department_approved → approved; either approver may reject; an approved
# grant expires at the end of its period.
SUBMITTED, DEPARTMENT_APPROVED, APPROVED, REJECTED, EXPIRED = (
    "submitted", "department_approved", "approved", "rejected", "expired")


class Consultation(Model):
    __tablename__ = "consultation"

    id = Column(Integer, primary_key=True)
    applicant_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    official_id = Column(Integer, ForeignKey("official.id", ondelete="CASCADE"), nullable=False, index=True)
    # Section keys of models.sections.BY_KEY, comma-separated ("official" is basic information).
    sections = Column(Text, nullable=False)
    purpose = Column(Text, nullable=False)
    valid_from = Column(Date, nullable=False)
    valid_until = Column(Date, nullable=False)
    state = Column(String(20), nullable=False, default=SUBMITTED, index=True)
    applied_at = Column(DateTime, nullable=False, default=datetime.now)
    department_approver_id = Column(Integer, ForeignKey("ab_user.id"))
    department_approved_at = Column(DateTime)
    archive_approver_id = Column(Integer, ForeignKey("ab_user.id"))
    archive_approved_at = Column(DateTime)
    rejected_by_id = Column(Integer, ForeignKey("ab_user.id"))
    rejected_at = Column(DateTime)
    reason = Column(Text)
    # Who decides the first approval, fixed when the application is made
    # (security.consultation.route): "department" (its heads) or "unit" (the unit head).
    first_route = Column(String(20))
    # The archivist who assists the reading at the terminal (§5.3.3), named on the archive's approval.
    assisted_by_id = Column(Integer, ForeignKey("ab_user.id"))

    applicant = relationship("User", foreign_keys=[applicant_id])
    official = relationship("Official")
    department_approver = relationship("User", foreign_keys=[department_approver_id])
    archive_approver = relationship("User", foreign_keys=[archive_approver_id])
    rejected_by = relationship("User", foreign_keys=[rejected_by_id])
    assisted_by = relationship("User", foreign_keys=[assisted_by_id])
    routed = relationship("ConsultationApprover", cascade="all, delete-orphan", order_by="ConsultationApprover.user_id")
    readings = relationship("ConsultationReading", back_populates="consultation", order_by="ConsultationReading.id")

    @property
    def approver_ids(self) -> list[int]:
        return [row.user_id for row in self.routed]

    @property
    def section_keys(self) -> list[str]:
        return [key for key in self.sections.split(",") if key]


class ConsultationApprover(Model):
    """A person the application was routed to for its first approval: only they decide it."""

    __tablename__ = "consultation_approver"
    # A key of its own: destruction (jobs.destruction.plan) removes rows by a one-column key.
    __table_args__ = (UniqueConstraint("consultation_id", "user_id", name="uq_consultation_approver"),)

    id = Column(Integer, primary_key=True)
    consultation_id = Column(Integer, ForeignKey("consultation.id", ondelete="CASCADE"), nullable=False)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)

    user = relationship("User")


class ConsultationReading(Model):
    """One page or document viewed under a grant: who, what, when, from where."""

    __tablename__ = "consultation_reading"

    id = Column(Integer, primary_key=True)
    consultation_id = Column(Integer, ForeignKey("consultation.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    read_at = Column(DateTime, nullable=False, default=datetime.now)
    client_addr = Column(String(64))
    section_key = Column(String(40), nullable=False)
    material_id = Column(Integer)

    consultation = relationship("Consultation", back_populates="readings")
    user = relationship("User")
