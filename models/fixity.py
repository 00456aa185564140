"""Results of the periodic fixity check of stored files (§4.3 定期檢查)."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship


class FixityRun(Model):
    """One pass over the attachment store; its counts are the report an auditor reads."""

    __tablename__ = "fixity_run"

    id = Column(Integer, primary_key=True)
    started_at = Column(DateTime, nullable=False, default=datetime.now)
    finished_at = Column(DateTime)
    # "stored": the stored bytes against their recorded SHA-256 (no key needed);
    # "full": also decrypts and checks the document's own SHA-256.
    depth = Column(String(10), nullable=False, default="stored")
    trigger = Column(String(20), nullable=False, default="command")
    files = Column(Integer, nullable=False, default=0)
    bytes = Column(BigInteger, nullable=False, default=0)
    missing = Column(Integer, nullable=False, default=0)
    corrupt = Column(Integer, nullable=False, default=0)
    unreadable = Column(Integer, nullable=False, default=0)
    problems = relationship("FixityProblem", back_populates="run", cascade="all, delete-orphan",
                            order_by="FixityProblem.id")

    @property
    def ok(self) -> bool:
        return not (self.missing or self.corrupt or self.unreadable)


class FixityProblem(Model):
    __tablename__ = "fixity_problem"

    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("fixity_run.id", ondelete="CASCADE"), nullable=False, index=True)
    material_id = Column(Integer, nullable=False, index=True)
    official_id = Column(Integer, nullable=False)
    stored_sha256 = Column(String(64), nullable=False)
    # missing | corrupt | unreadable (the document does not decrypt to its recorded hash)
    problem = Column(String(12), nullable=False)
    run = relationship("FixityRun", back_populates="problems")
