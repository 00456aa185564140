"""The writer checkpoints the audit chain as it goes, so a cut tail is caught.

Someone holding the database (its owner account) could delete the newest events
and rewind the chain head: nothing in the database would show it. What does show
it is a signed checkpoint kept outside the database that names a later event. So
the writer itself signs the head after every ``AUDIT_CHECKPOINT_EVERY_EVENTS``
events or ``AUDIT_CHECKPOINT_EVERY_SECONDS`` seconds, whichever comes first, right
after the commit that crossed the line, into the checkpoint log (a file only the
app's operating-system account can write) and a copy on every backup target. What
can still be cut unseen is what was written since the last checkpoint: at most
that many events, or that many seconds of them.
"""

import logging
import threading
import time
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
APPENDED = "dossier_audit_appended"
MIRROR_NAME = "audit-checkpoints.log"

_lock = threading.Lock()
# Per process and checkpoint log: the last head checkpointed, and when.
_last: dict[str, dict] = {}


def mirrors() -> list[Path]:
    """The copies of the checkpoint log on the backup targets that are mounted now."""
    return [Path(target) / MIRROR_NAME for target in current_app.config.get("DOSSIER_BACKUP_TARGETS") or ()
            if Path(target).is_dir()]


def _state() -> dict:
    from security import audit

    log_path = str(audit.checkpoint_path())
    if log_path not in _last:
        try:
            cps = audit.read_checkpoints(last_only=True)
        except Exception:  # a damaged log is for verification to report, not for the writer
            cps = []
        _last[log_path] = {"seq": cps[-1].seq if cps else 0, "at": time.monotonic()}
    return _last[log_path]


def due(head_seq: int, now: float) -> bool:
    config, last = current_app.config, _state()
    if head_seq <= last["seq"]:
        return False
    return (head_seq - last["seq"] >= config["AUDIT_CHECKPOINT_EVERY_EVENTS"]
            or now - last["at"] >= config["AUDIT_CHECKPOINT_EVERY_SECONDS"])


def after_commit(session, head_seq: int) -> None:
    """Checkpoint if the trail has grown enough since this process last did; ``head_seq``
    is the last event the commit wrote."""
    from security import audit

    if not has_app_context() or not current_app.config.get("AUDIT_CHECKPOINT_EVERY_EVENTS"):
        return
    with _lock:
        now = time.monotonic()
        if not due(head_seq, now):
            return
        # A connection of its own, below the ORM: the request's session is in the middle of
        # its commit, and the checkpoint reads tables, never dossier records.
        with session.get_bind().connect() as fresh:
            try:
                cp = audit.checkpoint(fresh)
            except audit.AuditError as error:
                # A broken tail is never vouched for; `audit verify` names the problem.
                log.error("Audit checkpoint refused: %s", error)
                _state()["at"] = now
                return
            _state().update(seq=cp.seq, at=now)


def install() -> None:
    """Idempotent: one listener however many apps are created."""
    if event.contains(Session, "after_commit", _after_commit):
        return
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)


def _after_commit(session):
    head_seq = session.info.pop(APPENDED, None)
    if head_seq is not None:
        after_commit(session, head_seq)


def _after_rollback(session):
    # What was appended is gone with the transaction.
    session.info.pop(APPENDED, None)
