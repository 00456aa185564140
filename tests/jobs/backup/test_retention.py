"""Backup retention: restic forgets and prunes what the policy no longer keeps, never half a chain."""

from datetime import date, datetime

import pytest

from jobs.backup import retention, runs
from models import AuditEvent


def snapshot(repo, source, run, chain, when):
    (source / "file").write_text(f"run {run}")
    return repo.backup([str(source)], ["dossier", f"run:{run}", f"chain:{chain}"], force=True,
                       time=when).snapshot_id[:8]


def short(ids):
    return sorted(i[:8] for i in ids)


@pytest.fixture
def repo(app, backup_targets, tmp_path):
    with app.app_context():
        repository = runs.repository(str(backup_targets[0]))
        repository.init()
        yield repository


def test_forget_and_prune_leave_exactly_the_policys_snapshots(repo, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    ids = {run: snapshot(repo, source, run, run, when) for run, when in (
        (1, "2026-11-01 01:00:00"), (2, "2026-11-02 01:00:00"), (3, "2026-11-03 01:00:00"),
        (4, "2026-11-03 14:00:00"))}
    outcome = retention.apply(repo, {"daily": 2})
    # The newest of each of the last two days: run 4 (not 3, same day) and run 2.
    assert short(outcome.kept) == sorted([ids[2], ids[4]])
    assert short(s["id"] for s in repo.snapshots(["dossier"])) == sorted([ids[2], ids[4]])
    assert repo.check()  # pruned and consistent


def test_a_kept_incremental_keeps_its_chain(repo, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    ids = {run: snapshot(repo, source, run, chain, when) for run, chain, when in (
        (1, 1, "2026-11-01 01:00:00"), (2, 1, "2026-11-02 01:00:00"), (3, 1, "2026-11-03 01:00:00"),
        (4, 4, "2026-11-04 01:00:00"), (5, 4, "2026-11-05 01:00:00"))}
    # keep-last 3 chooses 5, 4 and 3; 3 restores only on 1 and 2.
    assert retention.decide(repo, {"last": 3}).forgotten == []
    outcome = retention.apply(repo, {"last": 2})
    assert short(outcome.forgotten) == sorted([ids[1], ids[2], ids[3]])
    assert short(s["id"] for s in repo.snapshots(["dossier"])) == sorted([ids[4], ids[5]])


def test_a_run_applies_the_policy_and_a_failing_policy_does_not_fail_the_backup(app, db, backup_targets,
                                                                                make_official):
    make_official()
    app.config["BACKUP_KEEP"] = {"last": 1}
    try:
        runs.run_backup(full=True)
        second = runs.run_backup(full=True)
        assert second.state == "succeeded"
        assert [c.forgotten for c in second.copies] == [1, 1]
        for target in backup_targets:
            assert len(runs.repository(str(target)).snapshots(["dossier"])) == 1
        event = db.session.query(AuditEvent).filter(AuditEvent.action == "backup_retention") \
            .order_by(AuditEvent.seq.desc()).first()
        assert event.object_id == str(second.id) and '"forgotten":1' in event.details.replace(" ", "")

        app.config["BACKUP_KEEP"] = {"daily": -1}
        third = runs.run_backup()
        assert third.state == "succeeded"
        assert all("BACKUP_KEEP" in c.retention_error for c in third.copies)
    finally:
        app.config["BACKUP_KEEP"] = {"daily": 7, "weekly": 5, "monthly": 12, "yearly": 0}


@pytest.mark.parametrize("destroyed_at,policy,gone_by", [
    # Wednesday: its chain ends on Saturday 12-05; kept 7 more nights, a day for the run.
    (datetime(2026, 12, 2, 15, 0), {"daily": 7}, date(2026, 12, 13)),
    (datetime(2026, 12, 2, 15, 0), {"last": 3}, date(2026, 12, 9)),
    # ISO week of 11-30..12-06; five weeks later is Monday 2027-01-04.
    (datetime(2026, 12, 2, 15, 0), {"weekly": 5}, date(2027, 1, 5)),
    (datetime(2026, 12, 2, 15, 0), {"daily": 7, "weekly": 5, "monthly": 12, "yearly": 0}, date(2027, 12, 2)),
    (datetime(2026, 12, 2, 15, 0), {"yearly": 2}, date(2028, 1, 2)),
    # New Year's Eve is a Thursday: the chain runs into January, so January's month counts.
    (datetime(2026, 12, 31, 12, 0), {"monthly": 1}, date(2027, 2, 2)),
    # Sunday before the full backup: the old chain, bounded by the next Saturday.
    (datetime(2026, 12, 6, 0, 30), {"daily": 1}, date(2026, 12, 14)),
    (datetime(2026, 12, 2, 15, 0), {"daily": 0}, None),
])
def test_snapshots_gone_by(app, destroyed_at, policy, gone_by):
    assert retention.snapshots_gone_by(destroyed_at, policy) == gone_by


def test_a_policy_naming_an_unknown_rule_is_refused(app):
    with pytest.raises(retention.PolicyError, match="fortnightly"):
        retention.policy_of({"fortnightly": 2})
