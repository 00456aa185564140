"""The attachment store: streamed, hashed, encrypted with the official's key, content-addressed."""

import hashlib
import io

import pytest

from security import crypto
from security.keys import keyring
from models.storage import attachments
from tests import documents
from tests.helpers import stored_with_peak_memory


def stored_files():
    return sorted(p for p in attachments.root().rglob("*") if p.is_file() and p.parent.name != "tmp")


def test_a_file_is_stored_encrypted_under_the_hash_of_its_stored_bytes(db, make_official):
    official = make_official()
    content = documents.pdf(2, text="张三 干部履历表 110101195003071234")
    stored = attachments.put(io.BytesIO(content), official.id)

    assert stored.format.key == "pdf" and stored.page_count == 2 and stored.size == len(content)
    assert stored.content_sha256 == hashlib.sha256(content).hexdigest()
    (path,) = stored_files()
    on_disk = path.read_bytes()
    assert path.name == stored.stored_sha256 == hashlib.sha256(on_disk).hexdigest()
    assert path.relative_to(attachments.root()).parts[:2] == (path.name[:2], path.name[2:4])
    # Nothing of the document is readable on disk.
    assert b"%PDF" not in on_disk and "110101195003071234".encode() not in on_disk
    assert b"".join(attachments.open_plaintext(stored.stored_sha256, official.id, stored.file_key_id)) == content


def test_a_file_of_one_official_does_not_decrypt_as_another_officials(db, make_official):
    first, second = make_official(), make_official()
    stored = attachments.put(io.BytesIO(documents.pdf()), first.id)
    with pytest.raises(crypto.DecryptionError):
        b"".join(attachments.open_plaintext(stored.stored_sha256, second.id, stored.file_key_id))


def test_an_oversized_file_is_refused_and_nothing_is_stored(app, db, make_official, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 256 * 1024)
    official = make_official()
    with pytest.raises(attachments.AttachmentError) as refused:
        attachments.put(io.BytesIO(documents.padded_pdf(300 * 1024)), official.id)
    assert refused.value.code == "too_large"
    assert "0.2" in refused.value.message or "0.25" in refused.value.message
    assert stored_files() == []


def test_an_upload_that_grows_past_the_limit_while_streaming_leaves_nothing(app, db, make_official, monkeypatch):
    """A stream whose size cannot be known up front is cut off at the limit, not read to the end."""

    class Unsized(io.BytesIO):
        def seek(self, offset, whence=0):
            if whence == 2:
                raise OSError("not seekable to the end")
            return super().seek(offset, whence)

    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 2 * 1024 * 1024)
    official = make_official()
    with pytest.raises(attachments.AttachmentError) as refused:
        attachments.put(Unsized(documents.padded_pdf(3 * 1024 * 1024)), official.id)
    assert refused.value.code == "too_large"
    # Refused while being scanned, before a temporary file was even opened.
    temporary = attachments.root() / "tmp"
    assert stored_files() == [] and (not temporary.exists() or list(temporary.iterdir()) == [])


def test_a_large_scan_is_streamed_not_held_in_memory(db, make_official, tmp_path):
    official = make_official()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(documents.padded_pdf(48 * 1024 * 1024))
    stored, peak = stored_with_peak_memory(scan, official.id)
    assert stored.size == scan.stat().st_size
    # Segments and the PDF parser's buffers in flight, never the 48 MiB file.
    assert peak < 16 * 1024 * 1024, peak


def test_a_file_stored_by_a_transaction_that_rolls_back_is_removed(db, make_official):
    official = make_official()
    attachments.put(io.BytesIO(documents.pdf()), official.id, db.session)
    assert len(stored_files()) == 1
    db.session.rollback()
    assert stored_files() == []


def test_a_damaged_file_is_refused_before_any_byte_is_served(db, make_official):
    official = make_official()
    stored = attachments.put(io.BytesIO(documents.pdf()), official.id)
    path = attachments.path_of(stored.stored_sha256)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(attachments.AttachmentError) as refused:
        attachments.open_plaintext(stored.stored_sha256, official.id, stored.file_key_id)
    assert refused.value.code == "corrupt"
    path.unlink()
    with pytest.raises(attachments.AttachmentError) as refused:
        attachments.open_plaintext(stored.stored_sha256, official.id, stored.file_key_id)
    assert refused.value.code == "missing"


def test_after_the_officials_key_is_destroyed_the_file_cannot_be_read(db, make_official):
    official = make_official()
    stored = attachments.put(io.BytesIO(documents.pdf()), official.id)
    keyring().destroy(official.id)
    with pytest.raises(attachments.AttachmentError) as refused:
        attachments.open_plaintext(stored.stored_sha256, official.id, stored.file_key_id)
    assert refused.value.code == "shredded"
    assert "密钥已销毁" in refused.value.message  # said in the default language, zh


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\scans\\张三 履历.PDF", "张三 履历.pdf"),
    ("report\x00.exe", "report.pdf"),
    ("", "document.pdf"),
    ('a<b>:"c|?*.pdf', "abc.pdf"),
])
def test_stored_names_are_sanitised(raw, expected):
    from models.storage.formats import FORMATS

    assert attachments.clean_name(raw, FORMATS["pdf"]) == expected


def test_a_key_destroyed_by_another_worker_no_longer_opens_a_file(app, db, make_official):
    """Each gunicorn worker caches data keys; a file read asks the key store itself."""
    from tests.apps import make_app

    official = make_official()
    stored = attachments.put(io.BytesIO(documents.pdf()), official.id)
    other_worker = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    with other_worker.app_context():
        assert b"".join(attachments.open_plaintext(stored.stored_sha256, official.id, stored.file_key_id)).startswith(b"%PDF")
    keyring().destroy(official.id)
    with other_worker.app_context():
        with pytest.raises(attachments.AttachmentError) as refused:
            attachments.open_plaintext(stored.stored_sha256, official.id, stored.file_key_id)
    assert refused.value.code == "shredded"
