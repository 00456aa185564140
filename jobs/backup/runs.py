"""Backup runs: one set of content, landed in every target (§4.1.2, §8.1, §8.2).

A run decides full or incremental, writes the database part, the audit
checkpoints and the signed manifest into the staging area, then gives restic the
staging area and the attachment store for each target in turn. A target that
cannot be reached, or whose restic fails, is recorded as failed and the others
go on. Each target also receives a fresh keyring generation beside its
repository. The run is recorded before restic starts, so a process killed halfway
leaves a run that reads as interrupted, never a good backup.
"""

import base64
import hashlib
import os
import shutil
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from models.db import db
from models import tracking
from models.backup import BackupCopy, BackupRun
from models.scheduling import holder_name
from models.storage import attachments
from security import audit, crypto
from security.files import create_exclusive
from security.keys import keyring

from . import database, keyrings, manifest, retention
from .restic import Repository, ResticError

# A run whose process this host no longer has, or one older than this, was interrupted.
LEASE = timedelta(hours=24)
PROGRESS_EVERY = 2.0  # seconds between progress writes


class BackupError(RuntimeError):
    pass


def targets() -> list[str]:
    return [str(t) for t in current_app.config.get("DOSSIER_BACKUP_TARGETS") or []]


def password_file() -> Path:
    """The repository password: a file beside the KEK, never in the database or a backup."""
    config = current_app.config
    if config.get("DOSSIER_BACKUP_PASSWORD_FILE"):
        path = Path(config["DOSSIER_BACKUP_PASSWORD_FILE"])
    else:
        beside = Path(config["DOSSIER_KEK_FILE"]).parent if config.get("DOSSIER_KEK_FILE") else Path(
            current_app.instance_path)
        path = beside / "backup-repository.key"
    if not path.exists():
        if config.get("DOSSIER_ENV") == "production":
            raise BackupError(f"No backup repository password at {path}: set DOSSIER_BACKUP_PASSWORD_FILE.")
        if create_exclusive(path, base64.b64encode(crypto.new_key()) + b"\n"):
            current_app.logger.warning("Created a development backup repository password at %s.", path)
    return path


def repository(target: str) -> Repository:
    return Repository(Path(target) / "repository", password_file(), current_app.config.get("RESTIC_BINARY", "restic"),
                      cache_dir=Path(current_app.instance_path) / "restic-cache")


def staging_dir() -> Path:
    return Path(current_app.config.get("BACKUP_STAGING_DIR") or Path(current_app.instance_path) / "backup-staging")


def _alive(holder: str | None) -> bool:
    host, _, pid = (holder or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another host's run: only its lease can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_interrupted() -> int:
    """Runs whose process died (a kill, a power cut) are failures, and say so."""
    now = datetime.now()
    count = 0
    for run in db.session.scalars(select(BackupRun).where(BackupRun.state == "running")):
        if not _alive(run.holder) or (run.started_at and now - run.started_at > LEASE):
            run.state, run.finished_at = "failed", now
            run.message = "interrupted: the backup process stopped before it finished"
            count += 1
    if count:
        db.session.commit()
    return count


# --- chains ---------------------------------------------------------------------------------

def last_copy(target: str) -> BackupCopy | None:
    """The target's newest good copy whose chain can be continued."""
    return db.session.scalar(
        select(BackupCopy).join(BackupRun)
        .where(BackupCopy.target == target, BackupCopy.ok.is_(True), BackupCopy.chain_open.is_(True))
        .order_by(BackupCopy.run_id.desc()).limit(1)
    )


def current_schema() -> str:
    from sqlalchemy import text

    return db.session.scalar(text("SELECT version_num FROM alembic_version"))


def plan(reachable: list[str], full: bool) -> tuple[str, int | None, dict]:
    """(kind, base position, target → the copy it continues from)."""
    last = {target: last_copy(target) for target in reachable}
    schema = current_schema()
    if full or not reachable or any(
            copy is None or copy.run.schema_version != schema for copy in last.values()):
        return "full", None, {}
    # Each incremental holds every row changed since the oldest position any
    # target has, so it continues every target's chain.
    return "incremental", min(copy.run.position for copy in last.values()), last


def prune_changes() -> int:
    """Forget the changes every target with a chain already holds."""
    positions = [copy.run.position for copy in (last_copy(t) for t in targets()) if copy is not None]
    with db.engine.begin() as conn:
        return tracking.prune(conn, min(positions) if positions else None)


# --- a run ----------------------------------------------------------------------------------

def request(kind: str, user_id: int | None) -> BackupRun:
    """A backup the scheduler will run (the "back up now" button)."""
    run = BackupRun(kind=kind, trigger="request", requested_by_id=user_id, state="requested")
    db.session.add(run)
    db.session.commit()
    return run


def _progress(run_id: int, percent: int, note: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(BackupRun.__table__.update().where(BackupRun.__table__.c.id == run_id)
                     .values(progress=max(0, min(100, percent)), progress_note=note[:200]))


def run_backup(full: bool = False, trigger: str = "command", run: BackupRun | None = None,
               echo=None) -> BackupRun:
    """Back up to every configured target; the run, as recorded. Raises (after
    recording the run as failed) when the backup content itself cannot be made."""
    echo = echo or (lambda _text: None)  # progress beside the run's row: the command line
    mark_interrupted()
    configured = targets()
    if not configured:
        raise BackupError("No backup targets: set DOSSIER_BACKUP_TARGETS.")
    if run is None:
        run = BackupRun(kind="full" if full else "incremental", trigger=trigger)
        db.session.add(run)
    run.state, run.holder, run.started_at = "running", holder_name(), datetime.now()
    db.session.commit()
    started = time.monotonic()
    try:
        _run(run, configured, full or run.kind == "full", echo)
    except Exception as error:  # recorded, then raised for the caller's exit code
        db.session.rollback()
        run = db.session.get(BackupRun, run.id)
        run.state, run.finished_at, run.message = "failed", datetime.now(), f"{type(error).__name__}: {error}"
        db.session.commit()
        _audit(run, time.monotonic() - started)
        raise
    _audit(run, time.monotonic() - started)
    return run


def _audit(run: BackupRun, seconds: float) -> None:
    # Who asked: the archivist behind a "back up now", else the scheduler or the command line.
    actor = run.requested_by or ("scheduler" if run.trigger in ("schedule", "request") else "cli")
    audit.record("backup", object_type="backup_run", object_id=run.id, actor=actor, details={
        "kind": run.kind, "state": run.state, "trigger": run.trigger, "seconds": round(seconds, 1),
        "targets": {c.target: ("ok" if c.ok else "failed") for c in run.copies},
    })
    db.session.commit()


def _run(run: BackupRun, configured: list[str], full: bool, echo) -> None:
    reachable, copies = [], {}
    for target in configured:
        copy = BackupCopy(run=run, target=target)
        copies[target] = copy
        db.session.add(copy)
        if not Path(target).is_dir():
            copy.error = f"unreachable: {target} does not exist or is not mounted"
            echo(f"{target}: {copy.error}")
            continue
        try:
            repo = repository(target)
            if not repo.exists():
                repo.init()
            repo.unlock()
            reachable.append(target)
        except (ResticError, OSError) as error:
            copy.error = str(error)
            echo(f"{target}: {copy.error}")
    kind, base, continued = plan(reachable, full)
    run.kind, run.base_position, run.schema_version = kind, base, current_schema()
    if not reachable:
        run.state, run.finished_at = "failed", datetime.now()
        run.message = "; ".join(f"{c.target}: {c.error}" for c in copies.values())
        db.session.commit()
        return
    db.session.commit()

    staging = staging_dir()
    shutil.rmtree(staging, ignore_errors=True)  # a killed run's leftovers
    staging.mkdir(parents=True)
    try:
        _land(run, reachable, copies, configured, kind, base, continued, staging, echo)
    finally:
        # The staging copy is as large as the database: it never outlives its run.
        shutil.rmtree(staging, ignore_errors=True)
    prune_changes()
    landed = [c for c in copies.values() if c.ok]
    if landed:
        apply_retention(run, landed, echo)


def _land(run: BackupRun, reachable: list[str], copies: dict, configured: list[str], kind: str,
          base: int | None, continued: dict, staging: Path, echo) -> None:
    """The staging area written, then given to restic for every reachable target."""
    store = attachments.root()
    store.mkdir(parents=True, exist_ok=True)
    # Checkpoints before the database: a checkpoint signed in between would name
    # events the snapshot does not hold, and the restored trail would read as cut.
    checkpoints, copied = audit.checkpoint_path(), staging / "audit" / "checkpoints.log"
    if checkpoints.exists():
        copied.parent.mkdir()
        shutil.copyfile(checkpoints, copied)
    echo(f"backup {run.id} ({kind}): database")
    _progress(run.id, 1, "database")
    taken = database.take(db.engine, staging, kind, base)
    if copied.exists():
        taken.files["audit/checkpoints.log"] = database.sha256_file(copied)
    created = datetime.now().isoformat(timespec="seconds")
    content = manifest.build(run, taken, created, str(staging), str(store))
    encoded = manifest.encode(content)
    (staging / manifest.MANIFEST).write_bytes(encoded)
    (staging / manifest.SIGNATURE).write_bytes(manifest.sign(encoded))
    run.position, run.database_bytes = taken.position, taken.size
    run.manifest_sha256 = hashlib.sha256(encoded).hexdigest()
    db.session.commit()
    echo(f"backup {run.id}: database {taken.size} bytes, {taken.changed_rows} changed rows")

    keys = keyrings.export(keyring())
    destroyed, destroyed_files = keyring().destroyed(), keyring().destroyed_file_keys()
    generations = current_app.config.get("BACKUP_KEYRING_GENERATIONS", 3)
    for index, target in enumerate(reachable):
        copy = copies[target]
        share = (index * 98 // len(reachable), (index + 1) * 98 // len(reachable))
        last_write = [0.0]

        def progress(status, target=target, share=share, last_write=last_write):
            now = time.monotonic()
            if now - last_write[0] < PROGRESS_EVERY:
                return
            last_write[0] = now
            done = float(status.get("percent_done") or 0)
            note = f"{target}: {done:.0%} ({status.get('bytes_done', 0)} of {status.get('total_bytes', 0)} bytes)"
            _progress(run.id, 1 + share[0] + int(done * (share[1] - share[0])), note)
            echo(note)

        started = time.monotonic()
        try:
            repo = repository(target)
            parent = continued[target].snapshot_id if kind == "incremental" else None
            chain = continued[target].chain_run_id if kind == "incremental" else run.id
            summary = repo.backup([str(staging), str(store)],
                                  ["dossier", f"kind:{kind}", f"run:{run.id}", f"chain:{chain}"],
                                  parent=parent, force=kind == "full", progress=progress)
            keyrings.write(target, keys, run.id, generations)
            keyrings.reconcile(target, destroyed, destroyed_files)
        except (ResticError, OSError, keyrings.KeyringError) as error:
            copy.error = str(error)[:2000]
            copy.seconds = round(time.monotonic() - started)
            db.session.commit()
            echo(f"{target}: failed: {copy.error}")
            continue
        copy.ok, copy.snapshot_id, copy.chain_run_id = True, summary.snapshot_id, chain
        copy.bytes_read, copy.bytes_added = summary.bytes_read, summary.data_added
        copy.files_new, copy.files_changed = summary.files_new, summary.files_changed
        copy.seconds = round(time.monotonic() - started)
        db.session.commit()
        echo(f"{target}: snapshot {summary.snapshot_id[:8]}, read {summary.bytes_read} bytes, "
             f"added {summary.data_added}")

    landed = [c for c in copies.values() if c.ok]
    run.state = "succeeded" if len(landed) == len(configured) else ("partial" if landed else "failed")
    failed = [c for c in copies.values() if not c.ok]
    run.message = "; ".join(f"{c.target}: {c.error}" for c in failed) or None
    run.progress, run.progress_note, run.finished_at = 100, None, datetime.now()
    db.session.commit()


def apply_retention(run: BackupRun, landed: list[BackupCopy], echo) -> None:
    """BACKUP_KEEP on every target the run landed in (jobs.backup.retention). A failure is
    recorded on the copy and audited, and leaves the backup as good as it was."""
    outcomes = {}
    try:
        policy = retention.policy_of()
    except retention.PolicyError as error:
        policy, problem = None, str(error)
    for copy in landed:
        try:
            if policy is None:
                raise retention.PolicyError(problem)
            outcome = retention.apply(repository(copy.target), policy)
            copy.forgotten, copy.retention_error = len(outcome.forgotten), None
            outcomes[copy.target] = {"forgotten": len(outcome.forgotten), "kept": len(outcome.kept)}
            if outcome.forgotten:
                echo(f"{copy.target}: forgot and pruned {len(outcome.forgotten)} snapshot(s), "
                     f"{len(outcome.kept)} kept")
        except Exception as error:  # restic, the medium, the policy: none of it fails the backup
            copy.retention_error = f"{type(error).__name__}: {error}"[:2000]
            outcomes[copy.target] = {"error": copy.retention_error}
            echo(f"{copy.target}: old snapshots kept: {copy.retention_error}")
        db.session.commit()
    audit.record("backup_retention", object_type="backup_run", object_id=run.id, actor="scheduler"
                 if run.trigger in ("schedule", "request") else "cli",
                 details={"policy": policy, "targets": outcomes})
    db.session.commit()


def next_requested() -> BackupRun | None:
    return db.session.scalar(select(BackupRun).where(BackupRun.state == "requested").order_by(BackupRun.id).limit(1))
