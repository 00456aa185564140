"""Each slot (due time) of a scheduled job runs once, however many schedulers fire for it."""

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from flask import current_app
from sqlalchemy import delete

from jobs import scheduler
from models import JobLock
from tests.apps import make_app


@pytest.fixture
def probe(app, db, monkeypatch):
    """The scheduler's only job: a probe that records who ran which slot."""
    runs, guard = [], threading.Lock()

    def run():
        with guard:
            runs.append(current_app.apscheduler.holder if hasattr(current_app, "apscheduler") else "by hand")
        time.sleep(0.05)
        return "probed"

    monkeypatch.setattr(scheduler, "JOBS", {"probe": scheduler.Job(
        run, {"trigger": "interval", "seconds": 1}, timedelta(minutes=1))})
    db.session.execute(delete(JobLock.__table__))
    db.session.commit()
    yield runs
    db.session.execute(delete(JobLock.__table__))
    db.session.commit()


def test_a_slot_taken_is_skipped_by_a_later_scheduler_but_the_next_slot_runs(app, db, probe):
    due = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    assert scheduler.run_job("probe", "host-a:1", due) == "ok: probed"
    # Twenty seconds later the lock is free, but the slot is not.
    assert scheduler.run_job("probe", "host-b:2", due) is None
    assert scheduler.run_job("probe", "host-b:2", due - timedelta(minutes=1)) is None
    assert scheduler.run_job("probe", "host-b:2", due + timedelta(minutes=1)) == "ok: probed"
    # By hand, a job runs whatever its slots: only its lock counts.
    assert scheduler.run_job("probe", "operator:3") == "ok: probed"
    assert len(probe) == 3
    lock = db.session.get(JobLock, "probe")
    db.session.refresh(lock)
    assert lock.last_due == datetime(2026, 12, 1, 10, 1)


def test_a_busy_lock_leaves_the_slot_untaken(app, db, probe):
    due = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
    assert scheduler.acquire("probe", "operator:3", timedelta(hours=1))
    assert scheduler.run_job("probe", "host-a:1", due) is None
    assert db.session.get(JobLock, "probe").last_due is None
    scheduler.release("probe", "operator:3", "ok")
    assert scheduler.run_job("probe", "host-a:1", due) == "ok: probed"


def test_two_schedulers_started_apart_run_each_slot_once(app, db, probe, monkeypatch):
    """Two instances (two apps on one database, each with its own scheduler) started
    half a slot apart both fire for every slot; each slot runs once. The second one's
    clock runs 0.3 s behind, so it arrives after the first run has ended and released
    the lock: only the slot stops it."""
    attempts, guard = [], threading.Lock()
    run_job = scheduler.run_job

    def recorded(name, holder=None, due=None):
        outcome = run_job(name, holder, due)
        with guard:
            attempts.append((holder, due, outcome is not None))
        return outcome

    monkeypatch.setattr(scheduler, "run_job", recorded)
    second = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    schedulers = {key: scheduler.build_scheduler(application, background=True, holder=key)
                  for key, application in (("a", app), ("b", second))}
    executor = schedulers["b"].scheduler._lookup_executor("default")
    submit = executor._do_submit_job

    def behind(job, run_times):
        time.sleep(0.3)
        submit(job, run_times)

    executor._do_submit_job = behind
    try:
        schedulers["a"].start()
        time.sleep(0.5)
        schedulers["b"].start()
        time.sleep(4.2)
    finally:
        for sched in schedulers.values():
            sched.shutdown()
        with second.app_context():
            from models.db import db as second_db

            second_db.session.remove()
            second_db.engine.dispose()
    by_both = {due for _, due, _ in attempts if sum(1 for h, d, _ in attempts if d == due) == 2}
    assert len(by_both) >= 3, attempts  # both schedulers fired for at least three slots
    ran = [due for _, due, taken in attempts if taken]
    assert sorted(ran) == sorted({due for _, due, _ in attempts}), attempts  # every slot fired ran, once
    assert len(probe) == len(ran)


def test_interval_jobs_fall_on_one_grid_whenever_a_scheduler_starts(app, probe):
    first = scheduler.build_scheduler(app, background=True, holder="early")
    first.start(paused=True)
    time.sleep(1.1)
    later = scheduler.build_scheduler(app, background=True, holder="late")
    later.start(paused=True)
    try:
        times = [s.get_job("probe").next_run_time for s in (first, later)]
        assert all(t.microsecond == 0 for t in times)
        assert (times[1] - times[0]).total_seconds() in (1.0, 2.0)
    finally:
        first.shutdown()
        later.shutdown()


def test_the_scheduler_is_flask_apscheduler_loaded_from_the_jobs_table(app):
    sched = scheduler.build_scheduler(app, background=True, holder="test")
    assert {job.id for job in sched.get_jobs()} == set(scheduler.JOBS)
    assert app.config["SCHEDULER_JOBS"][0]["func"] == "jobs.scheduler:run_scheduled"
    assert not [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/scheduler")]


def test_the_commands_help_names_every_job(app):
    runner = app.test_cli_runner()
    for args in (["dossier", "scheduler", "--help"], ["dossier", "job", "--help"]):
        output = runner.invoke(args=args).output
        assert all(name in output.replace("\n", " ").replace("  ", " ") for name in scheduler.JOBS), output
