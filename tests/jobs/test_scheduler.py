"""Scheduled jobs run under a lock, so two schedulers never run one job twice at once."""

import json
from datetime import timedelta

from sqlalchemy import delete, select

from jobs import scheduler
from models import FixityRun, JobLock


def clear_locks(db):
    db.session.execute(delete(JobLock.__table__))
    db.session.commit()


def test_a_held_job_is_refused_to_a_second_holder_until_its_lease_runs_out(app, db):
    clear_locks(db)
    assert scheduler.acquire("fixity", "host-a:1", timedelta(hours=1))
    assert not scheduler.acquire("fixity", "host-b:2", timedelta(hours=1))
    scheduler.release("fixity", "host-a:1", "ok")
    assert scheduler.acquire("fixity", "host-b:2", timedelta(hours=1))
    clear_locks(db)


def test_a_dead_holders_lease_expires(app, db):
    clear_locks(db)
    assert scheduler.acquire("fixity", "crashed:1", timedelta(seconds=-1))
    assert scheduler.acquire("fixity", "host-b:2", timedelta(hours=1))
    clear_locks(db)


def test_running_a_job_records_its_outcome_and_the_fixity_run(app, db, make_material):
    clear_locks(db)
    make_material()
    outcome = scheduler.run_job("fixity", "host-a:1")
    assert outcome == "ok: 1 files, 0 missing, 0 corrupt"
    lock = db.session.get(JobLock, "fixity")
    db.session.refresh(lock)
    assert lock.last_outcome == outcome and lock.locked_until is None
    assert db.session.scalars(select(FixityRun).order_by(FixityRun.id.desc())).first().trigger == "schedule"
    clear_locks(db)


def test_a_job_running_elsewhere_is_skipped_not_run_twice(app, db):
    clear_locks(db)
    assert scheduler.acquire("fixity", "other-host:9", timedelta(hours=1))
    runs_before = db.session.query(FixityRun).count()
    assert scheduler.run_job("fixity", "host-a:1") is None
    assert db.session.query(FixityRun).count() == runs_before
    result = app.test_cli_runner().invoke(args=["dossier", "job", "run", "fixity"])
    assert result.exit_code == 1 and "running elsewhere" in result.output
    clear_locks(db)


def test_every_job_has_a_trigger_the_scheduler_accepts(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    sched = BackgroundScheduler()
    for name, trigger in scheduler.triggers(app).items():
        sched.add_job(lambda: None, id=name, **trigger)
    assert {job.id for job in sched.get_jobs()} == set(scheduler.JOBS)


def test_uploads_left_unfinished_are_reported_by_fixity_and_removed_after_a_day(app, db, make_material):
    """A worker killed mid-upload leaves its temp file: fixity names it, the clean-up job removes it."""
    import os
    import time

    from jobs.fixity import run_fixity
    from models import AuditEvent
    from models.storage import attachments

    clear_locks(db)
    make_material()
    tmp = attachments.root() / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    dead, live = tmp / "upload-dead", tmp / "upload-live"
    dead.write_bytes(b"x" * 4096)
    live.write_bytes(b"y" * 10)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(dead, (two_days_ago, two_days_ago))

    report = run_fixity()
    assert report.stale_temp == [dead]
    result = app.test_cli_runner().invoke(args=["dossier", "fixity"])
    assert "STALE TEMP FILE" in result.output and "upload-dead" in result.output

    # The nightly clean-up (jobs.cleanup) removes it among its kinds.
    outcome = scheduler.run_job("cleanup", "host-a:1")
    assert outcome.startswith("ok: ") and "temp_files 1," in outcome
    assert not dead.exists() and live.exists()
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.object_id) == ("cleanup_removed", "temp_files")
    assert json.loads(event.details) == {"kind": "temp_files", "count": 1, "ids": ["tmp/upload-dead"], "bytes": 4096}
    assert run_fixity().stale_temp == []
    live.unlink()
    clear_locks(db)
