"""`flask dossier fixity`: the periodic check of every stored file (§4.3 定期檢查)."""

import json

from sqlalchemy import select

from models import AuditEvent, FixityRun
from security.keys import keyring
from models.storage import attachments
from tests import documents


def run(app, *args):
    return app.test_cli_runner().invoke(args=["dossier", "fixity", *args])


def flip_a_bit(material, at=200):
    path = attachments.path_of(material.stored_sha256)
    data = bytearray(path.read_bytes())
    data[at] ^= 0x10
    path.write_bytes(bytes(data))


def test_sound_store_passes_and_the_run_is_recorded_and_audited(app, db, make_material):
    materials = [make_material(content=documents.pdf(n)) for n in (1, 2, 3)]
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "checked 3 files" in result.output and "MiB/s" in result.output and "OK" in result.output
    fixity_run = db.session.scalars(select(FixityRun).order_by(FixityRun.id.desc())).first()
    assert (fixity_run.files, fixity_run.missing, fixity_run.corrupt) == (3, 0, 0)
    assert fixity_run.bytes == sum(attachments.path_of(m.stored_sha256).stat().st_size for m in materials)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "fixity_check")
                               .order_by(AuditEvent.seq.desc())).first()
    assert json.loads(event.details)["files"] == 3


def test_a_flipped_bit_and_a_missing_file_are_each_named(app, db, make_material):
    sound, damaged, lost = (make_material() for _ in range(3))
    flip_a_bit(damaged)
    attachments.path_of(lost.stored_sha256).unlink()
    result = run(app)
    assert result.exit_code == 1
    assert f"CORRUPT: material {damaged.id}" in result.output
    assert f"MISSING: material {lost.id}" in result.output
    assert f"material {sound.id} " not in result.output
    assert "1 missing, 1 corrupt" in result.output
    fixity_run = db.session.scalars(select(FixityRun).order_by(FixityRun.id.desc())).first()
    assert sorted((p.material_id, p.problem) for p in fixity_run.problems) == sorted(
        [(damaged.id, "corrupt"), (lost.id, "missing")])


def test_full_depth_decrypts_and_skips_officials_whose_key_was_destroyed(app, db, make_official, make_material):
    kept = make_material()
    shredded = make_material(make_official())
    keyring().destroy(shredded.official_id)
    result = run(app, "--depth", "full")
    assert result.exit_code == 0, result.output
    assert "checked 2 files" in result.output and "1 with destroyed keys skipped" in result.output
    assert kept.id


def test_full_depth_finds_a_file_swapped_for_another_of_the_same_official(app, db, make_official, make_material):
    """A file replaced by a valid encrypted file of the same official, its recorded stored hash
    rewritten to match: only decrypting and comparing the document's hash can tell."""
    official = make_official()
    first = make_material(official, content=documents.pdf(1))
    second = make_material(official, content=documents.pdf(5))
    first.stored_sha256 = second.stored_sha256
    db.session.commit()
    assert run(app).exit_code == 0
    result = run(app, "--depth", "full")
    assert result.exit_code == 1 and f"UNREADABLE: material {first.id}" in result.output
