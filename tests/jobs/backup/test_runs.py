"""An archivist's backups: full and incremental, to several targets, surviving a kill."""

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, update

from jobs.backup import keyrings, runs
from jobs.backup.restore_test import restore_test
from models import BackupRun, Official
from security.keys import keyring
from models.storage import attachments
from tests import documents

MIB = 1024 * 1024
PR_SET_CHILD_SUBREAPER = 36


def test_an_incremental_backup_reads_only_the_changed_record_and_the_new_file(db, backup_targets, make_official,
                                                                              make_material):
    officials = [make_official() for _ in range(3)]
    for official in officials:
        make_material(official=official, content=documents.padded_pdf(2 * MIB))

    full = runs.run_backup(full=True)
    assert (full.kind, full.state) == ("full", "succeeded")
    assert [c.ok for c in full.copies] == [True, True]

    # A bulk statement, past the ORM and its versioning: the database's own change log sees it.
    db.session.execute(update(Official.__table__).where(Official.__table__.c.id == officials[0].id)
                       .values(post="处长"))
    db.session.commit()
    added = make_material(official=officials[1], content=documents.pdf(1))

    incremental = runs.run_backup()
    assert (incremental.kind, incremental.state) == ("incremental", "succeeded")
    for before, after in zip(full.copies, incremental.copies):
        assert before.bytes_read > 6 * MIB
        assert after.bytes_read * 20 < before.bytes_read, (after.bytes_read, before.bytes_read)

    # What the snapshot holds, read back from the repository (the staging copy is gone).
    staging = Path(runs.staging_dir())
    assert not staging.exists()
    repository, snapshot = runs.repository(str(backup_targets[0])), incremental.copies[0].snapshot_id
    content = json.loads(repository.dump(snapshot, f"{staging}/manifest.json"))
    assert content["kind"] == "incremental"
    changed = {Path(name).stem: [json.loads(line) for line in repository.dump(
        snapshot, f"{staging}/{name}").decode().splitlines()] for name in content["files"]
        if name.startswith("database/changes/")}
    assert [row["r"]["post"] for row in changed["official"]] == ["处长"]
    assert [row["k"] for row in changed["material"]] == [[added.id]]
    assert len(content["store"]) == 4 and f"{added.stored_sha256[:2]}/{added.stored_sha256[2:4]}/" \
        f"{added.stored_sha256}" in content["store"]
    # The change log keeps only what some target does not hold yet.
    assert runs.prune_changes() == 0


def test_no_run_leaves_its_staging_copy_behind(app, db, backup_targets, make_official):
    """The staging area holds a copy of the whole database: after a run it is gone,
    whether the run succeeded, failed at every target, or stopped with an error."""
    make_official()
    staging = Path(runs.staging_dir())
    assert runs.run_backup(full=True).state == "succeeded"
    assert not staging.exists()

    # restic refuses every target (the repositories' password is not this one): a failed run.
    password = Path(app.config["DOSSIER_BACKUP_PASSWORD_FILE"])
    kept = password.read_bytes()
    password.write_bytes(b"not the repositories' password\n")
    try:
        failed = runs.run_backup(full=True)
    finally:
        password.write_bytes(kept)
    assert failed.state == "failed" and all(not c.ok for c in failed.copies)
    assert not staging.exists()

    # The manifest cannot be signed (a damaged key file): the run stops with the error.
    import pytest

    damaged = Path(app.instance_path) / "damaged-signing.key"
    damaged.write_bytes(b"-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n")
    saved = app.config.get("DOSSIER_AUDIT_SIGNING_KEY_FILE")
    app.config["DOSSIER_AUDIT_SIGNING_KEY_FILE"] = str(damaged)
    try:
        with pytest.raises(ValueError):
            runs.run_backup(full=True)
    finally:
        app.config["DOSSIER_AUDIT_SIGNING_KEY_FILE"] = saved
        damaged.unlink()
    assert db.session.scalar(select(BackupRun).order_by(BackupRun.id.desc())).state == "failed"
    assert not staging.exists()


def test_a_target_that_cannot_be_reached_does_not_stop_the_others(db, backup_targets, make_official, tmp_path):
    official = make_official()
    unmounted = tmp_path / "unmounted" / "offsite"
    from flask import current_app

    current_app.config["DOSSIER_BACKUP_TARGETS"] = [str(backup_targets[0]), str(unmounted)]

    run = runs.run_backup()
    assert run.state == "partial"
    landed, missed = run.copies
    assert landed.ok and landed.snapshot_id
    assert not missed.ok and "unreachable" in missed.error and str(unmounted) in run.message
    # Nothing was created where the medium should have been mounted.
    assert not unmounted.exists()
    assert restore_test(str(backup_targets[0]), echo=lambda _text: None).ok

    # The medium is back: it has no chain yet, so the next run is a full one, landing everywhere.
    unmounted.mkdir(parents=True)
    db.session.execute(update(Official.__table__).where(Official.__table__.c.id == official.id).values(post="科员"))
    db.session.commit()
    again = runs.run_backup()
    assert (again.kind, again.state) == ("full", "succeeded")


def _subprocess_config(app, tmp_path) -> dict:
    """The test app's settings, for a `flask dossier …` run in its own process."""
    settings = {name: app.config[name] for name in (
        "SQLALCHEMY_DATABASE_URI", "DOSSIER_KEYSTORE_URL", "DOSSIER_AUDIT_CHECKPOINT_FILE", "DOSSIER_BACKUP_TARGETS",
        "BACKUP_STAGING_DIR", "DOSSIER_BACKUP_PASSWORD_FILE", "SECRET_KEY")}
    settings["ATTACHMENT_STORE"] = str(attachments.root())
    config = tmp_path / "subprocess_config.py"
    config.write_text("\n".join(f"{k} = {v!r}" for k, v in settings.items()) + "\n")
    return {**os.environ, "DOSSIER_CONFIG": str(config), "DOSSIER_INSTANCE_DIR": app.instance_path}


def _reap_orphans(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def test_a_backup_killed_halfway_is_a_failure_and_leaves_the_earlier_snapshots_good(app, db, backup_targets,
                                                                                   make_official, tmp_path):
    make_official()
    first = runs.run_backup(full=True)
    assert first.state == "succeeded"
    repository = runs.repository(str(backup_targets[0]))
    before = [s["id"] for s in repository.snapshots(["dossier"])]

    # A large scan keeps restic busy long enough to be killed in the middle.
    bulk = attachments.root() / "ff" / "ff" / ("f" * 64)
    bulk.parent.mkdir(parents=True, exist_ok=True)
    with open(bulk, "wb") as fh:
        for _ in range(96):
            fh.write(os.urandom(4 * MIB))
    # Orphans of the killed command (its restic) come to this process to be reaped, as
    # they would to init on a server; otherwise a zombie restic still "holds" its lock.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "dossier", "backup", "--full"],
        env=_subprocess_config(app, tmp_path), cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    killed = None
    while time.monotonic() < deadline and process.poll() is None:
        db.session.rollback()
        run = db.session.scalar(select(BackupRun).where(BackupRun.id > first.id).order_by(BackupRun.id.desc()))
        if run is not None and run.progress_note and "%" in run.progress_note:
            os.killpg(process.pid, signal.SIGKILL)
            killed = run.id
            break
        time.sleep(0.05)
    process.wait()
    _reap_orphans()
    libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
    assert killed, process.stdout.read().decode()

    assert runs.mark_interrupted() == 1
    run = db.session.get(BackupRun, killed)
    assert run.state == "failed" and "interrupted" in run.message
    assert not any(c.ok for c in run.copies)
    # restic never wrote a snapshot for it; what was there still checks out in full.
    repository.unlock()
    assert [s["id"] for s in repository.snapshots(["dossier"])] == before
    repository.check("100%")

    bulk.unlink()
    after = runs.run_backup()
    assert (after.kind, after.state) == ("incremental", "succeeded")
    assert all(c.snapshot_id for c in after.copies)
    assert restore_test(str(backup_targets[0]), echo=lambda _text: None).ok


def test_a_destroyed_key_is_purged_from_every_keyring_of_every_target(db, backup_targets, make_official):
    kept, shredded = make_official(), make_official()
    runs.run_backup(full=True)
    for target in backup_targets:
        held = {entry[0] for entry in keyrings.newest(target)["data_keys"]}
        assert {kept.id, shredded.id} <= held

    # Destruction happens while the off-site medium is away.
    offsite, away = backup_targets[1], backup_targets[1].with_name("offsite-away")
    offsite.rename(away)
    keyring().destroy(shredded.id)
    outcome = keyrings.purge([str(t) for t in backup_targets], shredded.id)
    assert outcome[str(backup_targets[0])] is None
    assert "not reachable" in outcome[str(offsite)]
    for generation in keyrings.generations(backup_targets[0]):
        assert shredded.id not in {e[0] for e in json.loads(generation.read_text())["data_keys"]}

    # Back on site, the next backup purges every generation it keeps, old ones included.
    away.rename(offsite)
    runs.run_backup()
    generations = keyrings.generations(offsite)
    assert len(generations) == 2
    for generation in generations:
        held = {e[0] for e in json.loads(generation.read_text())["data_keys"]}
        assert kept.id in held and shredded.id not in held


def test_a_key_store_that_lost_its_keys_does_not_wipe_the_keyrings_of_the_targets(db, backup_targets,
                                                                                 make_official, tmp_path):
    """Only keys destroyed on purpose are purged: an instance started on an empty or
    wrong key store must not take the backups' keys with it."""
    from jobs.backup.restore import restore
    from jobs.backup.restore_test import drop_database, scratch_database
    from jobs.backup.verify import restored_app
    from security.keys import data_key

    official = make_official()
    official_id, citizen_id = official.id, official.citizen_id
    runs.run_backup(full=True)
    with keyring().engine.begin() as conn:
        conn.execute(data_key.delete())
    keyring()._cache.clear()
    runs.run_backup()
    oldest, newest = keyrings.generations(backup_targets[0])
    assert official_id in {e[0] for e in json.loads(oldest.read_text())["data_keys"]}
    assert not json.loads(newest.read_text())["data_keys"]

    url = scratch_database()
    try:
        restored = restore(str(backup_targets[0]), "latest", tmp_path / "restored", url, echo=lambda _t: None)
        with restored_app(restored.into, restored.database_url).app_context():
            from models.db import db as restored_db

            again = restored_db.session.get(Official, official_id, execution_options={
                "include_pending": True, "all_departments": True})
            assert again.citizen_id == citizen_id
            restored_db.session.remove()
            restored_db.engine.dispose()
    finally:
        if url:
            drop_database(url)


def test_only_the_newest_keyring_generations_are_kept(db, backup_targets, make_official):
    from flask import current_app

    current_app.config["BACKUP_KEYRING_GENERATIONS"] = 2
    try:
        make_official()
        for _ in range(3):
            runs.run_backup()
        assert [p.name for p in keyrings.generations(backup_targets[0])] == [
            p.name for p in keyrings.generations(backup_targets[1])]
        assert len(keyrings.generations(backup_targets[0])) == 2
    finally:
        current_app.config["BACKUP_KEYRING_GENERATIONS"] = 3


def test_no_target_configured_is_a_clear_error(app, db):
    import pytest

    with pytest.raises(runs.BackupError, match="DOSSIER_BACKUP_TARGETS"):
        runs.run_backup()
