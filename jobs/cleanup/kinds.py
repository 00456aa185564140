"""The cleaners other than drafts': each a plain function listing its candidates, and a remover."""

import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy_continuum import version_class

from models import JobLock, Material, Quarantine, RECORD_MODELS, RestoreTest
from models.collection import CollectionReceipt
from models.db import db
from models.fixity import FixityProblem
from models.storage import attachments

from .base import Candidate

DEFAULT_RECEIPT_MAX_AGE_DAYS = 180
# A stored file is renamed into the store before its material row commits, and a
# restore test writes its scratch for hours: younger than this, neither is left over.
SETTLE_SECONDS = attachments.TEMP_MAX_AGE_SECONDS


def _days(key: str, default: int) -> int:
    return int(current_app.config.get(key, default))


# --- expired consultation grants ------------------------------------------------------------

def consultation_leftovers(now: datetime) -> list[Candidate]:
    """Nothing: an expired grant leaves nothing that is clutter.

    Its application row and its reading log (who read which section or document, when,
    from where) are the record of the consultation (§5.3) and stay. Stamped copies are
    made in memory for each request (``security.watermark.stamp_pdf``) and never stored,
    and a grant has no reading token or session of its own: the check runs on every
    request against the grant's state and dates. So this kind lists nothing."""
    return []


def remove_nothing(candidates: list[Candidate]) -> int:
    return 0


# --- collection receipts never entered ------------------------------------------------------

def unentered_receipts(now: datetime) -> list[Candidate]:
    """Receipts received more than CLEANUP_RECEIPT_MAX_AGE_DAYS ago from which no record
    of any state (draft, under review or approved) was entered."""
    days = _days("CLEANUP_RECEIPT_MAX_AGE_DAYS", DEFAULT_RECEIPT_MAX_AGE_DAYS)
    query = select(CollectionReceipt.id, CollectionReceipt.received_on).where(
        CollectionReceipt.received_on < (now - timedelta(days=days)).date())
    for model in RECORD_MODELS:
        column = model.__table__.c.receipt_id
        query = query.where(~exists().where(column == CollectionReceipt.id))
    reason = _("received more than %(days)s days ago and nothing was entered from it", days=days)
    return [Candidate("receipts", f"collection_receipt:{row.id}", reason,
                      since=datetime.combine(row.received_on, datetime.min.time()), row=("collection_receipt", row.id))
            for row in db.session.execute(query.order_by(CollectionReceipt.id))]


def remove_receipts(candidates: list[Candidate]) -> int:
    # Through the ORM: versioned and audited like any deletion of a register entry.
    removed = 0
    for candidate in candidates:
        receipt = db.session.get(CollectionReceipt, candidate.row[1])
        if receipt is not None:
            db.session.delete(receipt)
            removed += 1
    db.session.flush()
    return removed


# --- the attachment store -------------------------------------------------------------------

def referenced_files() -> set[str]:
    """Every stored file some row names: materials of any state, their past versions (the
    history screens), quarantine entries and fixity findings."""
    tables = (Material.__table__, version_class(Material).__table__, Quarantine.__table__, FixityProblem.__table__)
    names = set()
    for table in tables:
        names.update(db.session.execute(select(table.c.stored_sha256).distinct()).scalars())
    return names


def _stored_files():
    store = attachments.root()
    for path in sorted(store.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*")):
        name = path.name
        if path.is_file() and len(name) == 64 and path.parent.name == name[2:4] and path.parent.parent.name == name[:2]:
            yield path


def _old(path: Path, now: datetime) -> tuple[bool, float, int]:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False, 0.0, 0
    return stat.st_mtime < now.timestamp() - SETTLE_SECONDS, stat.st_mtime, stat.st_size


def orphan_files(now: datetime) -> list[Candidate]:
    """Stored files no row names, settled for a day (an upload in flight has no row yet)."""
    referenced = referenced_files()
    reason = _("no material, past version, quarantine entry or fixity finding refers to this stored file")
    found = []
    for path in _stored_files():
        if path.name in referenced:
            continue
        old, mtime, size = _old(path, now)
        if old:
            found.append(Candidate("orphan_files", path.name, reason, since=datetime.fromtimestamp(mtime),
                                   path=path, size=size))
    return found


def remove_files(candidates: list[Candidate]) -> int:
    removed = 0
    for candidate in candidates:
        try:
            candidate.path.unlink()
            removed += 1
        except FileNotFoundError:
            continue
    return removed


def remove_orphans(candidates: list[Candidate]) -> int:
    # Checked again just before: a material filed since the dry run keeps its file.
    referenced = referenced_files()
    return remove_files([c for c in candidates if c.path.name not in referenced])


def store_roots() -> list[Path]:
    return [attachments.root()]


def temp_files(now: datetime) -> list[Candidate]:
    """Temp files of uploads that never finished (``attachments.stale_temp_files``)."""
    # stale_temp_files counts from the clock; the cut-off is a day before ``now``.
    older_than = time.time() - now.timestamp() + attachments.TEMP_MAX_AGE_SECONDS
    reason = _("an upload that never finished: untouched for more than a day")
    found = []
    for path in attachments.stale_temp_files(older_than):
        _old_enough, mtime, size = _old(path, now)
        found.append(Candidate("temp_files", f"tmp/{path.name}", reason, since=datetime.fromtimestamp(mtime),
                               path=path, size=size))
    return found


def temp_roots() -> list[Path]:
    return [attachments.root() / "tmp"]


# --- restore-test scratch -------------------------------------------------------------------

def scratch_dir() -> Path:
    # Where jobs.backup.restore_test restores into (and removes again when it ends).
    configured = current_app.config.get("RESTORE_TEST_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "restore-test"


def _restore_test_running(now: datetime) -> bool:
    lock = db.session.get(JobLock, "restore_test")
    if lock is not None and lock.locked_until is not None and lock.locked_until > now:
        return True
    since = now - timedelta(seconds=SETTLE_SECONDS)
    return db.session.scalar(select(exists().where(RestoreTest.finished_at.is_(None),
                                                   RestoreTest.started_at > since))) or False


def restore_scratch(now: datetime) -> list[Candidate]:
    """What a restore test killed halfway left in its scratch directory (a finished test
    removes its own). Its PostgreSQL scratch database is dropped by the next restore test."""
    scratch = scratch_dir()
    if not scratch.is_dir() or _restore_test_running(now):
        return []
    newest = max((p.stat().st_mtime for p in [scratch, *scratch.rglob("*")] if p.exists()), default=0.0)
    if newest >= now.timestamp() - SETTLE_SECONDS:
        return []
    size = sum(p.stat().st_size for p in scratch.rglob("*") if p.is_file())
    return [Candidate("restore_scratch", scratch.name, _("left by a restore test that did not finish"),
                      since=datetime.fromtimestamp(newest), path=scratch, size=size)]


def remove_scratch(candidates: list[Candidate]) -> int:
    removed = 0
    for candidate in candidates:
        if candidate.path.exists():
            shutil.rmtree(candidate.path)
            removed += 1
    return removed


def scratch_roots() -> list[Path]:
    return [scratch_dir()]

