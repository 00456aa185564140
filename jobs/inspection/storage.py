"""The report's storage and management part (§10.1, §4, §8): fixity runs and problems,
backups per target, restore tests, virus scanning, key rotation, the audit chain and
its checkpoints, and the last four-property self-check."""

from collections import defaultdict

from sqlalchemy import func, select

from models.db import db
from models import BackupCopy, BackupRun, FixityProblem, FixityRun, Quarantine, RestoreTest, ScanRun
from security.audit_tables import AuditEvent
from models.inspection import FourPropertyRun
from security import audit


def _between(column, period):
    return (column >= period.since) & (column < period.until)


def fixity(period) -> dict:
    runs = db.session.scalars(select(FixityRun).where(_between(FixityRun.started_at, period))
                              .order_by(FixityRun.id)).all()
    problems = db.session.execute(
        select(FixityProblem.problem, func.count()).join(FixityRun).where(_between(FixityRun.started_at, period))
        .group_by(FixityProblem.problem)).all()
    return {"runs": len(runs), "files": sum(r.files for r in runs), "failed_runs": sum(not r.ok for r in runs),
            "problems": dict(problems)}


def backups(period) -> dict:
    targets = defaultdict(lambda: {"good": 0, "failed": 0})
    for target, ok, count in db.session.execute(
            select(BackupCopy.target, BackupCopy.ok, func.count()).join(BackupRun)
            .where(_between(BackupRun.requested_at, period)).group_by(BackupCopy.target, BackupCopy.ok)):
        targets[target]["good" if ok else "failed"] += count
    tests = defaultdict(lambda: {"passed": 0, "failed": 0})
    for target, ok, count in db.session.execute(
            select(RestoreTest.target, RestoreTest.ok, func.count()).where(_between(RestoreTest.started_at, period))
            .group_by(RestoreTest.target, RestoreTest.ok)):
        tests[target]["passed" if ok else "failed"] += count
    return {"targets": dict(targets), "restore_tests": dict(tests)}


def scanning(period) -> dict:
    runs = db.session.scalars(select(ScanRun).where(_between(ScanRun.started_at, period))).all()
    return {"rescans": len(runs), "infected": sum(r.infected for r in runs),
            "quarantined": db.session.scalar(select(func.count()).select_from(Quarantine))}


def keys_and_audit(period) -> dict:
    since, until = period.audit_bounds()
    rotations = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "key_rotation", AuditEvent.at >= since, AuditEvent.at < until))
    result = audit.verify(db.session)
    try:
        checkpoints = audit.read_checkpoints()
    except Exception:  # noqa: BLE001  (the verification above names the problem)
        checkpoints = []
    in_period = [c for c in checkpoints if since <= c.at < until]
    return {"key_rotations": rotations,
            "audit": {"ok": result.ok, "checked": result.checked, "problem": result.problem,
                      "first_bad_event": result.first_bad_seq},
            "checkpoints": len(in_period), "last_checkpoint": checkpoints[-1].at if checkpoints else None}


def four_property() -> dict | None:
    last = db.session.scalar(select(FourPropertyRun).order_by(FourPropertyRun.id.desc()).limit(1))
    if last is None:
        return None
    return {"run": last.id, "at": last.started_at.isoformat(timespec="seconds"), "ok": last.ok,
            "failed": [i.item for i in last.items if i.outcome == "fail"]}


def figures(period) -> dict:
    return {"fixity": fixity(period), "backups": backups(period), "scanning": scanning(period),
            **keys_and_audit(period), "four_property": four_property()}
