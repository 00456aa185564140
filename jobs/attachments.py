"""``flask --app app dossier attachments rekey``: files filed before migration 0016, still
under their official's data key, moved to keys of their own (§9.2: one material can then
be destroyed without its dossier).

One file at a time: its plaintext is streamed from the old file into a new one under a
new file key (never written to disk in clear), the new file takes its place in the store
under its own SHA-256, and the material (its row and its versions, and a quarantine entry
of the file) points at it in one transaction. The old file goes after that commit, once
nothing references it. A run killed anywhere leaves every material readable, old or new;
the next run goes on with what is left, and first removes the old file the killed run had
committed away from (named in a journal beside the store). The run holds the backup lock:
a backup taken meanwhile would list in its manifest an old file gone before restic read it.
"""

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select, update
from sqlalchemy_continuum import version_class

from models import JobLock, Material, Quarantine
from models.db import db
from models.scheduling import holder_name
from models.storage import attachments
from security import audit, crypto
from security.files import replace_private
from security.keys import ShreddedKey, keyring

LOCK = "backup"
# Renewed with every file moved: a run holds the lock as long as it makes progress.
LEASE = timedelta(hours=1)
JOURNAL = "rekey-pending"


class RekeyBusy(RuntimeError):
    """The backup lock is held: a backup (or another rekey) is running."""


@dataclass
class RekeyReport:
    moved: int = 0
    old_files_removed: int = 0
    # "material 12: missing", one per file left as it was, and why.
    skipped: list = field(default_factory=list)

    @property
    def problems(self) -> list:
        """Skipped files that need the archive (a destroyed key is not a problem)."""
        return [line for line in self.skipped if not line.endswith(": shredded")]


class _Plaintext(io.RawIOBase):
    """The decrypted segments of a stored file as a readable stream, held one segment at a time."""

    def __init__(self, segments):
        self._segments, self._pending = iter(segments), b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._pending:
            try:
                self._pending = next(self._segments)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        return size


def _journal():
    return attachments.root() / JOURNAL


def _referenced(conn, stored_sha256: str) -> bool:
    material, versions = Material.__table__, version_class(Material).__table__
    return any(conn.execute(select(t.c.id).where(t.c.stored_sha256 == stored_sha256).limit(1)).first()
               for t in (material, versions, Quarantine.__table__))


def _remove_if_unreferenced(stored_sha256: str) -> bool:
    with db.engine.connect() as conn:
        if _referenced(conn, stored_sha256):
            return False
    attachments.path_of(stored_sha256).unlink(missing_ok=True)
    return True


def _finish_journal(report: RekeyReport) -> None:
    """The old file a killed run had committed away from but not yet removed."""
    journal = _journal()
    if not journal.exists():
        return
    for line in journal.read_text(encoding="ascii").split():
        if _remove_if_unreferenced(line):
            report.old_files_removed += 1
    journal.unlink()


def _move(row, holder: str, report: RekeyReport) -> None:
    ring = keyring()
    try:
        path = attachments.verify_stored(row.stored_sha256)
        _version, dek = ring.dek(row.official_id, fresh=True)
    except attachments.AttachmentError as error:
        report.skipped.append(f"material {row.id}: {error.code}")
        return
    except ShreddedKey:  # the dossier was destroyed: the file stays as unreadable as it is
        report.skipped.append(f"material {row.id}: shredded")
        return
    key_id, own = ring.new_file_key()
    key = crypto.file_content_key(own, dek, key_id)
    try:
        with open(path, "rb") as handle:
            plaintext = io.BufferedReader(_Plaintext(crypto.decrypt_stream(dek, handle,
                                                                           attachments.file_aad(row.official_id))),
                                          buffer_size=crypto.SEGMENT_SIZE)
            digest, target = attachments.write_encrypted(plaintext, key, attachments.FILE_KEY_VERSION, row.official_id)
    except (crypto.DecryptionError, attachments.AttachmentError) as error:
        ring.destroy_file_key(key_id)
        report.skipped.append(f"material {row.id}: {getattr(error, 'code', 'unreadable')}")
        return
    if digest.plain_sha256 != row.content_sha256:
        target.unlink(missing_ok=True)
        ring.destroy_file_key(key_id)
        report.skipped.append(f"material {row.id}: content_hash")
        return
    replace_private(_journal(), row.stored_sha256.encode("ascii"))
    material, versions, quarantine = Material.__table__, version_class(Material).__table__, Quarantine.__table__
    with db.engine.begin() as conn:
        # Only if nobody moved or changed it meanwhile (a second run, a deleted draft).
        moved = conn.execute(update(material).where(
            material.c.id == row.id, material.c.stored_sha256 == row.stored_sha256, material.c.file_key_id.is_(None),
        ).values(stored_sha256=digest.cipher_sha256, file_key_id=key_id)).rowcount == 1
        if moved:
            # The versions name the same document: the four-property check compares the row
            # with its last version, and history keeps pointing at a file that exists.
            conn.execute(update(versions).where(versions.c.id == row.id,
                                                versions.c.stored_sha256 == row.stored_sha256)
                         .values(stored_sha256=digest.cipher_sha256, file_key_id=key_id))
            conn.execute(update(quarantine).where(quarantine.c.stored_sha256 == row.stored_sha256)
                         .values(stored_sha256=digest.cipher_sha256))
            locks = JobLock.__table__
            conn.execute(update(locks).where(locks.c.name == LOCK, locks.c.holder == holder)
                         .values(locked_until=datetime.now() + LEASE))
    if not moved:
        target.unlink(missing_ok=True)
        ring.destroy_file_key(key_id)
    else:
        report.moved += 1
    if _remove_if_unreferenced(row.stored_sha256):
        report.old_files_removed += 1
    _journal().unlink(missing_ok=True)


def rekey(echo=None, actor: str = "cli") -> RekeyReport:
    """Move every file still under its official's data key to a key of its own.

    Idempotent and resumable; RekeyBusy while a backup runs. One audit event with the
    counts, none when there was nothing to do."""
    from jobs.scheduler import acquire

    report = RekeyReport()
    _finish_journal(report)
    table = Material.__table__
    # Every material, whatever its review state or department (the engine, not the ORM's
    # visibility rule), read once: no transaction held open while reading the disk.
    with db.engine.connect() as conn:
        rows = conn.execute(select(table.c.id, table.c.official_id, table.c.stored_sha256, table.c.content_sha256)
                            .where(table.c.file_key_id.is_(None)).order_by(table.c.id)).all()
    if not rows:
        return report
    holder = f"rekey {holder_name()}"
    if not acquire(LOCK, holder, LEASE):
        raise RekeyBusy("A backup is running (it holds the backup lock): run the rekey again after it.")
    try:
        for done, row in enumerate(rows, start=1):
            _move(row, holder, report)
            if echo and (done == len(rows) or done % 100 == 0):
                echo(f"{done}/{len(rows)} files")
    finally:
        locks = JobLock.__table__
        with db.engine.begin() as conn:
            conn.execute(update(locks).where(locks.c.name == LOCK, locks.c.holder == holder).values(locked_until=None))
    audit.record("files_rekeyed", object_type="attachment_store", actor=actor,
                 details={"files": report.moved, "old_files_removed": report.old_files_removed,
                          "skipped": len(report.skipped)})
    db.session.commit()
    return report


@click.group("attachments", help="The attachment store.")
def attachments_command():
    pass


@attachments_command.command("rekey", help="Move every file still under its official's data key (filed before "
                             "migration 0016) to a key of its own. Safe to repeat and to resume after a kill.")
@with_appcontext
def rekey_command():
    try:
        report = rekey(echo=lambda line: click.echo(line, err=True))
    except RekeyBusy as error:
        raise click.ClickException(str(error))
    click.echo(f"{report.moved} files moved to keys of their own, {report.old_files_removed} old files removed, "
               f"{len(report.skipped)} left as they were")
    for line in report.skipped:
        click.echo(f"LEFT AS IT WAS: {line}", err=True)
    if report.problems:
        raise SystemExit(1)

