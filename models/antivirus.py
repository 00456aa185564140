"""Virus scanning of the store (§6.2.2): rescans and the files they quarantined."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Column, DateTime, Integer, String, Text


class ScanRun(Model):
    """One rescan of the whole attachment store under the signatures clamd then had."""

    __tablename__ = "scan_run"

    id = Column(Integer, primary_key=True)
    started_at = Column(DateTime, nullable=False, default=datetime.now)
    finished_at = Column(DateTime)
    # "schedule", "update" (right after new signatures), "command"
    trigger = Column(String(20), nullable=False)
    signatures = Column(String(200))
    files = Column(Integer, nullable=False, default=0)
    bytes = Column(BigInteger, nullable=False, default=0)
    infected = Column(Integer, nullable=False, default=0)
    # Files that could not be scanned (missing, damaged, key destroyed) and why, one per line.
    skipped = Column(Integer, nullable=False, default=0)
    problem = Column(Text)


class Quarantine(Model):
    """A stored file found infected: never served again, never deleted (the archive decides).

    Keyed by the stored file: a material's file never changes, and the download guard
    (models.storage.attachments.open_plaintext) knows only the file.
    """

    __tablename__ = "quarantine"

    id = Column(Integer, primary_key=True)
    stored_sha256 = Column(String(64), nullable=False, unique=True)
    material_id = Column(Integer, nullable=False, index=True)
    official_id = Column(Integer, nullable=False, index=True)
    signature = Column(String(200), nullable=False)
    found_at = Column(DateTime, nullable=False, default=datetime.now)
    scan_run_id = Column(Integer)
