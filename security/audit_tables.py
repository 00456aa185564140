"""The audit trail's tables (regulation §5.3, §6.3): append-only, hash-chained.

They belong to the audit writer, below the domain models (which list them), so the
writer never imports ``models``. Only ``security.audit`` writes these tables; the
database refuses UPDATE and DELETE on events (triggers in migration 0004). Nothing
here is versioned: the chain is the history.
"""

from flask_appbuilder import Model
from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Integer, String, Text


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),
                      # An account's reads, newest first (security.workbench: officials opened recently).
                      Index("ix_audit_event_actor_reads", "actor_id", "action", "object_type", "seq"))

    # Assigned by the writer as chain head + 1, never by a database sequence,
    # which skips numbers on rollback and would make a gap mean nothing.
    seq = Column(BigInteger, primary_key=True, autoincrement=False)
    # ISO 8601 UTC text (``2026-11-25T08:30:00.123456Z``): the chained bytes are the
    # stored bytes on every database, and text order is time order.
    at = Column(String(32), nullable=False, index=True)
    # No foreign key: the trail must outlive accounts, and must not stop their removal
    # (a cascade would have to UPDATE events, which the triggers refuse).
    actor_id = Column(Integer)
    actor_name = Column(String(256), index=True)
    action = Column(String(40), nullable=False, index=True)
    object_type = Column(String(64))
    object_id = Column(String(64))
    client_addr = Column(String(64))
    # Canonical JSON, stored exactly as chained; references only, never personal data.
    details = Column(Text, nullable=False)
    chain = Column(String(64), nullable=False)

    @property
    def object_named(self) -> str:
        """What the event is about, as the screen named it for its viewer
        (security.audit_display sets ``named``); the stored id otherwise."""
        return getattr(self, "named", None) or self.object_id or ""

    def __repr__(self):
        return f"#{self.seq} {self.action}"


class AuditChainHead(Model):
    """The one row every append updates first: the lock that keeps the chain single."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_chain_head_single_row"),)

    id = Column(Integer, primary_key=True, autoincrement=False)
    seq = Column(BigInteger, nullable=False)
    # Empty until the first event: chain_0 is derived from the key, never stored.
    chain = Column(String(64), nullable=False)
    # Identifies the key the chain was started with, so that a writer holding
    # another key stops instead of appending events nobody can verify.
    key_id = Column(String(16), nullable=False)


__all__ = ["AuditChainHead", "AuditEvent"]
