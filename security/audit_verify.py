"""The verifier of the audit chain (§5.3, §6.3): a broken chain is reported, never repaired."""

import hmac
import time
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from security.audit_chain import BATCH, ENCODED, EVENTS, HEAD, SEP, SEPARATORS, AuditError, encode
from security.audit_checkpoints import Checkpoint, CheckpointProblem, read_checkpoints
from security.audit_keys import audit_key, genesis, key_id


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
    except CheckpointProblem as problem:
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
