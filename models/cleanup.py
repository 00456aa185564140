"""Notices of stale drafts (§4.3.3 數據清理): the author is told before a draft is removed.

The clean-up (``jobs.cleanup``) records here, for each draft it finds stale, when its
author was told; the draft becomes removable only a notice period later, and only if
nobody touched it since (a change after the notice voids it). The author's drafts page
shows the date. Nothing here removes anything.
"""

from datetime import date, datetime, timedelta

from flask import current_app, has_app_context
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, UniqueConstraint, select, tuple_

DEFAULT_NOTICE_DAYS = 14


def notice_days() -> int:
    if has_app_context():
        return int(current_app.config.get("CLEANUP_DRAFT_NOTICE_DAYS", DEFAULT_NOTICE_DAYS))
    return DEFAULT_NOTICE_DAYS


class DraftNotice(Model):
    """The author of one draft (a record or a change request) was told it will be removed."""

    __tablename__ = "draft_notice"
    __table_args__ = (UniqueConstraint("item_table", "item_id", name="uq_draft_notice_item"),)

    id = Column(Integer, primary_key=True)
    item_table = Column(String(40), nullable=False)
    item_id = Column(Integer, nullable=False)
    author_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    notified_at = Column(DateTime, nullable=False, default=datetime.now)

    def removable_on(self) -> date:
        return (self.notified_at + timedelta(days=notice_days())).date()


def valid_notice(notice: "DraftNotice | None", item) -> bool:
    """A notice counts only for the draft as it was told: a change since voids it."""
    return notice is not None and item.changed_at is not None and notice.notified_at >= item.changed_at


def notices_of(session, items) -> dict:
    """(table, id) → the valid notice of each of ``items``, in one query."""
    keys = [(item.__tablename__, item.id) for item in items]
    if not keys:
        return {}
    found = {(n.item_table, n.item_id): n for n in session.scalars(
        select(DraftNotice).where(tuple_(DraftNotice.item_table, DraftNotice.item_id).in_(keys)))}
    by_key = {(item.__tablename__, item.id): item for item in items}
    return {key: notice for key, notice in found.items() if valid_notice(notice, by_key[key])}


def removal_dates(session, items) -> dict:
    """(table, id) → the day each noticed draft of ``items`` may be removed from."""
    return {key: notice.removable_on() for key, notice in notices_of(session, items).items()}
