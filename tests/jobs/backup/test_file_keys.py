"""One material destroyed (§9.2) after a backup: its file key purged from every keyring
generation of every target, a restore of the old snapshot cannot open that file, and still
opens the other documents of the same official."""

import json

import pytest

from jobs.backup import keyrings, runs
from jobs.backup.restore import restore
from jobs.backup.restore_test import drop_database, scratch_database
from jobs.backup.verify import restored_app
from models import Material
from models.storage import attachments
from security.keys import KeyRing, keyring
from tests import documents


def quiet(_text):
    pass


def held_file_keys(target) -> set[int]:
    return {entry[0] for path in keyrings.generations(target)
            for entry in json.loads(path.read_text(encoding="utf-8")).get("file_keys", [])}


def test_a_destroyed_file_key_is_purged_everywhere_and_a_restore_cannot_open_that_file(
        app, db, backup_targets, make_official, make_material, tmp_path):
    official = make_official()
    destroyed = make_material(official=official, content=documents.pdf(2))
    kept = make_material(official=official, content=documents.pdf(3), title="任免审批表")
    assert runs.run_backup(full=True).state == "succeeded"
    runs.run_backup()  # two generations on each target
    for target in backup_targets:
        assert {destroyed.file_key_id, kept.file_key_id} <= held_file_keys(target)

    assert keyring().destroy_file_key(destroyed.file_key_id)
    outcome = keyrings.purge_file_key([str(t) for t in backup_targets], destroyed.file_key_id)
    assert outcome == {str(t): None for t in backup_targets}
    for target in backup_targets:
        assert destroyed.file_key_id not in held_file_keys(target) and kept.file_key_id in held_file_keys(target)

    # A key store rebuilt from every generation of a target, as a restore builds it.
    rebuilt = tmp_path / "rebuilt.db"
    keyrings.build_keystore(keyrings.merged(backup_targets[0]), f"sqlite:///{rebuilt}")
    ring = KeyRing(keyring().kek, f"sqlite:///{rebuilt}")
    assert kept.file_key_id in ring.file_keys([kept.file_key_id])
    assert ring.file_keys([destroyed.file_key_id]) == {}
    assert destroyed.file_key_id in ring.destroyed_file_keys()
    assert ring.new_file_key()[0] > max(destroyed.file_key_id, kept.file_key_id)

    # The whole backup restored into scratch, by the restore itself.
    files = [(m.id, m.stored_sha256, m.file_key_id, m.content_sha256) for m in (destroyed, kept)]
    official_id, citizen_id = official.id, official.citizen_id
    url = scratch_database()
    try:
        restored = restore(str(backup_targets[1]), "latest", tmp_path / "restored", url, echo=quiet)
        with restored_app(restored.into, restored.database_url).app_context():
            from models.db import db as restored_db

            options = {"include_pending": True, "all_departments": True}
            (gone_id, gone_sha, gone_key, _), (kept_id, kept_sha, kept_key, kept_content) = files
            assert restored_db.session.get(Material, gone_id, execution_options=options).file_key_id == gone_key
            assert attachments.path_of(gone_sha).exists()  # the snapshot holds the file, unreadable
            with pytest.raises(attachments.AttachmentError) as refused:
                attachments.plaintext_digest(gone_sha, official_id, gone_key)
            assert refused.value.code == "shredded"
            assert attachments.plaintext_digest(kept_sha, official_id, kept_key) == kept_content
            assert restored_db.session.get(type(official), official_id, execution_options=options).citizen_id \
                == citizen_id
            restored_db.session.remove()
            restored_db.engine.dispose()
    finally:
        if url:
            drop_database(url)


def test_a_target_away_at_the_destruction_is_purged_at_its_next_backup(db, backup_targets, make_material):
    material = make_material()
    runs.run_backup(full=True)
    offsite, away = backup_targets[1], backup_targets[1].with_name("offsite-away")
    offsite.rename(away)
    keyring().destroy_file_key(material.file_key_id)
    outcome = keyrings.purge_file_key([str(t) for t in backup_targets], material.file_key_id)
    assert outcome[str(backup_targets[0])] is None and "not reachable" in outcome[str(offsite)]
    away.rename(offsite)
    assert material.file_key_id in held_file_keys(offsite)
    runs.run_backup()
    assert material.file_key_id not in held_file_keys(offsite)
    assert len(keyrings.generations(offsite)) == 2


def test_a_keyring_written_before_file_keys_existed_still_loads(db, backup_targets, make_official, tmp_path):
    make_official()
    runs.run_backup(full=True)
    (generation,) = keyrings.generations(backup_targets[0])
    content = json.loads(generation.read_text(encoding="utf-8"))
    del content["file_keys"], content["destroyed_file_keys"]
    generation.write_text(json.dumps(content), encoding="utf-8")
    assert keyrings.reconcile(backup_targets[0], set(), {12345}) == 0
    merged = keyrings.merged(backup_targets[0])
    assert merged["file_keys"] == [] and merged["data_keys"]
    keyrings.build_keystore(merged, f"sqlite:///{tmp_path / 'old.db'}")
