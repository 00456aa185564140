"""The one audit writer and its verifier (regulation §5.3, §6.3).

Every event is chained: chain_n = HMAC-SHA-256(key, chain_{n-1} || canonical(event_n)),
chain_0 = HMAC(key, b"dossier-audit-genesis"). The key lives in a file outside the
database, so whoever can write the database cannot forge a chain value. Periodic
checkpoints (seq, chain) signed with an Ed25519 key are appended to a log file kept
outside the database; they expose a truncated tail or a trail rebuilt with a stolen key.

A broken chain is reported, never repaired.
"""

import base64
import fcntl
import hmac
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from security.audit_tables import AuditChainHead, AuditEvent
from security.files import create_exclusive, private_file

log = logging.getLogger(__name__)

EVENTS = AuditEvent.__table__
HEAD = AuditChainHead.__table__
GENESIS = b"dossier-audit-genesis"
SEP = b"\x1f"
# Fields of the canonical encoding less one: every event has exactly this many separators.
SEPARATORS = 8
ACTION = re.compile(r"[a-z][a-z_]{0,39}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BATCH = 10_000


class AuditError(RuntimeError):
    """A problem an operator must fix (missing key, missing chain head); the message says what."""


# --- keys ----------------------------------------------------------------------------------

def _config_path(name: str, default: str) -> Path:
    return Path(current_app.config.get(name) or Path(current_app.instance_path) / default)


def _production() -> bool:
    return current_app.config.get("DOSSIER_ENV") == "production"


def _missing_key(path: Path, what: str, setting: str) -> None:
    if _production():
        raise AuditError(f"No {what} at {path}: set {setting} to a file created for this installation.")


def audit_key() -> bytes:
    """The chaining key, from ``DOSSIER_AUDIT_KEY_FILE`` (32 random bytes, raw or base64)."""
    path = _config_path("DOSSIER_AUDIT_KEY_FILE", "audit.key")
    cache = current_app.extensions.setdefault("dossier_audit_keys", {})
    if path not in cache:
        if not path.exists():
            _missing_key(path, "audit key", "DOSSIER_AUDIT_KEY_FILE")
            if create_exclusive(path, base64.b64encode(os.urandom(32)) + b"\n"):
                log.warning("Created a development audit key at %s: keep it out of the database and its dumps.", path)
        raw = path.read_bytes()
        key = raw if len(raw) == 32 else base64.b64decode(raw.strip(), validate=True)
        if len(key) != 32:
            raise AuditError(f"The audit key {path} must hold 32 random bytes (raw or base64).")
        cache[path] = key
    return cache[path]


def key_id(key: bytes) -> str:
    """Names a key without revealing it."""
    return hmac.digest(key, b"dossier-audit-key-id", "sha256").hex()[:16]


def genesis(key: bytes) -> bytes:
    return hmac.digest(key, GENESIS, "sha256")


def signing_key() -> Ed25519PrivateKey:
    """The checkpoint signing key; its public half is written beside it as ``.pub``."""
    path = _config_path("DOSSIER_AUDIT_SIGNING_KEY_FILE", "audit-signing.key")
    if not path.exists():
        _missing_key(path, "checkpoint signing key", "DOSSIER_AUDIT_SIGNING_KEY_FILE")
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        if create_exclusive(path, pem):
            log.warning("Created a development checkpoint signing key at %s.", path)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    pub = public_key_path()
    if not pub.exists():
        create_exclusive(pub, private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ))
    return private


def public_key_path() -> Path:
    private = _config_path("DOSSIER_AUDIT_SIGNING_KEY_FILE", "audit-signing.key")
    return private.with_name(private.name + ".pub")


# The application's session (models.db), bound by create_app: the writer sits below the
# models that own it and never imports them.
_session = None


def use_session(session) -> None:
    """The session ``record`` appends to when its caller names none."""
    global _session
    _session = session


def init_app(app) -> None:
    """Refuse to start production without the keys, rather than at the first login."""
    with app.app_context():
        if _production():
            audit_key()
            signing_key()


# --- the canonical encoding ----------------------------------------------------------------

def encode(seq, at, actor_id, actor_name, action, object_type, object_id, client_addr, details) -> bytes:
    """The chained bytes of an event: fields in a fixed order, separated by U+001F.

    No stored field may contain a control character (the writer replaces them, JSON
    escapes them), so the separator count proves the split; a nullable text is ""
    when NULL and "=" + value otherwise, so NULL and "" differ.
    """
    return (
        f"{seq}\x1f{at}\x1f{'' if actor_id is None else actor_id}\x1f"
        f"{'' if actor_name is None else '=' + actor_name}\x1f{action}\x1f"
        f"{'' if object_type is None else '=' + object_type}\x1f"
        f"{'' if object_id is None else '=' + object_id}\x1f"
        f"{'' if client_addr is None else '=' + client_addr}\x1f{details}"
    ).encode()


def _json_default(value):
    if isinstance(value, (date, datetime, Decimal, UUID)):
        return str(value)
    raise TypeError(f"audit details cannot hold a {type(value).__name__}: record a reference instead")


def canonical_json(details: dict) -> str:
    if any("password" in str(k).lower() for k in details):
        raise ValueError("audit details must never hold a password")
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=_json_default)


def _text(value, column) -> str | None:
    if value is None:
        return None
    return CONTROL.sub("\ufffd", str(value))[: column.type.length]


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- the writer ----------------------------------------------------------------------------

ENCODED = ("seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "client_addr", "details")


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
    if session is None:
        session = _session
    if session is None:
        raise AuditError("No session to record in: the application binds one (security.audit.use_session).")
    key = audit_key()
    actor_id, actor_name = _actor(actor)
    values = {
        "actor_id": actor_id,
        "actor_name": _text(actor_name, EVENTS.c.actor_name),
        "action": action,
        "object_type": _text(object_type, EVENTS.c.object_type),
        "object_id": _text(object_id, EVENTS.c.object_id),
        "client_addr": _text(request.remote_addr, EVENTS.c.client_addr) if has_request_context() else None,
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


# --- checkpoints ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Checkpoint:
    seq: int
    chain: str
    at: str
    line: int = 0


def _signed_bytes(seq: int, chain: str, at: str) -> bytes:
    return f"dossier-audit-checkpoint\x1f{seq}\x1f{chain}\x1f{at}".encode()


def checkpoint_path() -> Path:
    return _config_path("DOSSIER_AUDIT_CHECKPOINT_FILE", "audit-checkpoints.log")


def checkpoint(session) -> Checkpoint:
    """Sign the current head into the checkpoint log, once the events since the
    last checkpoint verify: a checkpoint must never vouch for a broken tail."""
    result = verify(session, since_last_checkpoint=True)
    if not result.ok:
        raise AuditError(f"Not checkpointed: {result.message}")
    at = utc_now()
    signature = signing_key().sign(_signed_bytes(result.last_seq, result.last_chain, at))
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


class _CheckpointProblem(Exception):
    def __init__(self, problem, seq=None, **params):
        self.problem, self.seq, self.params = problem, seq, params


def read_checkpoints(last_only: bool = False) -> list[Checkpoint]:
    """Every checkpoint line of the log and of its copies on the backup targets, each
    signature checked, ordered by seq: a log rewound in one place is still caught."""
    from security.checkpointing import mirrors

    lines = []
    for path in (checkpoint_path(), *mirrors()):
        if not path.exists():
            continue
        found = [(n, text) for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.strip()]
        lines += found[-1:] if last_only else found
    if not lines:
        return []
    pub_path = public_key_path()
    if not pub_path.exists():
        raise _CheckpointProblem("no_public_key", path=str(pub_path))
    public = serialization.load_pem_public_key(pub_path.read_bytes())
    found = []
    for number, text in lines:
        try:
            entry = json.loads(text)
            cp = Checkpoint(int(entry["seq"]), str(entry["chain"]), str(entry["at"]), number)
            signature = base64.b64decode(entry["signature"], validate=True)
        except (ValueError, KeyError, TypeError):
            raise _CheckpointProblem("bad_checkpoint", line=number) from None
        try:
            public.verify(signature, _signed_bytes(cp.seq, cp.chain, cp.at))
        except InvalidSignature:
            raise _CheckpointProblem("bad_checkpoint_signature", cp.seq, line=number) from None
        found.append(cp)
    return sorted(found, key=lambda c: (c.seq, c.line))


# --- the verifier --------------------------------------------------------------------------

MESSAGES = {
    None: _l("The audit trail is intact: %(checked)s event(s) verified."),
    "wrong_key": _l("The audit key is not the one this trail was started with."),
    "gap": _l("Event %(seq)s is missing: the trail jumps from %(before)s to %(after)s."),
    "chain_mismatch": _l("Event %(seq)s does not match its chain value: it was altered or forged."),
    "malformed_event": _l("Event %(seq)s holds a control character no writer stores: it was altered."),
    "checkpoint_mismatch": _l("Event %(seq)s differs from the signed checkpoint of %(at)s."),
    "truncated": _l("The trail ends at event %(last)s, but %(source)s names event %(named)s: events were removed from the end."),
    "head_mismatch": _l("The chain head does not match the events at event %(seq)s."),
    "bad_checkpoint": _l("Line %(line)s of the checkpoint file cannot be read."),
    "bad_checkpoint_signature": _l("The checkpoint on line %(line)s (event %(seq)s) has an invalid signature: the checkpoint file was altered."),
    "no_public_key": _l("The checkpoint file cannot be checked: the public key %(path)s is missing."),
}
SOURCES = {"head": _l("the chain head"), "checkpoint": _l("the signed checkpoint of %(at)s")}


@dataclass
class VerifyResult:
    ok: bool = True
    checked: int = 0
    first_bad_seq: int | None = None
    problem: str | None = None
    params: dict = field(default_factory=dict)
    seconds: float = 0.0
    # The last event verified and its chain value: what a checkpoint may vouch for.
    last_seq: int = 0
    last_chain: str = ""
    # The checkpoint the verification started from, or the last one it checked.
    checkpoint: Checkpoint | None = None

    @property
    def message(self) -> str:
        params = {"checked": self.checked, "seq": self.first_bad_seq, **self.params}
        if "source" in params:
            params["source"] = str(SOURCES[params["source"]] % params)
        return str(MESSAGES[self.problem] % params)

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds else 0.0

    def fail(self, problem: str, seq=None, **params) -> "VerifyResult":
        self.ok, self.problem, self.first_bad_seq, self.params = False, problem, seq, params
        return self


def _walk(session, result, key, prev, start, end, checkpoints) -> bool:
    """Check events start+1 … end in order, from chain value ``prev``; False at the first problem."""
    pending = iter(c for c in checkpoints if c.seq > start)
    cp = next(pending, None)
    rows = session.execute(
        select(*(EVENTS.c[c] for c in ENCODED), EVENTS.c.chain)
        .where(EVENTS.c.seq > start, EVENTS.c.seq <= end).order_by(EVENTS.c.seq),
        execution_options={"yield_per": BATCH},
    )
    digest, expected = hmac.digest, start + 1
    try:
        for seq, at, actor_id, actor_name, action, object_type, object_id, client_addr, details, chain in rows:
            if seq != expected:
                result.fail("gap", expected, before=expected - 1, after=seq)
                return False
            data = encode(seq, at, actor_id, actor_name, action, object_type, object_id, client_addr, details)
            if data.count(SEP) != SEPARATORS:
                result.fail("malformed_event", seq)
                return False
            prev = digest(key, prev + data, "sha256")
            if prev.hex() != chain:
                result.fail("chain_mismatch", seq)
                return False
            if cp is not None and seq == cp.seq:
                if chain != cp.chain:
                    result.fail("checkpoint_mismatch", seq, at=cp.at)
                    return False
                result.checkpoint = cp
                cp = next(pending, None)
            expected += 1
    finally:
        result.checked = expected - start - 1
        rows.close()
    result.last_seq, result.last_chain = expected - 1, prev.hex()
    return True


def verify(session, checkpoints: bool = True, since_last_checkpoint: bool = False) -> VerifyResult:
    """Verify the chain from the first event (or from the last checkpoint, whose
    cost is bounded by the checkpoint schedule) to the chain head.

    Streams events in seq order and stops at the first problem: an altered event
    (chain mismatch at its seq), a deleted one (a gap), a removed tail (the head or
    a signed checkpoint names an event the table no longer has) or a forged checkpoint.
    """
    started = time.perf_counter()
    result = _verify(session, checkpoints or since_last_checkpoint, since_last_checkpoint)
    result.seconds = time.perf_counter() - started
    return result


def _verify(session, use_checkpoints: bool, since_last: bool) -> VerifyResult:
    result = VerifyResult()
    key = audit_key()
    try:
        cps = read_checkpoints(last_only=since_last) if use_checkpoints else []
    except _CheckpointProblem as problem:
        return result.fail(problem.problem, problem.seq, **problem.params)
    # Max first, head second: a head read later can only be further on, so a
    # head behind the events is never a race with a concurrent append.
    max_seq = session.scalar(select(func.max(EVENTS.c.seq))) or 0
    head = session.execute(select(HEAD.c.seq, HEAD.c.chain, HEAD.c.key_id).where(HEAD.c.id == 1)).one_or_none()
    if head is None:
        raise AuditError("The audit chain head is missing: run `flask dossier init`.")
    if head.key_id and head.key_id != key_id(key):
        return result.fail("wrong_key")

    start, prev = 0, genesis(key)
    if since_last and cps:
        result.checkpoint = start_cp = cps[-1]
        if start_cp.seq > 0:
            chain = session.scalar(select(EVENTS.c.chain).where(EVENTS.c.seq == start_cp.seq))
            if chain is None:
                return _truncated(session, result, start_cp)
            if chain != start_cp.chain:
                return result.fail("checkpoint_mismatch", start_cp.seq, at=start_cp.at)
            start, prev = start_cp.seq, bytes.fromhex(start_cp.chain)
        result.last_seq, result.last_chain = start, prev.hex()
    if not _walk(session, result, key, prev, start, head.seq, cps):
        return result

    beyond = [c for c in cps if c.seq > result.last_seq]
    if beyond:
        return result.fail("truncated", result.last_seq + 1, last=result.last_seq, source="checkpoint",
                           at=beyond[-1].at, named=beyond[-1].seq)
    if head.seq > result.last_seq:
        return result.fail("truncated", result.last_seq + 1, last=result.last_seq, source="head", named=head.seq)
    if max_seq > head.seq:
        return result.fail("head_mismatch", head.seq + 1)
    if head.seq and head.chain != result.last_chain:
        return result.fail("head_mismatch", head.seq)
    return result


def _truncated(session, result, cp) -> VerifyResult:
    after = session.scalar(select(func.min(EVENTS.c.seq)).where(EVENTS.c.seq > cp.seq))
    if after is not None:  # events follow the checkpointed one: a deletion, not a cut
        before = session.scalar(select(func.max(EVENTS.c.seq)).where(EVENTS.c.seq < cp.seq)) or 0
        return result.fail("gap", before + 1, before=before, after=after)
    last = session.scalar(select(func.max(EVENTS.c.seq))) or 0
    return result.fail("truncated", last + 1, last=last, source="checkpoint", at=cp.at, named=cp.seq)


__all__ = [
    "AuditError", "Checkpoint", "VerifyResult", "audit_key", "canonical_json", "checkpoint",
    "encode", "init_app", "read_checkpoints", "record", "verify",
]
