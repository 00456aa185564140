"""The retention schedule (§9.1 檔案過期): how long each kind of content is kept.

A rule is data: for a catalogue class or sub-class, or for a dossier section, a period
in years (none: permanent, 永久, the default of a cadre dossier wherever no rule says
otherwise) and the event it runs from. A rule takes effect only when a second person
approves it; the approved rule it replaces is kept, superseded. The scheduler computes
the due list from the rules in force (``RetentionDue``); nothing is ever destroyed
because it is due: it only becomes eligible for a destruction application.
"""

from datetime import date, datetime

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import relationship

from .items import Item

SCOPES = ("class", "section")
# What a period runs from: the date the content was formed, the official leaving
# (transferred out, retired, deceased), or a fixed date.
RUNS_FROM = ("formed", "left", "fixed")
# proposed → active (approved by a second person) → superseded (a newer rule approved) | rejected
PROPOSED, ACTIVE, SUPERSEDED, REJECTED = "proposed", "active", "superseded", "rejected"


class RetentionRule(Model):
    __tablename__ = "retention_rule"
    __versioned__ = {}

    id = Column(Integer, primary_key=True)
    scope = Column(String(10), nullable=False)
    # A material class code ("4", "4-1") or a section key ("training").
    key = Column(String(40), nullable=False)
    # None: permanent.
    period_years = Column(Integer)
    runs_from = Column(String(10), nullable=False, default="formed")
    fixed_on = Column(Date)
    state = Column(String(12), nullable=False, default=PROPOSED, index=True)
    reason = Column(Text, nullable=False)
    proposed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    proposed_at = Column(DateTime, nullable=False, default=datetime.now)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_at = Column(DateTime)
    decision_note = Column(Text)

    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    def __repr__(self):
        return f"{self.scope}:{self.key} {self.period_years or '∞'}y from {self.runs_from}"


class RetentionDue(Model):
    """One item past its retention period, as the last due-list run found it."""

    __tablename__ = "retention_due"
    __table_args__ = (Index("ix_retention_due_item", "table_name", "record_id", unique=True),)

    id = Column(Integer, primary_key=True)
    official_id = Column(Integer, nullable=False, index=True)
    # "material" or a section table; the whole dossier is due when all of it is.
    table_name = Column(String(40), nullable=False)
    record_id = Column(Integer, nullable=False)
    material_class = Column(String(16))
    rule_id = Column(Integer, ForeignKey("retention_rule.id"), nullable=False)
    due_on = Column(Date, nullable=False)
    computed_at = Column(DateTime, nullable=False, default=datetime.now)


def due_on(session, item: Item) -> date | None:
    """The date ``item`` fell due according to the last due-list run, or None if it is not due.

    A whole dossier is due when every material and record it holds is due: the latest of
    their dates (an empty dossier is never due by retention)."""
    from .items import DOSSIER

    if item.kind != DOSSIER:
        return session.scalar(select(RetentionDue.due_on).where(
            RetentionDue.table_name == item.table_name, RetentionDue.record_id == item.record_id))
    raise NotImplementedError("whole-dossier due dates: the retention schedule computes them")
