"""What the four-property items share: the outcome of one item, one pass over the
stored files whose results several items read (each file is read once), and one
verification of the audit trail (the chain and its signed checkpoints)."""

import hashlib
import io
from dataclasses import dataclass, field

from sqlalchemy import select

from models.db import db
from models import Material
from models.storage import attachments, content, formats
from security import crypto

# Problems named per item in the stored result; the count says how many there were in all.
NAMED = 50


@dataclass
class Result:
    outcome: str  # pass | fail | skip
    checked: int = 0
    problems: list = field(default_factory=list)
    # Why an item had nothing to check, or what it found when it passed (a message key and values).
    note: dict | None = None

    @classmethod
    def of(cls, checked: int, problems: list, note: dict | None = None) -> "Result":
        return cls("fail" if problems else "pass", checked, problems, note)

    @classmethod
    def skipped(cls, reason: str, **values) -> "Result":
        return cls("skip", 0, [], {"reason": reason, **values})


@dataclass
class FileFacts:
    """Per stored file: whether it is present and intact, decrypts to its document, opens in its format."""

    checked: int = 0
    shredded: int = 0
    missing: list = field(default_factory=list)
    corrupt: list = field(default_factory=list)
    unreadable: list = field(default_factory=list)
    unusable: list = field(default_factory=list)
    pages: list = field(default_factory=list)
    fixity_run_id: int | None = None


class Context:
    def __init__(self, trigger: str):
        self.trigger = trigger
        self._files: FileFacts | None = None
        self._audit = None

    @property
    def files(self) -> FileFacts:
        if self._files is None:
            self._files = read_files(self.trigger)
        return self._files

    @property
    def audit(self):
        """The trail verified once, with its signed checkpoints (security.audit.verify): the walk
        over every event is the costly part, and the chain item and the checkpoint item share it."""
        if self._audit is None:
            from security import audit

            self._audit = audit.verify(db.session)
            db.session.rollback()
        return self._audit


def read_files(trigger: str) -> FileFacts:
    """The fixity check (jobs.fixity, recorded as a run of its own) for presence and stored
    hashes, then every intact file decrypted in memory and read as its format."""
    from jobs.fixity import run_fixity

    report = run_fixity("stored", trigger="schedule" if trigger == "schedule" else "command")
    facts = FileFacts(checked=report.run.files, fixity_run_id=report.run.id, shredded=report.shredded)
    for problem in report.problems:
        getattr(facts, problem.problem).append({"material": problem.material_id, "official": problem.official_id})
    bad = {p.material_id for p in report.problems}
    table = Material.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.official_id, table.c.stored_sha256, table.c.file_key_id, table.c.content_sha256,
               table.c.media_type, table.c.page_count).order_by(table.c.id)).all()
    db.session.rollback()
    for row in rows:
        if row.id in bad:
            continue
        ref = {"material": row.id, "official": row.official_id}
        try:
            document = io.BytesIO(b"".join(attachments.open_plaintext(
                row.stored_sha256, row.official_id, row.file_key_id, quarantine_ok=True)))
        except attachments.AttachmentError as error:
            if error.code != "shredded":
                facts.unreadable.append({**ref, "code": error.code})
            continue
        except crypto.DecryptionError:
            facts.unreadable.append({**ref, "code": "decryption"})
            continue
        if hashlib.sha256(document.getbuffer()).hexdigest() != row.content_sha256:
            facts.unreadable.append({**ref, "code": "content_hash"})
            continue
        fmt = formats.by_media_type(row.media_type)
        if fmt is None:
            facts.unusable.append({**ref, "code": "unknown_format"})
            continue
        try:
            found = content.validate(fmt, document)
            if found is None:
                found = fmt.pages(document)
        except content.ContentRefused as refused:
            facts.unusable.append({**ref, "code": refused.code})
            continue
        if row.page_count is not None and found is not None and found != row.page_count:
            facts.pages.append({**ref, "recorded": row.page_count, "found": found})
    return facts
