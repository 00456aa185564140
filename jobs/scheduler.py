"""Scheduled jobs as data, run by one dedicated process.

``flask --app app dossier scheduler`` runs them on their triggers; ``… job run
NAME`` runs one now. Each run takes the job's row in ``job_lock`` with a single
conditional UPDATE, so a second scheduler (or an operator running the job by
hand) cannot run it twice at once, on SQLite as on PostgreSQL.
"""

import os
import socket
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from models import JobLock


def _fixity():
    from .fixity import run_fixity

    report = run_fixity("stored", trigger="schedule")
    run = report.run
    return f"{run.files} files, {run.missing} missing, {run.corrupt} corrupt"


def _audit_checkpoint():
    from security import audit

    cp = audit.checkpoint(db.session)
    db.session.rollback()
    return f"checkpoint at event {cp.seq}"


def _consultation_expiry():
    from security.consultation import expire_grants

    count = expire_grants(db.session)
    db.session.commit()
    return f"{count} grants ended"


def _backup_full():
    from .backup.commands import scheduled_backup

    return scheduled_backup(full=True)


def _backup_incremental():
    from .backup.commands import scheduled_backup

    return scheduled_backup(full=False)


def _backup_requests():
    from .backup.commands import requested_backups

    return requested_backups()


def _restore_test():
    from .backup.commands import scheduled_restore_tests

    return scheduled_restore_tests()


def _temp_cleanup():
    from security import audit
    from models.storage import attachments

    files, size = attachments.remove_stale_temp_files()
    if files:
        audit.record("temp_files_removed", object_type="attachment_store", actor="scheduler",
                     details={"files": files, "bytes": size})
        db.session.commit()
    return f"{files} unfinished upload(s) removed, {size} bytes"


def _antivirus_rescan():
    from .antivirus import rescan

    run = rescan("schedule").run
    return f"{run.files} files, {run.infected} infected, {run.skipped} skipped"


def _four_property():
    from .four_property import run

    check_run = run("schedule")
    return f"four-property check {check_run.id}: " + ("all green" if check_run.ok else "problems found")


def _inspection_report():
    from .inspection.report import scheduled_report

    report = scheduled_report()
    return f"inspection report {report.id} for {report.period_start}..{report.period_end}"


@dataclass(frozen=True)
class Job:
    run: Callable[[], str]
    trigger: dict
    # Longest a run may hold the lock; after that it counts as dead and the job is free.
    lease: timedelta
    # Jobs sharing a lock never run at once (every kind of backup writes the same staging area).
    lock: str | None = None


JOBS = {
    "fixity": Job(_fixity, {"trigger": "cron", "hour": 2, "minute": 30}, timedelta(hours=12)),
    # Temp files of uploads whose worker died, older than a day.
    "temp_cleanup": Job(_temp_cleanup, {"trigger": "cron", "hour": 3, "minute": 15}, timedelta(hours=1)),
    "audit_checkpoint": Job(_audit_checkpoint, {"trigger": "interval", "hours": 1}, timedelta(minutes=30)),
    "consultation_expiry": Job(_consultation_expiry, {"trigger": "cron", "hour": 0, "minute": 5}, timedelta(minutes=30)),
    # §8.1: a full backup weekly, an incremental one every other night.
    "backup_full": Job(_backup_full, {"trigger": "cron", "day_of_week": "sun", "hour": 1, "minute": 0},
                       timedelta(hours=24), lock="backup"),
    "backup_incremental": Job(_backup_incremental, {"trigger": "cron", "day_of_week": "mon-sat", "hour": 1,
                                                    "minute": 0}, timedelta(hours=24), lock="backup"),
    # Looks for "back up now" requests every minute; takes the backup lock only when it finds one.
    "backup_requests": Job(_backup_requests, {"trigger": "interval", "minutes": 1}, timedelta(hours=24)),
    # §8.3: every target's latest snapshot restored and verified, weekly.
    "restore_test": Job(_restore_test, {"trigger": "cron", "day_of_week": "sun", "hour": 5, "minute": 0},
                        timedelta(hours=24)),
    # §6.2.2: the whole store against the current signatures, nightly after the fixity check.
    # DA/T 70-2018 four-property self-check, weekly after the Sunday backup and restore test.
    "four_property": Job(_four_property, {"trigger": "cron", "day_of_week": "sun", "hour": 7, "minute": 0},
                         timedelta(hours=12)),
    # §10.1 定期检查: the report of the previous calendar month, on the 1st.
    "inspection_report": Job(_inspection_report, {"trigger": "cron", "day": 1, "hour": 6, "minute": 0},
                             timedelta(hours=6)),
    "antivirus_rescan": Job(_antivirus_rescan, {"trigger": "cron", "hour": 3, "minute": 30}, timedelta(hours=12)),
}


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(name: str, holder: str, lease: timedelta) -> bool:
    """Take the job's lock; False if another holder has it and its lease has not run out."""
    table = JobLock.__table__
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.engine.dialect.name]
    with db.engine.begin() as conn:
        # Two schedulers may create the row at once: the second insert does nothing.
        conn.execute(dialect.insert(table).values(name=name).on_conflict_do_nothing())
        now = datetime.now()
        taken = conn.execute(
            update(table)
            .where(table.c.name == name, or_(table.c.locked_until.is_(None), table.c.locked_until < now))
            .values(holder=holder, locked_until=now + lease, last_started_at=now)
        )
        return taken.rowcount == 1


def release(name: str, holder: str, outcome: str) -> None:
    table = JobLock.__table__
    with db.engine.begin() as conn:
        conn.execute(
            update(table).where(table.c.name == name, table.c.holder == holder)
            .values(locked_until=None, last_finished_at=datetime.now(), last_outcome=outcome[:2000])
        )


def run_job(name: str, holder: str | None = None) -> str | None:
    """Run ``name`` under its lock; its outcome, or None if it is running elsewhere."""
    job = JOBS[name]
    holder = holder or holder_name()
    lock = job.lock or name
    if not acquire(lock, holder, job.lease):
        return None
    try:
        outcome = "ok: " + (job.run() or "")
    except Exception as error:
        db.session.rollback()
        current_app.logger.error("job %s failed:\n%s", name, traceback.format_exc())
        outcome = f"failed: {type(error).__name__}: {error}"
    release(lock, holder, outcome)
    return outcome


def triggers(app) -> dict[str, dict]:
    """Each job's trigger; ``DOSSIER_JOB_TRIGGERS`` overrides them by name."""
    overrides = app.config.get("DOSSIER_JOB_TRIGGERS") or {}
    return {name: overrides.get(name, job.trigger) for name, job in JOBS.items()}


@click.group(help="Scheduled jobs.")
def job():
    pass


@job.command("list", help="Each job, its trigger and its last run.")
@with_appcontext
def list_jobs():
    locks = {lock.name: lock for lock in db.session.scalars(select(JobLock))}
    for name, trigger in triggers(current_app).items():
        lock = locks.get(JOBS[name].lock or name)
        last = f"{lock.last_finished_at:%Y-%m-%d %H:%M} {lock.last_outcome}" if lock and lock.last_finished_at else "never run"
        click.echo(f"{name:18} {trigger}  last: {last}")


@job.command("run", help="Run one job now, under its lock.")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@with_appcontext
def run_now(name):
    outcome = run_job(name)
    if outcome is None:
        click.echo(f"{name} is running elsewhere: not started", err=True)
        raise SystemExit(1)
    click.echo(f"{name}: {outcome}")
    if outcome.startswith("failed"):
        raise SystemExit(1)


@click.command(help="Run the scheduled jobs (fixity, audit checkpoints) until stopped.")
@with_appcontext
def scheduler():
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()
    holder = holder_name()

    def runner(name):
        def _run():
            with app.app_context():
                outcome = run_job(name, holder)
                app.logger.info("job %s: %s", name, outcome or "running elsewhere, skipped")
        return _run

    sched = BlockingScheduler()
    for name, trigger in triggers(app).items():
        sched.add_job(runner(name), id=name, name=name, coalesce=True, max_instances=1, **trigger)
    click.echo(f"scheduler {holder}: {', '.join(f'{n} {t}' for n, t in triggers(app).items())}")
    sched.start()
