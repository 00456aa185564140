"""Items of keeping: the stored files (one pass, jobs.four_property.context), the audit
chain and its signed checkpoints, backups and their signed manifests, keys, scanning."""

import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, or_, select

from models.db import db
from models import BackupCopy, Material, Official, RestoreTest, ScanRun
from security import audit
from security.keys import data_key, destroyed_key, keyring

from .context import NAMED, Result

DEFAULT_BACKUP_MAX_AGE_HOURS = 48


def file_hashes(ctx) -> Result:
    files = ctx.files
    problems = [{**p, "code": "corrupt"} for p in files.corrupt] + \
        [p for p in files.unreadable if p.get("code") == "content_hash"]
    return Result.of(files.checked, problems[:NAMED], {"fixity_run": files.fixity_run_id, "shredded": files.shredded})


def files_present(ctx) -> Result:
    return Result.of(ctx.files.checked, ctx.files.missing[:NAMED])


def formats_open(ctx) -> Result:
    files = ctx.files
    problems = files.unusable + [p for p in files.unreadable if p.get("code") != "content_hash"]
    return Result.of(files.checked, problems[:NAMED])


def page_counts(ctx) -> Result:
    return Result.of(ctx.files.checked, ctx.files.pages[:NAMED])


def audit_chain(ctx) -> Result:
    # A trail that verifies with its checkpoints verifies without them (the same walk, fewer
    # comparisons); only when it does not is the chain walked alone, to name its own first problem.
    result = ctx.audit
    if not result.ok:
        result = audit.verify(db.session, checkpoints=False)
        db.session.rollback()
    problems = [] if result.ok else [{"problem": result.problem, "event": result.first_bad_seq}]
    return Result.of(result.checked, problems)


def checkpoints(ctx) -> Result:
    """Every signed checkpoint verifies and matches the trail (security.audit.verify with checkpoints)."""
    result = ctx.audit
    named = result.checkpoint.seq if result.checkpoint else None
    if result.ok and named is None:
        return Result.skipped("no_checkpoint")
    problems = [] if result.ok else [{"problem": result.problem, "event": result.first_bad_seq}]
    return Result.of(result.checked, problems, {"last_checkpoint": named})


def _targets() -> list[str]:
    return list(current_app.config.get("DOSSIER_BACKUP_TARGETS") or [])


def _no_targets() -> Result:
    # No backup media is a failure in production and merely unchecked elsewhere (development, tests).
    if current_app.config.get("DOSSIER_ENV") == "production":
        return Result("fail", 0, [{"problem": "no_backup_targets"}])
    return Result.skipped("no_backup_targets")


def manifests(ctx) -> Result:
    """The latest restore test of every target verified its snapshot's signed manifest."""
    targets = _targets()
    if not targets:
        return _no_targets()
    problems = []
    for target in targets:
        test = db.session.scalar(select(RestoreTest).where(RestoreTest.target == target)
                                 .order_by(RestoreTest.id.desc()).limit(1))
        if test is None:
            problems.append({"target": target, "problem": "never_tested"})
        elif not test.ok:
            problems.append({"target": target, "problem": "restore_test_failed", "test": test.id})
    return Result.of(len(targets), problems)


def backups(ctx) -> Result:
    """Every target holds a good copy younger than the schedule allows, and its last restore test passed."""
    targets = _targets()
    if not targets:
        return _no_targets()
    hours = int(current_app.config.get("INSPECTION_BACKUP_MAX_AGE_HOURS", DEFAULT_BACKUP_MAX_AGE_HOURS))
    since = datetime.now() - timedelta(hours=hours)
    problems = []
    for target in targets:
        from models import BackupRun

        last = db.session.scalar(select(func.max(BackupRun.finished_at)).join(BackupCopy)
                                 .where(BackupCopy.target == target, BackupCopy.ok.is_(True)))
        if last is None or last < since:
            problems.append({"target": target, "problem": "backup_overdue", "hours": hours})
        test = db.session.scalar(select(RestoreTest.ok).where(RestoreTest.target == target)
                                 .order_by(RestoreTest.id.desc()).limit(1))
        if test is not True:
            problems.append({"target": target, "problem": "restore_test_not_passed"})
    return Result.of(len(targets), problems)


def keys(ctx) -> Result:
    """The KEK opens the key store (checked at start-up), every data key is wrapped under it,
    and every official holding encrypted content or files has a key (or had it destroyed)."""
    ring = keyring()
    with ring.engine.connect() as conn:
        wrapped = {row.official_id: row for row in conn.execute(select(data_key.c.official_id, data_key.c.kek_id,
                                                                       func.length(data_key.c.wrapped).label("n")))}
        destroyed = set(conn.scalars(select(destroyed_key.c.official_id)))
    problems = [{"official": o, "problem": "other_kek"} for o, row in wrapped.items() if row.kek_id != ring.kek_id]
    problems += [{"official": o, "problem": "not_wrapped"} for o, row in wrapped.items() if row.n <= 32]
    o = Official.__table__.c
    holders = select(o.id).where(or_(o.citizen_id.is_not(None), o.mobile.is_not(None), o.office_phone.is_not(None),
                                     o.email.is_not(None))).union(select(Material.__table__.c.official_id))
    needing = set(db.session.scalars(holders))
    problems += [{"official": i, "problem": "no_key"} for i in sorted(needing - set(wrapped) - destroyed)]
    return Result.of(len(wrapped), problems[:NAMED], {"kek": ring.kek_id})


def scanning(ctx) -> Result:
    """The scanner answers (when uploads require it), and the last rescan of the store found nothing."""
    from jobs import antivirus

    problems = []
    status_version = None
    try:
        status_version = antivirus.client().version()
    except Exception:  # noqa: BLE001  (any failure to reach clamd is the finding)
        if current_app.config.get("CLAMD_REQUIRED", True):
            problems.append({"problem": "scanner_unreachable"})
    last = db.session.scalar(select(ScanRun).order_by(ScanRun.id.desc()).limit(1))
    if last is not None and last.infected:
        problems.append({"problem": "infected", "scan_run": last.id, "files": last.infected})
    note = {"scanner": bool(status_version), "last_rescan": last.id if last else None}
    return Result.of(1 + (last is not None), problems, note)


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
