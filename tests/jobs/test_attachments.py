"""After migration 0016 the archive runs ``flask dossier attachments rekey``: every file filed
under its official's data key moves to a key of its own, once, and nothing is ever unreadable
on the way."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy_continuum import version_class

from jobs import attachments as rekeying
from models import AuditEvent, Material
from models.storage import attachments
from security.keys import keyring
from tests import documents
from tests.helpers import legacy_material


def read(material) -> bytes:
    return b"".join(attachments.open_plaintext(material.stored_sha256, material.official_id, material.file_key_id))


def rekey_events(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "files_rekeyed")).all()


def test_a_file_filed_before_0016_is_read_under_the_officials_key_until_it_is_rekeyed(db, make_official):
    official = make_official()
    content = documents.pdf(2)
    old = legacy_material(official, content)
    assert old.file_key_id is None and read(old) == content


def test_rekey_moves_legacy_files_to_keys_of_their_own_once(app, db, make_official, make_material):
    official = make_official()
    first, second = legacy_material(official, documents.pdf(1)), legacy_material(official, documents.pdf(3))
    already = make_material(official=official)
    old_files = {m.id: m.stored_sha256 for m in (first, second)}
    untouched = (already.stored_sha256, already.file_key_id)
    events = len(rekey_events(db))

    result = app.test_cli_runner().invoke(args=["dossier", "attachments", "rekey"])
    assert result.exit_code == 0, result.output
    assert "2 files moved to keys of their own, 2 old files removed" in result.output

    db.session.expire_all()
    assert first.file_key_id and second.file_key_id and first.file_key_id != second.file_key_id
    for material in (first, second):
        assert material.stored_sha256 != old_files[material.id]
        assert not attachments.path_of(old_files[material.id]).exists()  # the copy under the official's key is gone
        assert attachments.plaintext_digest(material.stored_sha256, material.official_id,
                                            material.file_key_id) == material.content_sha256
        # Its history points at the file that exists (the four-property check compares them).
        versions = db.session.scalars(select(version_class(Material)).where(
            version_class(Material).id == material.id)).all()
        assert {(v.stored_sha256, v.file_key_id) for v in versions} == {(material.stored_sha256,
                                                                         material.file_key_id)}
    assert (already.stored_sha256, already.file_key_id) == untouched
    (event,) = rekey_events(db)[events:]
    assert json.loads(event.details)["files"] == 2 and event.actor_name == "cli"

    # Now one material's key can be destroyed alone.
    keyring().destroy_file_key(first.file_key_id)
    with pytest.raises(attachments.AttachmentError):
        read(first)
    assert read(second).startswith(b"%PDF")

    again = app.test_cli_runner().invoke(args=["dossier", "attachments", "rekey"])
    assert again.exit_code == 0 and "0 files moved" in again.output
    assert len(rekey_events(db)) == events + 1  # nothing to do is not an event


def test_a_rekey_killed_after_its_commit_removes_the_old_file_on_the_next_run(db, make_official):
    official = make_official()
    material = legacy_material(official, documents.pdf())
    old_path = attachments.path_of(material.stored_sha256)
    old_bytes, old_sha = old_path.read_bytes(), material.stored_sha256
    rekeying.rekey()
    # The state a kill between the commit and the removal leaves: the old file and its journal entry.
    old_path.write_bytes(old_bytes)
    (attachments.root() / rekeying.JOURNAL).write_text(old_sha)
    db.session.expire_all()
    assert read(material).startswith(b"%PDF")

    report = rekeying.rekey()
    assert (report.moved, report.old_files_removed) == (0, 1)
    assert not old_path.exists() and not (attachments.root() / rekeying.JOURNAL).exists()


def test_a_rekey_killed_before_its_commit_leaves_the_material_readable_and_the_next_run_moves_it(
        db, make_official, monkeypatch):
    official = make_official()
    material = legacy_material(official, documents.pdf())
    old_sha = material.stored_sha256

    class Killed(BaseException):
        pass

    def killed(*args, **kwargs):
        raise Killed

    # Killed when the new file is written and about to be committed (the journal is written just before).
    monkeypatch.setattr(rekeying, "replace_private", killed)
    with pytest.raises(Killed):
        rekeying.rekey()
    monkeypatch.undo()
    db.session.expire_all()
    assert (material.stored_sha256, material.file_key_id) == (old_sha, None)
    assert read(material).startswith(b"%PDF")

    assert rekeying.rekey().moved == 1
    db.session.expire_all()
    assert material.file_key_id is not None and read(material).startswith(b"%PDF")


def test_a_rekey_waits_for_a_running_backup(app, db, make_official):
    from jobs.scheduler import acquire, release

    legacy_material(make_official(), documents.pdf())
    assert acquire("backup", "someone else", rekeying.LEASE)
    try:
        result = app.test_cli_runner().invoke(args=["dossier", "attachments", "rekey"])
        assert result.exit_code != 0 and "backup is running" in result.output
    finally:
        release("backup", "someone else", "ok")
    assert rekeying.rekey().moved == 1


def test_dossier_init_moves_legacy_files_too(app, db, make_official):
    from jobs.setup import initialise

    material = legacy_material(make_official(), documents.pdf())
    report = initialise()
    assert report.files_rekeyed == 1 and report.changed
    db.session.expire_all()
    assert material.file_key_id is not None and read(material).startswith(b"%PDF")
    assert initialise().files_rekeyed == 0
