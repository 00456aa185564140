"""The verifier of the audit chain (§5.3, §6.3): a broken chain is reported, never repaired."""

import hmac
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

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
# From this many events on, verification runs over every core (see ``verify``).
PARALLEL_FROM = 200_000
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


def _rows(connection, start, end):
    """Events start+1 … end in seq order, streamed in batches of plain tuples."""
    return connection.execute(
        select(*(EVENTS.c[c] for c in ENCODED), EVENTS.c.chain)
        .where(EVENTS.c.seq > start, EVENTS.c.seq <= end).order_by(EVENTS.c.seq),
        execution_options={"yield_per": BATCH},
    )


def _walk(rows, result, key, prev, start, checkpoints) -> bool:
    """Check the streamed events, the first being start+1, from chain value ``prev``;
    False at the first problem."""
    pending = iter(c for c in checkpoints if c.seq > start)
    cp = next(pending, None)
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


def _walk_range(url: str, key: bytes, start: int, end: int, checkpoints, prev_hex: str | None) -> VerifyResult:
    """One range of a parallel verification, in a process of its own with a connection of
    its own. It starts from ``prev_hex``, or else from the chain value stored with event
    ``start``: if that value was forged, the range before fails on it (its last event
    must reach it), so the ranges together prove what one walk proves. The range must
    end at ``end``: events missing from its tail are a gap."""
    engine = create_engine(url, poolclass=NullPool)
    result = VerifyResult()
    try:
        with engine.connect() as connection:
            stored = prev_hex or connection.scalar(select(EVENTS.c.chain).where(EVENTS.c.seq == start))
            if stored is None:  # the range before reports this gap first
                return result.fail("gap", start, before=start - 1, after=start + 1)
            if _walk(_rows(connection, start, end), result, key, bytes.fromhex(stored), start, checkpoints) \
                    and result.last_seq < end:
                after = connection.scalar(select(func.min(EVENTS.c.seq)).where(EVENTS.c.seq > result.last_seq))
                result.fail("gap", result.last_seq + 1, before=result.last_seq, after=after)
    finally:
        engine.dispose()
    return result


def _url(session) -> str:
    bind = session.get_bind() if hasattr(session, "get_bind") else session.engine
    return bind.url.render_as_string(hide_password=False)


def _committed_max(url: str) -> int:
    """The last event other connections see: the caller's own transaction may hold more."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.max(EVENTS.c.seq))) or 0
    finally:
        engine.dispose()


def _walk_parallel(session, result, key, prev, start, end, checkpoints, workers: int) -> bool:
    """``_walk`` in ranges at once, with the same report (the first problem in seq order).
    Other processes take the committed events; this one takes the last range, which
    holds whatever the caller's own transaction appended and they cannot see."""
    url = _url(session)
    cut = start + (min(_committed_max(url), end) - start) * (workers - 1) // workers
    if cut - start < workers:
        return _walk(_rows(session, start, end), result, key, prev, start, checkpoints)
    bounds = [start + (cut - start) * i // (workers - 1) for i in range(workers)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        ranges = [pool.submit(_walk_range, url, key, a, b, [c for c in checkpoints if a < c.seq <= b],
                              prev.hex() if a == start else None)
                  for a, b in zip(bounds, bounds[1:])]
        last = VerifyResult()
        stored = session.scalar(select(EVENTS.c.chain).where(EVENTS.c.seq == cut))
        if stored is None:  # a range before reports this gap first
            last.fail("gap", cut, before=cut - 1, after=cut + 1)
        else:
            _walk(_rows(session, cut, end), last, key, bytes.fromhex(stored), cut,
                  [c for c in checkpoints if c.seq > cut])
        outcomes = [f.result() for f in ranges] + [last]
    checked = 0
    for outcome in outcomes:
        checked += outcome.checked
        if not outcome.ok:
            result.fail(outcome.problem, outcome.first_bad_seq, **outcome.params)
            result.checked = checked
            return False
        result.last_seq, result.last_chain = outcome.last_seq, outcome.last_chain
        result.checkpoint = outcome.checkpoint or result.checkpoint
    result.checked = checked
    return True


def _workers(events: int, workers: int | None) -> int:
    """How many processes: one for a short walk (starting others costs more than it saves)."""
    if workers is None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        if events < PARALLEL_FROM:
            return 1
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(workers, events // 2 or 1))


def verify(session, checkpoints: bool = True, since_last_checkpoint: bool = False,
           workers: int | None = None) -> VerifyResult:
    """Verify the chain from the first event (or from the last checkpoint, whose
    cost is bounded by the checkpoint schedule) to the chain head.

    Streams events in seq order and stops at the first problem: an altered event
    (chain mismatch at its seq), a deleted one (a gap), a removed tail (the head or
    a signed checkpoint names an event the table no longer has) or a forged checkpoint.
    A long walk runs in ranges over the machine's cores (``workers`` processes; by
    default one per core from ``PARALLEL_FROM`` events on), with the same report.
    """
    started = time.perf_counter()
    result = _verify(session, checkpoints or since_last_checkpoint, since_last_checkpoint, workers)
    result.seconds = time.perf_counter() - started
    return result


def _verify(session, use_checkpoints: bool, since_last: bool, workers: int | None) -> VerifyResult:
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
    processes = _workers(head.seq - start, workers)
    if processes > 1:
        walked = _walk_parallel(session, result, key, prev, start, head.seq, cps, processes)
    else:
        walked = _walk(_rows(session, start, head.seq), result, key, prev, start, cps)
    if not walked:
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
