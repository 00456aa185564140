"""Signatures from offline media, rescans of the store, quarantine (§6.2.2).

A file filed while the signatures did not know it is found by the rescan that
follows a signature update: it is quarantined, refused to every reader, listed
for the archivist with the signature and the official, and audited; never deleted.
"""

import io

import pytest
from sqlalchemy import func, select

from jobs import antivirus
from models import AuditEvent, Quarantine, ScanRun
from models.storage import attachments
from tests import documents

MARKER = b"DOSSIERTESTMARKER7f3a9c"
SIGNATURE = "Dossier.Test.Marker"


@pytest.fixture
def media(app, tmp_path, clamd):
    """A directory standing for the offline medium; what it installs is taken out again."""
    directory = tmp_path / "media"
    directory.mkdir()
    yield directory
    for path in directory.iterdir():
        (clamd.database / path.name).unlink(missing_ok=True)
    if (clamd.process is not None):
        with app.app_context():
            antivirus.reload_and_confirm(timeout=60)


@pytest.fixture
def audit_since(db):
    before = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    db.session.rollback()
    return lambda action: db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.seq > before)).all()


def marked_pdf() -> bytes:
    """A clean, valid PDF that carries the marker the new signature looks for."""
    return documents.pdf(1, text=MARKER.decode())


def update(app, media):
    return app.test_cli_runner().invoke(args=["dossier", "antivirus", "update", "--from", str(media)])


def test_a_signature_update_then_rescan_quarantines_a_stored_file_the_new_signature_matches(
        app, db, make_material, make_official, login_as, media, audit_since):
    official = make_official()
    infected = make_material(official=official, content=marked_pdf(), title="任免审批表")
    clean = make_material(official=official, title="干部履历表")
    archivist = login_as("archivist")
    assert archivist.get(f"/materialview/download/{infected.id}").status_code == 200  # filed clean

    (media / "dossier-local.ndb").write_text(f"{SIGNATURE}:0:*:{MARKER.hex()}\n")
    result = update(app, media)
    assert result.exit_code == 0, result.output
    assert "installed dossier-local.ndb (1 signatures)" in result.output
    assert "1 infected" in result.output

    (entry,) = db.session.scalars(select(Quarantine)).all()
    assert entry.material_id == infected.id and entry.signature.startswith(SIGNATURE)
    run = db.session.scalar(select(ScanRun))
    assert run.trigger == "update" and run.files == 2 and run.infected == 1
    (event,) = audit_since("file_quarantined")
    assert SIGNATURE in event.details and event.object_id == str(infected.id)
    assert len(audit_since("antivirus_update")) == 1
    # Never deleted: the stored file is still there, intact.
    assert attachments.verify_stored(infected.stored_sha256).is_file()

    # Refused to every reader, on every path; the clean file is still served.
    for path in ("download", "preview"):
        refused = archivist.get(f"/materialview/{path}/{infected.id}")
        assert refused.status_code == 409 and b"%PDF" not in refused.data
        assert "已隔离" in refused.get_data(as_text=True) and SIGNATURE in refused.get_data(as_text=True)
    assert archivist.get(f"/materialview/download/{clean.id}").status_code == 200
    with pytest.raises(attachments.AttachmentError) as blocked:
        attachments.open_plaintext(infected.stored_sha256, official.id, infected.file_key_id)
    assert blocked.value.code == "quarantined"

    # The archivist's screen lists it with the signature and the official.
    page = archivist.get("/antivirus/").get_data(as_text=True)
    quarantined = page.split('id="quarantined"', 1)[1]
    assert SIGNATURE in quarantined and official.name in quarantined and "任免审批表" in quarantined
    assert "干部履历表" not in quarantined
    assert "dossier-local.ndb" in page and 'class="text-success scanner-up"' in page


def test_a_rescan_finds_nothing_new_with_unchanged_signatures(app, db, make_material):
    make_material()
    report = antivirus.rescan("command")
    assert (report.run.files, report.run.infected) == (1, 0)
    assert db.session.scalar(select(func.count()).select_from(Quarantine)) == 0


def test_the_scheduled_rescan_is_a_declared_job(app, db, make_material):
    from jobs.scheduler import JOBS, run_job

    assert "antivirus_rescan" in JOBS
    make_material(content=documents.padded_pdf(200_000))
    outcome = run_job("antivirus_rescan")
    assert outcome == "ok: 1 files, 0 infected, 0 skipped"
    assert db.session.scalar(select(ScanRun.trigger)) == "schedule"


@pytest.mark.parametrize("name, body, reason", [
    ("broken.ndb", "Dossier.Test.Broken:0:*:not-hex-at-all zz\n", "not a .ndb signature"),
    ("broken.hdb", "0123:12\n", "not a .hdb signature"),
    ("daily.cvd", "ClamAV-VDB:forged header, no signature", "daily.cvd"),
])
def test_a_medium_with_a_bad_signature_file_installs_nothing(app, clamd, media, name, body, reason):
    (media / "good.ndb").write_text(f"{SIGNATURE}:0:*:{MARKER.hex()}\n")
    (media / name).write_text(body)
    result = update(app, media)
    assert result.exit_code != 0 and "nothing installed" in result.output and reason in result.output
    assert not (clamd.database / "good.ndb").exists() and not (clamd.database / name).exists()


def test_only_archivists_see_the_scanning_screen(login_as):
    assert login_as("clerk").get("/antivirus/").status_code in (302, 403, 404)
    page = login_as("archivist").get("/antivirus/")
    assert page.status_code == 200 and "病毒库版本" in page.get_data(as_text=True)


def test_the_screen_says_when_the_scanner_is_down(app, login_as, clamd):
    clamd.stop()
    try:
        page = login_as("archivist").get("/antivirus/").get_data(as_text=True)
    finally:
        clamd.start()
    assert "scanner-down" in page
