"""Stale drafts: records and change requests left in draft, told to their author first.

A draft unchanged for CLEANUP_DRAFT_MAX_AGE_DAYS is stale. The clean-up tells its author
(a ``DraftNotice``, shown on the author's drafts page with the day of removal) and
removes it only CLEANUP_DRAFT_NOTICE_DAYS after that notice, if nobody changed it since:
any change, a submission included, voids the notice. Only drafts: a record under review
or approved is never touched (the guard reads its state again before the removal).
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, exists, select

from models import ChangeRequest, CollectionReceipt, Consultation, DOSSIER_MODELS, Official, workflow
from models.catalogue import Material
from models.cleanup import DraftNotice, notice_days, notices_of
from models.db import db

from .base import Candidate

DEFAULT_MAX_AGE_DAYS = 90
DISCARD = "dossier_cleanup_discard"


def max_age_days() -> int:
    return int(current_app.config.get("CLEANUP_DRAFT_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))


def draft_models() -> list:
    """Change requests and every dossier table, the official's own row last: its
    records go first, and a draft official is removed only once nothing hangs on it."""
    return [ChangeRequest, *(m for m in DOSSIER_MODELS if m is not Official), Official]


def tables() -> frozenset:
    return frozenset(m.__tablename__ for m in draft_models())


def _has_dependants(official_id: int) -> bool:
    for model in (*(m for m in DOSSIER_MODELS if m is not Official), CollectionReceipt, Consultation, ChangeRequest):
        column = model.__table__.c.official_id
        if db.session.scalar(select(exists().where(column == official_id))):
            return True
    return False


def stale_drafts(now: datetime) -> list:
    cutoff = now - timedelta(days=max_age_days())
    found = []
    for model in draft_models():
        query = (select(model).where(model.review_state == workflow.DRAFT, model.changed_at < cutoff)
                 .order_by(model.id).execution_options(include_pending=True))
        for item in db.session.scalars(query):
            if model is Official and _has_dependants(item.id):
                continue
            found.append(item)
    return found


def _key(item) -> tuple[str, int]:
    return item.__tablename__, item.id


def _candidate(item, reason: str) -> Candidate:
    return Candidate("drafts", f"{item.__tablename__}:{item.id}", reason, since=item.changed_at, row=_key(item))


def notify(now: datetime, send: bool) -> list[Candidate]:
    """Tell the authors of newly stale drafts (``send``); the drafts told, either way."""
    stale = stale_drafts(now)
    noticed = notices_of(db.session, stale)
    fresh = [item for item in stale if _key(item) not in noticed]
    removable_on = (now + timedelta(days=notice_days())).date().isoformat()
    told = []
    for item in fresh:
        told.append(_candidate(item, _("a draft unchanged since %(day)s: its author is told it will be removed "
                                       "on %(removal)s", day=item.changed_at.date().isoformat(), removal=removable_on)))
        if send:
            # A notice voided by a later change is replaced, not kept beside the new one.
            db.session.execute(delete(DraftNotice).where(DraftNotice.item_table == item.__tablename__,
                                                         DraftNotice.item_id == item.id))
            db.session.add(DraftNotice(item_table=item.__tablename__, item_id=item.id,
                                       author_id=item.entered_by_id, notified_at=now))
    if send:
        db.session.flush()
    return told


def removable(now: datetime) -> list[Candidate]:
    """Stale drafts whose author was told at least the notice period ago."""
    stale = stale_drafts(now)
    noticed = notices_of(db.session, stale)
    period = timedelta(days=notice_days())
    found = []
    for item in stale:
        notice = noticed.get(_key(item))
        if notice is not None and notice.notified_at + period <= now:
            found.append(_candidate(item, _("a draft unchanged since %(day)s; its author was told on %(told)s",
                                            day=item.changed_at.date().isoformat(),
                                            told=notice.notified_at.date().isoformat())))
    return found


def _item(table: str, row_id: int):
    model = {m.__tablename__: m for m in draft_models()}.get(table)
    if model is None:
        return None
    return db.session.get(model, row_id, execution_options={"include_pending": True})


def still_draft(table: str, row_id: int) -> bool:
    item = _item(table, row_id)
    return item is not None and item.review_state == workflow.DRAFT


def remove(candidates: list[Candidate]) -> int:
    """Delete the drafts through the ORM (versioned and audited like the author's own
    deletion); a draft document's file goes once the deletion is committed."""
    removed = 0
    for candidate in candidates:
        item = _item(*candidate.row)
        if item is None or item.review_state != workflow.DRAFT:
            continue
        if isinstance(item, Material):
            db.session.info.setdefault(DISCARD, []).append((item.stored_sha256, item.file_key_id))
        db.session.execute(delete(DraftNotice).where(DraftNotice.item_table == candidate.row[0],
                                                     DraftNotice.item_id == candidate.row[1]))
        db.session.delete(item)
        removed += 1
    db.session.flush()
    return removed
