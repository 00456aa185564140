"""The attachment store: encrypted files, addressed by the SHA-256 of what is on disk.

A file is streamed through segmented AES-GCM under a key of its own, derived from
its file key and the official's data key (``security.crypto.file_content_key``,
``security.crypto.encrypt_stream``), into a temporary file in the store, then
renamed to ``<root>/ab/cd/<sha256 of the stored bytes>``. Both hashes are kept
on the material: the plaintext one proves the document, the stored one lets
anybody check a file, or a backup copy of it, without a key (§4.3 定期檢查).

A file written in a transaction that then rolls back is removed again, so an
upload that fails anywhere leaves nothing behind.
"""

import errno
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from security import audit, crypto
from security.errors import Refusal
from security.files import sha256_file
from security.keys import ShreddedFileKey, ShreddedKey, keyring

from ..db import db
from . import content, formats, scanner

READ_SIZE = 1024 * 1024
# An upload's temp file untouched this long belongs to a worker that died (killed mid-upload).
TEMP_MAX_AGE_SECONDS = 24 * 3600
_SESSION_KEY = "dossier_new_files"
# The version a file key is written with (its header's key version).
FILE_KEY_VERSION = 1


class AttachmentError(Refusal):
    """Why a file cannot be stored or served, in the reader's language."""


@dataclass(frozen=True)
class StoredFile:
    format: formats.Format
    size: int
    content_sha256: str
    stored_sha256: str
    page_count: int | None
    # The material's file_key_id (security.keys.KeyRing.file_key).
    file_key_id: int | None = None


def root() -> Path:
    configured = current_app.config.get("ATTACHMENT_STORE")
    return Path(configured) if configured else Path(current_app.instance_path) / "attachments"


def path_of(stored_sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", stored_sha256 or ""):
        raise ValueError("not a SHA-256 hex digest")
    return root() / stored_sha256[:2] / stored_sha256[2:4] / stored_sha256


def file_aad(official_id: int) -> bytes:
    # Bound to the official: a file copied under another official's material does not decrypt.
    return f"attachment|{official_id}|{crypto.FORMAT_VERSION}".encode()


def max_bytes() -> int:
    return int(current_app.config["ATTACHMENT_MAX_BYTES"])


def allowed_formats() -> list[str]:
    return list(current_app.config["ATTACHMENT_TYPES"])


def allowed_labels() -> str:
    return ", ".join(formats.FORMATS[key].label for key in allowed_formats())


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def size_of(source) -> int | None:
    try:
        source.seek(0, os.SEEK_END)
        size = source.tell()
        source.seek(0)
        return size
    except (OSError, AttributeError, ValueError):
        return None


def too_large_message() -> str:
    return _("The file is larger than the limit of %(limit)s MB: nothing was stored.", limit=megabytes(max_bytes()))


def check_size(source) -> None:
    size = size_of(source)
    if size == 0:
        raise AttachmentError("empty", _("The file is empty."))
    if size is not None and size > max_bytes():
        raise AttachmentError("too_large", too_large_message())


def inspect(source) -> formats.Format:
    """The format of an upload, or AttachmentError saying what is wrong with it."""
    check_size(source)
    fmt = formats.detect(source, allowed_formats())
    if fmt is None:
        program = formats.program_kind(source)
        if program:
            raise AttachmentError("program", _("The file is %(kind)s, whatever its name says: only %(types)s "
                                               "documents are accepted.", kind=program, types=allowed_labels()))
        raise AttachmentError("type", _("The file's content is not %(types)s, whatever its name says.",
                                        types=allowed_labels()))
    return fmt


def scanner_client() -> scanner.Clamd:
    return scanner.Clamd(current_app.config["CLAMD_SOCKET"], float(current_app.config["CLAMD_TIMEOUT"]))


def scan(source) -> None:
    """Have clamd scan the whole file (§6.2.2); refuse it if infected or if the scanner cannot say.

    An infected upload is an audit event of its own, in its own transaction, so that it
    stays recorded whatever happens to the request that brought it.
    """
    try:
        verdict = scanner_client().scan_file(source, limit=max_bytes())
    except scanner.TooLarge:
        raise AttachmentError("too_large", too_large_message()) from None
    except scanner.ScanLimit as error:
        # Always refused: a file too large for the scanner's settings is not a file it scanned.
        current_app.logger.error("virus scanner limit: %s", error)
        raise AttachmentError("scan_limit", _(
            "The virus scanner is not set up to scan a file this large, so it was not accepted: nothing was "
            "stored. Tell the system administrator.")) from error
    except scanner.ScannerUnavailable as error:
        if not current_app.config["CLAMD_REQUIRED"]:
            # Only outside production (app.check_configuration): a developer without clamd.
            current_app.logger.warning("upload not scanned: %s", error)
            return
        current_app.logger.error("virus scanner unavailable: %s", error)
        raise AttachmentError("scanner_unavailable", _(
            "The virus scanner cannot be reached, so no file can be accepted now: nothing was stored. "
            "Try again later or tell the system administrator.")) from error
    if not verdict.clean:
        with Session(db.engine) as session:
            audit.record("upload_infected", object_type="upload", session=session,
                         details={"signature": verdict.signature, "size": size_of(source)})
            session.commit()
        raise AttachmentError("infected", _("The file contains malware (%(signature)s): it has been refused and "
                                            "nothing was stored.", signature=verdict.signature))


@dataclass(frozen=True)
class Checked:
    format: formats.Format
    page_count: int | None


_CHECKED = "_dossier_checked"


def check(source) -> Checked:
    """Everything an upload must pass before a byte of it is stored: a virus scan of all
    of it, its type by content, then its content read as its format. The scan comes
    first: malware is named (and audited) as malware whatever it poses as, and a hostile
    file never reaches a parser. A stream checked once (by the upload form) is not
    scanned again when it is stored in the same request."""
    size, done = getattr(source, _CHECKED, (None, None))
    if done is not None and size == size_of(source):
        return done
    check_size(source)
    scan(source)
    fmt = inspect(source)
    try:
        pages = content.validate(fmt, source)
    except content.ContentRefused as refused:
        raise AttachmentError(refused.code, str(refused)) from None
    if pages is None:
        pages = fmt.pages(source)
    checked = Checked(fmt, pages)
    try:
        setattr(source, _CHECKED, (size_of(source), checked))
    except AttributeError:
        pass
    return checked


def clean_name(name: str | None, fmt: formats.Format) -> str:
    """A display name safe in any file system and header: no path, no control characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    stem = name.rsplit(".", 1)[0].strip(" .") or "document"
    return stem[:150] + fmt.extension


def put(source, official_id: int, session: Session | None = None) -> StoredFile:
    """Check, encrypt and store ``source`` (a seekable binary file) for an official, under a
    file key of its own (§9.2: one material can be destroyed without the dossier)."""
    checked = check(source)
    fmt, pages = checked.format, checked.page_count
    key_id, own = keyring().new_file_key()
    try:
        _version, dek = keyring().dek(official_id, create=True)
        key = crypto.file_content_key(own, dek, key_id)
        digest, target = write_encrypted(source, key, FILE_KEY_VERSION, official_id, limit=max_bytes())
    except BaseException:
        # The key protects nothing that was kept; a tombstone lets backups drop it too.
        keyring().destroy_file_key(key_id)
        raise
    if session is not None:
        session.info.setdefault(_SESSION_KEY, []).append((target, key_id))
    return StoredFile(fmt, digest.size, digest.plain_sha256, digest.cipher_sha256, pages, key_id)


def write_encrypted(source, key: bytes, key_version: int, official_id: int,
                    limit: int | None = None) -> tuple[crypto.StreamDigest, Path]:
    """Encrypt ``source`` into the store under ``key``; (digest, path). Written to a temporary
    file first and renamed, so the store never holds half a file under a real name."""
    directory = root() / "tmp"
    directory.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=directory, delete=False, prefix="upload-")
    try:
        with handle:
            digest = crypto.encrypt_stream(key, key_version, source, handle, file_aad(official_id), limit=limit)
            handle.flush()
            os.fsync(handle.fileno())
        target = path_of(digest.cipher_sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(handle.name, target)
    except ValueError as error:
        Path(handle.name).unlink(missing_ok=True)
        if str(error) == "too large":
            raise AttachmentError("too_large", too_large_message()) from error
        raise
    except OSError as error:
        Path(handle.name).unlink(missing_ok=True)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise AttachmentError("no_space", _("The attachment store is full: the file was not stored. "
                                                "Tell the system administrator.")) from error
        raise
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return digest, target


def stale_temp_files(older_than: float = TEMP_MAX_AGE_SECONDS) -> list[Path]:
    """Uploads that never finished: temp files untouched for ``older_than`` seconds.

    A file being written is touched with every segment, so a slow upload is never
    taken for a dead one; a worker killed mid-upload leaves its file behind."""
    directory = root() / "tmp"
    cutoff = time.time() - older_than
    try:
        entries = list(directory.iterdir())
    except FileNotFoundError:
        return []
    stale = []
    for path in entries:
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                stale.append(path)
        except FileNotFoundError:  # finished or removed meanwhile
            continue
    return sorted(stale)


def discard(stored_sha256: str, file_key_id: int | None = None) -> None:
    """Remove the file of a material that was never filed (a deleted draft, a failed upload),
    and destroy its file key, so that no copy of it in a backup opens either.

    Nonces are random and every file has its own key, so no two uploads share stored
    bytes: the file is this material's alone.
    """
    path_of(stored_sha256).unlink(missing_ok=True)
    if file_key_id is not None:
        keyring().destroy_file_key(file_key_id)


# ------------------------------------------------------------------ reading


def verify_stored(stored_sha256: str) -> Path:
    """The file's path if it is present and intact, AttachmentError otherwise (no key needed)."""
    path = path_of(stored_sha256)
    if not path.is_file():
        raise AttachmentError("missing", _("The stored file is missing. It has not been served; "
                                           "the archive must restore it from a backup."))
    if sha256_file(path) != stored_sha256:
        raise AttachmentError("corrupt", _("The stored file is damaged: it no longer matches the fingerprint "
                                           "recorded when it was filed. It has not been served; the archive "
                                           "must restore it from a backup."))
    return path


def quarantined(stored_sha256: str):
    """The quarantine entry of a stored file, or None."""
    from models import Quarantine

    return db.session.scalar(select(Quarantine).where(Quarantine.stored_sha256 == stored_sha256))


def content_key(official_id: int, file_key_id: int | None) -> tuple[int, bytes]:
    """(key version, key) a material's stored file is encrypted under, or AttachmentError
    ("shredded") saying which key is gone.

    Fresh from the key store: a file read is rare beside its I/O, and a key destroyed by
    another worker must not open it from a cache. A file not yet moved to a key of its own
    (file_key_id NULL, filed before 0016; ``flask dossier attachments rekey``) is under the
    official's data key."""
    ring = keyring()
    try:
        if file_key_id is None:
            return ring.dek(official_id, fresh=True)
        own = ring.file_key(file_key_id, fresh=True)
        _version, dek = ring.dek(official_id, fresh=True)
    except ShreddedFileKey as error:
        raise AttachmentError("shredded", _("This material was destroyed: its content can no longer be "
                                            "read.")) from error
    except ShreddedKey as error:
        raise AttachmentError("shredded", _("This file's key has been destroyed: it can no longer be read.")) from error
    return FILE_KEY_VERSION, crypto.file_content_key(own, dek, file_key_id)


def open_plaintext(stored_sha256: str, official_id: int, file_key_id: int | None, *, quarantine_ok: bool = False):
    """Check the file, then return an iterator of its decrypted segments.

    ``file_key_id`` is the material's (None for a file still under the official's key).
    A quarantined file is refused here, the one path every reader's copy takes
    (preview, download, consultation); only the rescan and fixity read it again.
    The check reads the whole file once so that a damaged file is refused before
    a single byte goes out; each segment is authenticated again as it is decrypted.
    """
    if not quarantine_ok and (entry := quarantined(stored_sha256)) is not None:
        raise AttachmentError("quarantined", _(
            "This file was found to contain malware (%(signature)s) and is quarantined: it is not served. "
            "The archive keeps it for investigation.", signature=entry.signature))
    path = verify_stored(stored_sha256)
    _version, key = content_key(official_id, file_key_id)

    def segments():
        with open(path, "rb") as handle:
            yield from crypto.decrypt_stream(key, handle, file_aad(official_id))

    return segments()


def plaintext_digest(stored_sha256: str, official_id: int, file_key_id: int | None) -> str:
    digest = hashlib.sha256()
    for segment in open_plaintext(stored_sha256, official_id, file_key_id, quarantine_ok=True):
        digest.update(segment)
    return digest.hexdigest()


def install() -> None:
    """Remove files stored by a transaction that rolled back. Idempotent."""
    for name, listener in (("after_commit", _keep), ("after_soft_rollback", _remove)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _keep(session):
    session.info.pop(_SESSION_KEY, None)


def _remove(session, previous_transaction):
    if previous_transaction.nested:
        return
    # Nonces are random and keys per file, so no other material can share these stored
    # bytes; their keys protect nothing kept (a tombstone lets backups drop them too).
    for path, key_id in session.info.pop(_SESSION_KEY, []):
        path.unlink(missing_ok=True)
        keyring().destroy_file_key(key_id)
