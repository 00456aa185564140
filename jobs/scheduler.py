"""Scheduled jobs as data, run by one dedicated process.

``JOBS`` declares each job: what it runs, its trigger, its lease and its lock.
``flask --app app dossier scheduler`` turns that table (with ``DOSSIER_JOB_TRIGGERS``)
into Flask-APScheduler's ``SCHEDULER_JOBS`` and runs them; ``… job run NAME`` runs one
now. Web workers never build a scheduler: only that command does.

Each scheduled run is for a due time (its slot) and takes, in one transaction, the
slot on the job's row of ``job_lock`` and the job's lock: a second scheduler that
fires for the same slot, at once or seconds later, finds it taken and skips it, and
an operator running the job by hand cannot run it twice at once. Interval triggers
are laid on a grid shared by every scheduler (``INTERVAL_GRID``), so two schedulers
started apart still compute the same slots.
"""

import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.db import db
from models import JobLock
from models.scheduling import holder_name  # noqa: F401  (commands name the holder of a lock with it)


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


def _cleanup():
    from .cleanup import run, summary

    return summary(run(actor="scheduler"))


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


def _retention_due():
    from .retention import run_due_list

    counts = run_due_list()
    return (f"{counts['due']} of {counts['items']} items due in {counts['officials']} dossiers; "
            f"{counts['left_without_date']} officials left without a leaving date")


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
    # §4.3.3 数据清理, nightly: jobs.cleanup (temp files of uploads whose worker died among its kinds).
    "cleanup": Job(_cleanup, {"trigger": "cron", "hour": 3, "minute": 15}, timedelta(hours=2)),
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
    # §9.1: the due list from the retention schedule, nightly; it only lists, never destroys.
    "retention_due": Job(_retention_due, {"trigger": "cron", "hour": 4, "minute": 0}, timedelta(hours=6)),
}


# Where every interval trigger's grid starts (unless its trigger names a start_date):
# an hourly job runs on the hour in every scheduler, not an hour after each one started.
INTERVAL_GRID = "2026-01-01 00:00:00"


def _utc(due: datetime) -> datetime:
    return due.astimezone(timezone.utc).replace(tzinfo=None)


def acquire(name: str, holder: str, lease: timedelta, job: str | None = None, due: datetime | None = None) -> bool:
    """Take the lock ``name``; False if another holder has it and its lease has not run out.

    With ``due`` (an aware datetime) the slot of ``job`` at that due time is taken in the
    same transaction: False, and nothing taken, if that slot or a later one already was."""
    table = JobLock.__table__
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.engine.dialect.name]
    with db.engine.connect() as conn, conn.begin() as transaction:
        # Two schedulers may create the rows at once: the second insert does nothing.
        for row in sorted({name, job or name}):
            conn.execute(dialect.insert(table).values(name=row).on_conflict_do_nothing())
        if due is not None:
            # The row lock this UPDATE takes makes a concurrent claimant wait, then see the slot taken.
            slot = _utc(due)
            claimed = conn.execute(
                update(table)
                .where(table.c.name == (job or name), or_(table.c.last_due.is_(None), table.c.last_due < slot))
                .values(last_due=slot)
            )
            if claimed.rowcount != 1:
                transaction.rollback()
                return False
        now = datetime.now()
        taken = conn.execute(
            update(table)
            .where(table.c.name == name, or_(table.c.locked_until.is_(None), table.c.locked_until < now))
            .values(holder=holder, locked_until=now + lease, last_started_at=now)
        )
        if taken.rowcount != 1:
            # The lock is busy: the slot stays free for nobody else to run either, as before.
            transaction.rollback()
            return False
        return True


def release(name: str, holder: str, outcome: str) -> None:
    table = JobLock.__table__
    with db.engine.begin() as conn:
        conn.execute(
            update(table).where(table.c.name == name, table.c.holder == holder)
            .values(locked_until=None, last_finished_at=datetime.now(), last_outcome=outcome[:2000])
        )


def run_job(name: str, holder: str | None = None, due: datetime | None = None) -> str | None:
    """Run ``name`` under its lock (and, for a scheduled run, its slot at ``due``);
    its outcome, or None if it is running elsewhere or its slot was taken."""
    job = JOBS[name]
    holder = holder or holder_name()
    lock = job.lock or name
    if not acquire(lock, holder, job.lease, job=name, due=due):
        return None
    try:
        outcome = "ok: " + (job.run() or "")
    except Exception as error:
        db.session.rollback()
        current_app.logger.error("job %s failed:\n%s", name, traceback.format_exc())
        outcome = f"failed: {type(error).__name__}: {error}"
    release(lock, holder, outcome)
    return outcome


def run_scheduled(name: str, due: datetime | None = None) -> str | None:
    """What the scheduler runs: the job for its slot, in the app context SlotExecutor pushed.

    ``due`` is optional only for APScheduler's signature check, which runs before the
    executor supplies it; a scheduled run without its slot would run in every scheduler."""
    if due is None:
        raise RuntimeError(f"job {name} scheduled without its due time: run it through SlotExecutor")
    outcome = run_job(name, current_app.apscheduler.holder, due)
    current_app.logger.info("job %s (due %s): %s", name, due, outcome or "taken elsewhere, skipped")
    return outcome


def triggers(app) -> dict[str, dict]:
    """Each job's trigger; ``DOSSIER_JOB_TRIGGERS`` overrides them by name."""
    overrides = app.config.get("DOSSIER_JOB_TRIGGERS") or {}
    return {name: overrides.get(name, job.trigger) for name, job in JOBS.items()}


def scheduler_jobs(app) -> list[dict]:
    """The JOBS table as Flask-APScheduler's ``SCHEDULER_JOBS``."""
    jobs = []
    for name, trigger in triggers(app).items():
        if trigger.get("trigger") == "interval":
            trigger = {"start_date": INTERVAL_GRID, **trigger}
        jobs.append({"id": name, "func": "jobs.scheduler:run_scheduled", "kwargs": {"name": name}, **trigger})
    return jobs


def build_scheduler(app, background: bool = False, holder: str | None = None):
    """Flask-APScheduler on ``app``, its jobs loaded from the configuration built here.

    Called only by the scheduler command (and tests): web workers never hold one."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from flask_apscheduler import APScheduler

    from jobs.slots import SlotExecutor

    app.config["SCHEDULER_JOBS"] = scheduler_jobs(app)
    app.config["SCHEDULER_EXECUTORS"] = {"default": SlotExecutor(app)}
    # One run at a time per job and scheduler; a run missed while the process was busy
    # or down is run once, not once per missed slot.
    app.config["SCHEDULER_JOB_DEFAULTS"] = {"coalesce": True, "max_instances": 1}
    app.config["SCHEDULER_API_ENABLED"] = False
    sched = APScheduler((BackgroundScheduler if background else BlockingScheduler)())
    sched.holder = holder or holder_name()
    sched.init_app(app)
    return sched


@click.group(help="Scheduled jobs: " + ", ".join(JOBS) + ".")
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


@click.command(help="Run the scheduled jobs (" + ", ".join(JOBS) + ") until stopped; each slot of a job "
               "runs once, however many schedulers run.")
@with_appcontext
def scheduler():
    app = current_app._get_current_object()
    sched = build_scheduler(app)
    click.echo(f"scheduler {sched.holder}: {', '.join(f'{n} {t}' for n, t in triggers(app).items())}")
    sched.start()
