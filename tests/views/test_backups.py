"""The archivist's backups page: targets, snapshots, restore tests, and "back up now"."""

import re

from jobs.backup import runs
from jobs.scheduler import run_job
from models import BackupRun


def test_back_up_now_is_run_by_the_scheduler_not_by_the_request(db, login_as, backup_targets, make_official):
    make_official()
    archivist = login_as("archivist")
    response = archivist.post("/backups/request", data={"kind": "full"})
    assert response.status_code == 302
    run = db.session.query(BackupRun).one()
    assert (run.state, run.kind, run.trigger) == ("requested", "full", "request")
    page = archivist.get("/backups/").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and f'id="active-run-{run.id}"' in page

    assert run_job("backup_requests").startswith("ok")
    db.session.refresh(run)
    assert run.state == "succeeded"
    page = archivist.get("/backups/").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page
    for copy in run.copies:
        assert copy.snapshot_id[:8] in page


def test_the_page_shows_progress_failures_and_the_last_restore_test(db, login_as, backup_targets, tmp_path):
    from flask import current_app

    from jobs.backup.restore_test import restore_test
    from models import BackupCopy

    missing = tmp_path / "not-mounted"
    current_app.config["DOSSIER_BACKUP_TARGETS"] = [str(backup_targets[0]), str(missing)]
    runs.run_backup()
    tested = restore_test(str(backup_targets[0]), echo=lambda _text: None)
    assert tested.ok, tested.problem
    running = BackupRun(kind="incremental", trigger="schedule", state="running", holder=runs.holder_name(),
                        progress=40, progress_note=f"{backup_targets[0]}: 40%")
    db.session.add(running)
    db.session.commit()

    page = login_as("archivist").get("/backups/").get_data(as_text=True)
    assert "40%" in page and str(missing) in page and "unreachable" in page
    # Backup words, not the annual assessment's: a run has an outcome (结果), not an assessment result.
    assert "<th>考核结果</th>" not in page and "<th>结果</th>" in page
    # The target's panel names its last restore test, and the table lists it with its snapshot.
    panel = page.split(f"<strong>{backup_targets[0]}</strong>", 1)[1].split('class="panel panel-default', 1)[0]
    last = re.search(r'<p class="restore-test">(.*?)</p>', panel, re.S).group(1)
    assert tested.started_at.strftime("%Y-%m-%d %H:%M") in last and "通过" in last
    table = page.split('id="restore-tests"', 1)[1].split("</table>", 1)[0]
    rows = [re.sub(r"<[^>]+>|\s+", " ", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]]
    assert [row for row in rows if str(backup_targets[0]) in row and tested.snapshot_id[:8] in row
            and "通过" in row], rows
    db.session.delete(running)
    db.session.query(BackupCopy).delete()
    db.session.commit()


def test_only_those_granted_see_the_backups_page(db, login_as, backup_targets):
    for role in ("clerk", "hr_reviewer", "sysadmin", "auditor"):
        client = login_as(role)
        assert client.get("/backups/").status_code in (302, 403)
        assert client.post("/backups/request", data={"kind": "full"}).status_code in (302, 403)
    assert db.session.query(BackupRun).count() == 0
