"""Restores and restore tests: a rebuilt instance serves the same dossiers, and a
damaged backup is caught with its damage named."""

import json
import re
from pathlib import Path

import pytest

from sqlalchemy import text, update

from jobs.backup import runs
from jobs.backup.restore_test import restore_test
from jobs.backup.verify import restored_app
from models import Official
from models.encryption import SHREDDED
from models.storage import attachments
from tests import documents
from tests.helpers import official_page
from tests.helpers import as_attacker

README = Path(__file__).resolve().parents[3] / "README.md"


def quiet(_text):
    pass


def test_restore_rebuilds_an_instance_whose_dossier_pages_match_the_original(app, db, databases, backup_targets,
                                                                           make_official, make_material, tmp_path):
    official = make_official(post="副处长")
    material = make_material(official=official, content=documents.pdf(3))
    assert runs.run_backup(full=True).state == "succeeded"
    db.session.execute(update(Official.__table__).where(Official.__table__.c.id == official.id).values(post="处长"))
    db.session.commit()
    added = make_material(official=official, content=documents.tiff(2), title="任免审批表", file_name="任免.tif")
    assert runs.run_backup().kind == "incremental"
    original = official_page(app, official.id)
    assert "处长" in original and "任免审批表" in " ".join(original)

    into = tmp_path / "restored"
    args = ["dossier", "restore", "--target", str(backup_targets[1]), "--into", str(into)]
    database = None
    if databases.kind == "postgresql":
        database = databases.new("restored")
        args += ["--database", database]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "restored snapshot" in result.output

    url = database or f"sqlite:///{into / 'dossier.db'}"
    from config import database_url

    documents_filed = [(m.stored_sha256, m.file_key_id, m.content_sha256) for m in (material, added)]
    official_id = official.id
    restored = restored_app(into, database_url(url))
    try:
        assert official_page(restored, official_id) == original
        with restored.app_context():
            from models.db import db as restored_db

            # Documents open in the restored instance with the restored keys.
            for stored_sha256, file_key_id, content_sha256 in documents_filed:
                assert attachments.plaintext_digest(stored_sha256, official_id, file_key_id) == content_sha256
            restored_db.session.remove()
    finally:
        with restored.app_context():
            from models.db import db as restored_db

            restored_db.engine.dispose()


def test_restore_refuses_a_directory_that_holds_files(app, backup_targets, tmp_path):
    assert runs.run_backup().state == "succeeded"
    into = tmp_path / "busy"
    into.mkdir()
    (into / "notes.txt").write_text("keep me")
    result = app.test_cli_runner().invoke(args=[
        "dossier", "restore", "--target", str(backup_targets[0]), "--into", str(into)])
    assert result.exit_code != 0
    assert str(into) in result.output
    assert [p.name for p in into.iterdir()] == ["notes.txt"]


def test_a_restore_test_of_a_good_backup_passes_and_says_what_it_proved(db, backup_targets, make_official,
                                                                        make_material):
    official = make_official()
    make_material(official=official)
    runs.run_backup(full=True)
    db.session.execute(update(Official.__table__).where(Official.__table__.c.id == official.id).values(post="科长"))
    db.session.commit()
    runs.run_backup()

    result = restore_test(str(backup_targets[0]), echo=quiet)
    assert result.ok, result.problem
    checks = json.loads(result.checks)
    # What restic itself reported reading, not the setting asked for.
    assert checks["restic_check"]["read_data"] == "100.0%" and checks["restic_check"]["packs_read"] >= 2
    assert checks["chain"] == 2
    assert checks["files"] == 1 and checks["files_decrypted"] == 1
    assert checks["officials_decrypted"] >= 1 and checks["audit_events"] > 0


def test_a_corrupted_pack_file_fails_the_restore_test(db, backup_targets, make_official, make_material):
    make_material(official=make_official(), content=documents.padded_pdf(1024 * 1024))
    runs.run_backup(full=True)
    packs = sorted((backup_targets[0] / "repository" / "data").rglob("*"), key=lambda p: p.stat().st_size)
    pack = [p for p in packs if p.is_file()][-1]
    pack.chmod(0o644)
    data = bytearray(pack.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pack.write_bytes(bytes(data))

    result = restore_test(str(backup_targets[0]), echo=quiet)
    assert not result.ok
    assert result.problem.startswith("restic")
    # The other target, on its own medium, is unaffected.
    assert restore_test(str(backup_targets[1]), echo=quiet).ok


def test_a_corrupted_pack_that_the_restore_does_not_read_is_caught_by_restic_check(db, backup_targets,
                                                                                   make_official, tmp_path):
    """Only restic check reads every pack: damage outside the latest snapshot's data (here a
    pack of another snapshot in the same repository) is invisible to the restore itself."""
    import os

    from jobs.backup.restore import restore
    from jobs.backup.restore_test import drop_database, scratch_database
    from jobs.backup.runs import repository

    make_official()
    runs.run_backup(full=True)
    data = backup_targets[0] / "repository" / "data"
    before = {p for p in data.rglob("*") if p.is_file()}
    other = tmp_path / "other"
    other.mkdir()
    (other / "scan.bin").write_bytes(os.urandom(512 * 1024))
    repository(str(backup_targets[0])).run("backup", "--tag", "not-the-dossier", str(other))
    assert runs.run_backup().state == "succeeded"  # the latest snapshot, of the dossier's chain
    (pack,) = [p for p in {p for p in data.rglob("*") if p.is_file()} - before
               if p.stat().st_size > 512 * 1024]
    pack.chmod(0o644)
    damaged = bytearray(pack.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    pack.write_bytes(bytes(damaged))

    # The premise: a restore of the latest snapshot alone notices nothing.
    url = scratch_database()
    try:
        assert restore(str(backup_targets[0]), "latest", tmp_path / "restored", url, echo=quiet).snapshot
    finally:
        if url:
            drop_database(url)
    result = restore_test(str(backup_targets[0]), echo=quiet)
    assert not result.ok
    assert result.problem.startswith("restic") and "restic_check" not in json.loads(result.checks)


def test_a_file_that_does_not_match_its_manifest_hash_fails_the_restore_test(db, backup_targets, make_official,
                                                                             make_material, tmp_path):
    material = make_material(official=make_official())
    # Silent corruption in the store before the backup: restic faithfully copies
    # the damaged bytes, and the manifest (from the database) says what they should be.
    stored = attachments.path_of(material.stored_sha256)
    stored.chmod(0o644)
    data = bytearray(stored.read_bytes())
    data[-20] ^= 0x01
    stored.write_bytes(bytes(data))
    runs.run_backup(full=True)

    result = restore_test(str(backup_targets[0]), echo=quiet)
    assert not result.ok
    assert material.stored_sha256 in result.problem and "SHA-256" in result.problem

    # A restore of that snapshot stops at the same file and leaves nothing half-written.
    from jobs.backup.database import database_is_empty
    from jobs.backup.restore import RestoreProblem, restore
    from jobs.backup.restore_test import drop_database, scratch_database

    url = scratch_database()
    into = tmp_path / "restored"
    try:
        with pytest.raises(RestoreProblem) as refused:
            restore(str(backup_targets[0]), "latest", into, url, echo=quiet)
        assert refused.value.code == "file_hash"
        assert list(into.iterdir()) == []
        if url:
            assert database_is_empty(url)
    finally:
        if url:
            drop_database(url)


def test_a_broken_audit_chain_in_the_snapshot_fails_the_restore_test(db, backup_targets, make_official):
    make_official()
    seq, action = db.session.execute(text("SELECT seq, action FROM audit_event ORDER BY seq DESC LIMIT 1")).one()
    as_attacker(db.engine, "UPDATE audit_event SET action = 'export' WHERE seq = :seq", seq=seq)
    try:
        runs.run_backup(full=True)
        result = restore_test(str(backup_targets[0]), echo=quiet)
    finally:
        as_attacker(db.engine, "UPDATE audit_event SET action = :action WHERE seq = :seq", seq=seq, action=action)
    assert not result.ok
    # The chain's own verification names the edited event (not merely a short chain).
    assert result.problem.startswith("审计日志校验未通过") and str(seq) in result.problem, result.problem


def test_restoring_an_old_snapshot_after_destruction_leaves_the_destroyed_content_unreadable(
        app, db, backup_targets, make_official, tmp_path):
    from jobs.backup import keyrings
    from jobs.backup.restore import restore
    from jobs.backup.restore_test import drop_database, scratch_database
    from security.keys import keyring

    kept, shredded = make_official(), make_official()
    runs.run_backup(full=True)
    keyring().destroy(shredded.id)
    keyrings.purge([str(t) for t in backup_targets], shredded.id)

    url = scratch_database()  # PostgreSQL: an empty database to restore into; SQLite: a file
    try:
        restored = restore(str(backup_targets[0]), "latest", tmp_path / "old", url, echo=quiet)
        _check_shredded(restored_app(restored.into, restored.database_url), kept, shredded)
    finally:
        if url:
            drop_database(url)


def _check_shredded(restored, kept, shredded):
    # Read from this test's session before the restored app's context is pushed:
    # inside it, a lazy load of these objects would run against the restored database.
    kept_id, kept_citizen_id, shredded_id = kept.id, kept.citizen_id, shredded.id
    with restored.app_context():
        from models.db import db as restored_db

        options = {"include_pending": True, "all_departments": True}
        assert restored_db.session.get(Official, kept_id, execution_options=options).citizen_id == kept_citizen_id
        assert restored_db.session.get(Official, shredded_id, execution_options=options).citizen_id is SHREDDED
        restored_db.session.remove()
        restored_db.engine.dispose()


def test_the_readme_recovery_procedure_uses_the_commands_as_they_are(app):
    """The written procedure (§6.2.3) names commands and options that exist."""
    from app.cli import dossier

    section = README.read_text(encoding="utf-8").split("## Recovery", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"flask --app app dossier ([a-z-]+)([^\n`]*)", section)
    assert {"restore", "snapshots", "restore-test"} <= {name for name, _ in named}, named
    for name, rest in named:
        command = dossier.commands[name]
        options = {opt for param in command.params for opt in param.opts}
        for option in re.findall(r"(--[a-z-]+)", rest):
            assert option in options, f"README uses {name} {option}, which the command does not have"


def test_a_restore_creates_its_postgresql_target_database_when_the_server_has_none(db, backup_targets,
                                                                                  make_official, tmp_path):
    """On a new server the target database need not be created by hand (SQLite: a new file)."""
    from sqlalchemy_utils import database_exists

    from jobs.backup.restore import restore
    from jobs.backup.restore_test import drop_database, scratch_database

    make_official()
    assert runs.run_backup(full=True).state == "succeeded"
    url = scratch_database()
    if url:
        drop_database(url)
        assert not database_exists(url)
    try:
        restored = restore(str(backup_targets[0]), "latest", tmp_path / "restored", url, echo=quiet)
        assert database_exists(restored.database_url)
    finally:
        if url:
            drop_database(url)
