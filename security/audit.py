"""The one audit writer (regulation §5.3, §6.3): events, and signed checkpoints of the chain.

Every event is chained: chain_n = HMAC-SHA-256(key, chain_{n-1} || canonical(event_n)),
chain_0 = HMAC(key, b"dossier-audit-genesis"). The key lives in a file outside the
database, so whoever can write the database cannot forge a chain value. Periodic
checkpoints (seq, chain) signed with an Ed25519 key are appended to a log file kept
outside the database; they expose a truncated tail or a trail rebuilt with a stolen key.

The pieces live by what they hold: the encoding in ``security.audit_chain``, the keys in
``security.audit_keys``, the checkpoint log in ``security.audit_checkpoints``, the
verifier in ``security.audit_verify``; this module is the one that writes, and the
names callers use (``audit.record``, ``audit.verify``, ``audit.checkpoint``…).
"""

import base64
import fcntl
import hmac
import json
import logging
import os
from pathlib import Path

from flask import has_request_context, request
from sqlalchemy import update

from security import audit_registry
from security.audit_tables import AuditEvent
# The names callers use as ``audit.X``, wherever the piece lives.
from security.audit_chain import (  # noqa: F401
    ACTION, ENCODED, EVENTS, HEAD, AuditError, canonical_json, encode, stored_text, utc_now,
)
from security.audit_checkpoints import Checkpoint, checkpoint_path, read_checkpoints, signed_bytes  # noqa: F401
from security.audit_keys import (  # noqa: F401
    audit_key, genesis, init_app, key_id, public_key_path, signing_key,
)
from security.audit_keys import config_path as _config_path  # noqa: F401  (the restore names the key files by it)
from security.audit_verify import MESSAGES, VerifyResult, verify  # noqa: F401
from security.files import private_file

log = logging.getLogger(__name__)


# --- events --------------------------------------------------------------------------------

def _actor(actor) -> tuple[int | None, str | None]:
    if actor is None and has_request_context():
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False):
            actor = current_user
    if actor is None:
        return None, None
    if isinstance(actor, str):  # a name without an account: an unknown login name, a job
        return None, actor
    return actor.id, actor.username


# The application's session (models.db), bound by create_app: the writer sits below the
# models that own it and never imports them.
_session = None


def use_session(session) -> None:
    """The session ``record`` appends to when its caller names none."""
    global _session
    _session = session


def record(action: str, *, object_type=None, object_id=None, details=None, actor=None, session=None) -> AuditEvent:
    """Append one event inside the caller's transaction; the caller commits.

    A rolled-back action therefore leaves neither an event nor a gap. The first
    statement locks the chain head until commit (a row lock on PostgreSQL, the
    write lock on SQLite): call this last, just before committing, to keep the
    queue short and to take the head lock after every other lock (no deadlocks).

    ``actor`` is a user, a name (str), or None for the signed-in user of the request.
    """
    if not ACTION.fullmatch(action):
        raise ValueError(f"not an audit action name: {action!r}")
    if not audit_registry.is_registered(action):
        # An unlabelled event could be neither named nor filtered on the auditor's screen.
        raise ValueError(f"audit action {action!r} is not in security.audit_registry.ACTIONS")
    if session is None:
        session = _session
    if session is None:
        raise AuditError("No session to record in: the application binds one (security.audit.use_session).")
    key = audit_key()
    actor_id, actor_name = _actor(actor)
    values = {
        "actor_id": actor_id,
        "actor_name": stored_text(actor_name, EVENTS.c.actor_name),
        "action": action,
        "object_type": stored_text(object_type, EVENTS.c.object_type),
        "object_id": stored_text(object_id, EVENTS.c.object_id),
        "client_addr": stored_text(request.remote_addr, EVENTS.c.client_addr) if has_request_context() else None,
        "details": canonical_json(details or {}),
    }
    locked = session.execute(
        update(HEAD).where(HEAD.c.id == 1).values(seq=HEAD.c.seq + 1)
        .returning(HEAD.c.seq, HEAD.c.chain, HEAD.c.key_id)
    ).one_or_none()
    if locked is None:
        raise AuditError("The audit chain head is missing: run `flask dossier init`.")
    seq, previous, head_key = locked
    if head_key and head_key != key_id(key):
        raise AuditError("The audit key is not the one this trail was started with: appending would fork the chain.")
    # Taken under the lock, so that time order follows sequence order.
    values.update(seq=seq, at=utc_now())
    prev = genesis(key) if seq == 1 else bytes.fromhex(previous)
    values["chain"] = hmac.digest(key, prev + encode(*(values[c] for c in ENCODED)), "sha256").hex()
    session.execute(update(HEAD).where(HEAD.c.id == 1).values(chain=values["chain"], key_id=key_id(key)))
    event = AuditEvent(**values)
    session.add(event)
    # Read after the commit by security.checkpointing, which signs the head every so often.
    session.info["dossier_audit_appended"] = seq
    return event


def tail_status(session):
    """(result, None) of verifying the events since the last checkpoint, or (None, error):
    bounded in cost by the checkpoint schedule, so a page can show it on every view."""
    try:
        return verify(session, since_last_checkpoint=True), None
    except AuditError as error:
        return None, str(error)
    finally:
        session.rollback()


# --- checkpoints ---------------------------------------------------------------------------

def checkpoint(session) -> Checkpoint:
    """Sign the current head into the checkpoint log, once the events since the
    last checkpoint verify: a checkpoint must never vouch for a broken tail."""
    result = verify(session, since_last_checkpoint=True)
    if not result.ok:
        raise AuditError(f"Not checkpointed: {result.message}")
    at = utc_now()
    signature = signing_key().sign(signed_bytes(result.last_seq, result.last_chain, at))
    line = json.dumps({"seq": result.last_seq, "chain": result.last_chain, "at": at,
                       "signature": base64.b64encode(signature).decode()}, sort_keys=True)
    _append(private_file(checkpoint_path()), line)
    from security.checkpointing import mirrors

    for mirror in mirrors():
        try:
            _append(private_file(mirror), line)
        except OSError as error:  # one unmounted medium must not stop the others or the app
            log.warning("Checkpoint not copied to %s: %s", mirror, error)
    return Checkpoint(result.last_seq, result.last_chain, at)


def _append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


__all__ = [
    "AuditError", "Checkpoint", "VerifyResult", "audit_key", "canonical_json", "checkpoint",
    "encode", "init_app", "read_checkpoints", "record", "verify",
]
