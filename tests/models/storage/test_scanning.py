"""Every upload is scanned by a real clamd before a byte of it is stored (§6.2.2).

The scanner is the test run's own clamd (tests/clamd.py), with signatures the
tests wrote: the EICAR test file by its MD5 and by its body.
"""

import io
import tracemalloc

import pytest
from sqlalchemy import select

from models import AuditEvent, Material
from models.storage import attachments, scanner
from tests import documents
from tests.clamd import EICAR, EICAR_HDB, EICAR_NDB
from tests.helpers import messages, post_file, row_count, stored_files, stored_with_peak_memory


@pytest.fixture
def infected_events(db):
    """The upload_infected events recorded during this test (the trail outlives every test)."""
    from sqlalchemy import func

    before = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    db.session.rollback()
    return lambda: db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "upload_infected", AuditEvent.seq > before)).all()


@pytest.fixture
def stopped_scanner(clamd):
    """clamd stopped for one test, started again after it."""
    clamd.stop()
    yield clamd
    clamd.start()


def test_the_clamd_of_the_tests_is_a_real_daemon_that_started_quickly(clamd):
    client = scanner.Clamd(clamd.socket)
    assert client.ping() and client.version().startswith("ClamAV ")
    assert client.scan_chunks([b"harmless text"]).clean
    print(f"clamd started in {clamd.started_in:.3f}s")


def test_the_eicar_test_file_is_refused_naming_the_signature_and_nothing_is_stored(db, login_as, make_official,
                                                                                   infected_events):
    official = make_official()
    response = post_file(login_as("clerk"), official, EICAR, name="scan.pdf")
    assert response.status_code == 200
    shown = messages(response.get_data(as_text=True))
    # Named whichever way clamd matched it first (whole-file hash or body pattern).
    assert any("恶意代码" in m and ("Dossier.Test.EICAR" in m) for m in shown), shown
    assert row_count(db, Material) == 0 and stored_files() == []
    (event,) = infected_events()
    assert "Dossier.Test.EICAR" in event.details


def test_eicar_behind_a_pdf_header_is_refused_by_its_body_signature(db, make_official, infected_events):
    official = make_official()
    with pytest.raises(attachments.AttachmentError) as refused:
        attachments.put(io.BytesIO(b"%PDF-1.7\n" + EICAR + b"\n%%EOF\n"), official.id, db.session)
    assert refused.value.code == "infected"
    assert EICAR_NDB in refused.value.message and EICAR_HDB not in refused.value.message
    db.session.rollback()
    assert stored_files() == [] and len(infected_events()) == 1


def test_a_clean_pdf_is_scanned_and_accepted(db, login_as, make_official, infected_events):
    official = make_official()
    response = post_file(login_as("clerk"), official, documents.pdf(2))
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    assert row_count(db, Material) == 1 and len(stored_files()) == 1 and infected_events() == []


def test_with_the_scanner_stopped_uploads_are_refused_and_nothing_is_stored(db, login_as, make_official,
                                                                            stopped_scanner):
    official = make_official()
    response = post_file(login_as("clerk"), official, documents.pdf(2))
    assert response.status_code == 200
    shown = messages(response.get_data(as_text=True))
    assert any("无法连接病毒扫描程序" in m for m in shown), shown
    assert row_count(db, Material) == 0 and stored_files() == []
    # Every other path too, not only the form.
    with pytest.raises(attachments.AttachmentError) as refused:
        attachments.put(io.BytesIO(documents.pdf()), official.id)
    assert refused.value.code == "scanner_unavailable"


def test_the_refusal_is_said_in_the_readers_language(db, login_as, make_official):
    official = make_official()
    clerk = login_as("clerk")
    clerk.get("/lang/en")
    shown = messages(post_file(clerk, official, EICAR).get_data(as_text=True))
    assert any("The file contains malware (Dossier.Test.EICAR" in m for m in shown), shown
    clerk.get("/lang/zh")


def test_production_never_runs_without_the_scanner():
    from app import ConfigurationError, check_configuration

    with pytest.raises(ConfigurationError):
        check_configuration({"DOSSIER_ENV": "production", "SECRET_KEY": "x" * 32, "CLAMD_REQUIRED": False,
                             "SQLALCHEMY_DATABASE_URI": "postgresql://db/x", "ATTACHMENT_TYPES": ["pdf"]})


def test_outside_production_scanning_can_be_switched_off_for_a_laptop_without_clamd(
        app, db, make_official, stopped_scanner, monkeypatch):
    monkeypatch.setitem(app.config, "CLAMD_REQUIRED", False)
    stored = attachments.put(io.BytesIO(documents.pdf()), make_official().id)
    assert stored.format.key == "pdf"


def test_a_large_file_is_scanned_and_stored_with_flat_memory(db, make_official, tmp_path):
    official = make_official()
    scan = tmp_path / "scan.pdf"
    size = 64 * 1024 * 1024
    scan.write_bytes(documents.padded_pdf(size))
    stored, peak = stored_with_peak_memory(scan, official.id)
    assert stored.size == scan.stat().st_size
    # Scan chunks, encryption segments and parser buffers in flight, never the file.
    assert peak < size / 8, peak


def test_a_scan_streams_in_chunks_and_clamd_finds_a_signature_far_into_a_large_stream(clamd):
    """INSTREAM over many chunks: the pattern sits beyond the first 40 MiB."""
    client = scanner.Clamd(clamd.socket)

    def chunks():
        for _ in range(40):
            yield b"\x00" * (1024 * 1024)
        yield EICAR

    tracemalloc.start()
    verdict = client.scan_chunks(chunks())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert verdict.signature.startswith(EICAR_NDB)
    assert peak < 4 * 1024 * 1024, peak


def test_a_file_longer_than_the_scanner_accepts_is_refused_never_let_through(app, db, make_official, tmp_path,
                                                                             monkeypatch):
    """A clamd left at a small StreamMaxLength (Debian's default is 25 MB) stops the scan:
    the upload is refused with its own message, even where scanning may be switched off."""
    from tests.clamd import TestClamd

    small = TestClamd(tmp_path / "small-clamd", stream_max="1M")
    small.start()
    try:
        monkeypatch.setitem(app.config, "CLAMD_SOCKET", small.socket)
        monkeypatch.setitem(app.config, "CLAMD_REQUIRED", False)
        with pytest.raises(attachments.AttachmentError) as refused:
            attachments.put(io.BytesIO(documents.padded_pdf(3 * 1024 * 1024)), make_official().id)
    finally:
        small.stop()
    assert refused.value.code == "scan_limit" and "病毒扫描程序" in refused.value.message
    assert stored_files() == []
