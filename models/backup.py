"""Backups (§8): each run, its copy on every target, restore tests, and the change
log that lets an incremental backup read only what changed.

A run makes one set of backup content (a database snapshot or the changes since
an earlier run, the audit checkpoints and a signed manifest) and lands it, with
the attachment store, in every configured target as a restic snapshot. A copy
belongs to a chain: the full backup it starts from and the incrementals after it.
"""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

RUN_STATES = ("requested", "running", "succeeded", "partial", "failed")
KINDS = ("full", "incremental")


class BackupRun(Model):
    __tablename__ = "backup_run"

    id = Column(Integer, primary_key=True)
    kind = Column(String(12), nullable=False)
    # command | schedule | request (the "back up now" button, run by the scheduler)
    trigger = Column(String(12), nullable=False, default="command")
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"))
    state = Column(String(12), nullable=False, default="requested", index=True)
    # host:pid of the process running it: a run whose process is gone was interrupted.
    holder = Column(String(120))
    requested_at = Column(DateTime, nullable=False, default=datetime.now)
    started_at = Column(DateTime)
    finished_at = Column(DateTime)
    progress = Column(Integer, nullable=False, default=0)
    progress_note = Column(String(200))
    # The change log positions this run covers: (base_position, position]; a full
    # backup covers everything up to its position.
    base_position = Column(BigInteger)
    position = Column(BigInteger)
    database_bytes = Column(BigInteger)
    # Alembic revision of the database it holds: a chain never spans a migration.
    schema_version = Column(String(32))
    manifest_sha256 = Column(String(64))
    message = Column(Text)
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    copies = relationship("BackupCopy", back_populates="run", order_by="BackupCopy.id")

    @property
    def finished(self) -> bool:
        return self.state in ("succeeded", "partial", "failed")


class BackupCopy(Model):
    """A run's snapshot in one target (or why it is not there)."""

    __tablename__ = "backup_copy"

    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("backup_run.id", ondelete="CASCADE"), nullable=False, index=True)
    target = Column(String(500), nullable=False, index=True)
    ok = Column(Boolean, nullable=False, default=False)
    snapshot_id = Column(String(64))
    # The full run this copy's chain starts from (itself for a full backup).
    chain_run_id = Column(Integer)
    # False once the chain can no longer be continued (after a restore of this instance).
    chain_open = Column(Boolean, nullable=False, default=True)
    bytes_read = Column(BigInteger)
    bytes_added = Column(BigInteger)
    files_new = Column(Integer)
    files_changed = Column(Integer)
    seconds = Column(Integer)
    error = Column(Text)
    # The retention policy applied after the run (jobs.backup.retention): snapshots it
    # forgot in this target, or why it could not (the copy itself stays good).
    forgotten = Column(Integer)
    retention_error = Column(Text)
    run = relationship("BackupRun", back_populates="copies")


class RestoreTest(Model):
    """A scheduled proof that a target's latest snapshot restores (§8.3)."""

    __tablename__ = "restore_test"

    id = Column(Integer, primary_key=True)
    target = Column(String(500), nullable=False, index=True)
    snapshot_id = Column(String(64))
    run_id = Column(Integer)
    started_at = Column(DateTime, nullable=False, default=datetime.now)
    finished_at = Column(DateTime)
    ok = Column(Boolean, nullable=False, default=False)
    # JSON: the checks made and what they found; the first problem names the cause.
    checks = Column(Text)
    problem = Column(Text)
    seconds = Column(Integer)


class BackupChange(Model):
    """One row written or deleted, recorded by a trigger on every table.

    Written by the database itself, so bulk statements and versioning bypasses are
    caught too. An incremental backup dumps the rows named here since its base;
    rows every target already holds are pruned.
    """

    __tablename__ = "backup_change"
    # Ids must never be reused after a prune: positions compare them.
    __table_args__ = {"sqlite_autoincrement": True}

    id = Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    table_name = Column(String(64), nullable=False)
    # The primary key as text; a composite key's parts joined by "|".
    row_key = Column(String(200), nullable=False)
