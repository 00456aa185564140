"""Data clean-up (§4.3.3 數據清理): what the system leaves behind, listed, then removed.

Dossier content is never cleaned. Approved records and filed materials leave a dossier
only through destruction (§9), which is not this module's. The clean-up removes only
the kinds in ``CLEANERS``: leftovers of expired consultation grants (there are none, see
``kinds.consultation_leftovers``), collection receipts never entered, stale drafts
(after their author was told), stored files no row refers to, unfinished uploads' temp
files, and scratch left by a restore test that did not finish. Each cleaner names the
only tables and directories it may touch, and ``base.guard`` refuses a whole batch
holding anything else. A row of a dossier table passes only if it is still a draft.

A dry run (``plan``) lists each item and why, and changes nothing. A run (``run``) first
sends the notices for newly stale drafts, then removes what the dry run lists. Each
removal is one audit event (``cleanup_removed``: the kind, the count and the items'
references, ids and file hashes, never what they hold). The nightly ``cleanup`` job
runs it, the command line runs it, and the archivist's screen shows the dry run.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from models.db import db
from models.sections import DOSSIER_MODELS
from models.storage import attachments
from security import audit

from . import drafts, kinds
from .base import Candidate, Cleaner, CleanupRefused, guard

__all__ = ["CLEANERS", "Candidate", "Cleaner", "CleanupRefused", "Plan", "plan", "run", "summary"]

CLEANERS = {c.kind: c for c in (
    Cleaner("consultation", _l("Leftovers of expired consultation grants"), kinds.consultation_leftovers,
            kinds.remove_nothing),
    Cleaner("receipts", _l("Collection receipts never entered"), kinds.unentered_receipts, kinds.remove_receipts,
            tables=frozenset({"collection_receipt"})),
    Cleaner("drafts", _l("Stale drafts"), drafts.removable, drafts.remove, tables=drafts.tables(),
            notify=drafts.notify, row_check=drafts.still_draft),
    Cleaner("orphan_files", _l("Stored files no record refers to"), kinds.orphan_files, kinds.remove_orphans,
            roots=kinds.store_roots),
    Cleaner("temp_files", _l("Temporary files of unfinished uploads"), kinds.temp_files, kinds.remove_files,
            roots=kinds.temp_roots),
    Cleaner("restore_scratch", _l("Scratch of unfinished restore tests"), kinds.restore_scratch,
            kinds.remove_scratch, roots=kinds.scratch_roots),
)}


@dataclass
class Plan:
    """Per kind: what would be (or was) removed, and the drafts whose authors are (or were) told."""

    items: dict[str, list[Candidate]] = field(default_factory=dict)
    notices: dict[str, list[Candidate]] = field(default_factory=dict)
    # What a hold keeps (§9 冻结): each candidate with the sentence naming its hold.
    held: dict[str, list[tuple[Candidate, str]]] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(found) for found in self.items.values())


def _chosen(kinds_: list[str] | None) -> list[Cleaner]:
    unknown = [k for k in kinds_ or () if k not in CLEANERS]
    if unknown:
        raise CleanupRefused("kind", ", ".join(unknown))
    return [CLEANERS[k] for k in (kinds_ or CLEANERS)]


def plan(kinds_: list[str] | None = None, now: datetime | None = None) -> Plan:
    """The dry run: what a run now would remove and why, and whom it would tell. Reads only."""
    now = now or datetime.now()
    result = Plan()
    try:
        for cleaner in _chosen(kinds_):
            result.items[cleaner.kind] = _without_held(cleaner.kind, cleaner.find(now), result)
            if cleaner.notify is not None:
                result.notices[cleaner.kind] = cleaner.notify(now, False)
    finally:
        db.session.rollback()
    return result


def _without_held(kind: str, found: list[Candidate], result: Plan) -> list[Candidate]:
    """The candidates no hold keeps; the kept ones go to ``result.held`` with their hold named.

    A row of a dossier (a draft, a receipt) is kept by a hold on it or on its whole dossier."""
    from models.disposal import holds
    from models.disposal.items import Item
    from models.sections import BY_TABLE

    kept, free = [], []
    for candidate in found:
        model = BY_TABLE.get(candidate.row[0]) if candidate.row else None
        if candidate.row and model is None and candidate.row[0] == "collection_receipt":
            from models import CollectionReceipt as model
        row = db.session.get(model, candidate.row[1], execution_options={"include_pending": True,
                                                                          "all_departments": True}) if model else None
        official_id = getattr(row, "official_id", None) if row is not None else None
        stopping = []
        if official_id is not None:
            item = Item.of(row) if candidate.row[0] in BY_TABLE else Item.dossier(official_id)
            stopping = [h for h in holds.blocking(db.session, item)
                        if item.kind != "dossier" or (h.kind == "dossier" and h.official_id == official_id)]
        if stopping:
            kept.append((candidate, holds.describe(stopping[0])))
        else:
            free.append(candidate)
    if kept:
        result.held[kind] = kept
    return free


def _dossier_tables() -> set[str]:
    return {m.__tablename__ for m in DOSSIER_MODELS}


def run(kinds_: list[str] | None = None, now: datetime | None = None, actor=None) -> Plan:
    """Tell, then remove, kind by kind, each kind in its own transaction with its audit event."""
    now = now or datetime.now()
    result = Plan()
    for cleaner in _chosen(kinds_):
        if cleaner.notify is not None:
            told = cleaner.notify(now, True)
            result.notices[cleaner.kind] = told
            if told:
                audit.record("cleanup_draft_notice", object_type="cleanup", object_id=cleaner.kind, actor=actor,
                             details={"kind": cleaner.kind, "count": len(told), "ids": [c.ref for c in told]})
            db.session.commit()
        found = _without_held(cleaner.kind, cleaner.find(now), result)
        result.items[cleaner.kind] = found
        try:
            guard(cleaner, found, _dossier_tables())
            removed = cleaner.remove(found) if found else 0
        except BaseException:
            db.session.rollback()
            db.session.info.pop(drafts.DISCARD, None)
            raise
        result.removed[cleaner.kind] = removed
        if removed:
            audit.record("cleanup_removed", object_type="cleanup", object_id=cleaner.kind, actor=actor,
                         details={"kind": cleaner.kind, "count": removed, "ids": [c.ref for c in found],
                                  "bytes": sum(c.size or 0 for c in found)})
        db.session.commit()
        # A removed draft document's file and its key, only now that its row is gone for good.
        for stored, file_key_id in db.session.info.pop(drafts.DISCARD, []):
            attachments.discard(stored, file_key_id)
    return result


def summary(result: Plan) -> str:
    told = sum(len(t) for t in result.notices.values())
    counts = ", ".join(f"{kind} {result.removed.get(kind, len(found))}" for kind, found in result.items.items())
    return f"{counts}; {told} draft author(s) told"
