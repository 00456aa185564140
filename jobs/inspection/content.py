"""The report's content part (§10.1): completeness and consistency, entry timeliness,
the backlog, rejections and change requests, in the period and scope."""

from collections import Counter, defaultdict
from statistics import mean

from sqlalchemy import func, select

from models.db import db
from models import RECORD_MODELS, ChangeRequest, CollectionReceipt, Official, ReviewDecision, backlog, completeness
from models.workflow import APPROVED

LISTED = 200
UNSCOPED = {"include_pending": True, "all_departments": True}


def _in_scope(period):
    return None if period.department_id is None else Official.department_id == period.department_id


def completeness_figures(period) -> dict:
    summary, flagged = completeness.summarise(completeness.check(db.session, _in_scope(period)))
    names = dict(db.session.execute(select(Official.id, Official.name).where(Official.id.in_(list(flagged)[:LISTED]))).all())
    # Kinds only: the values behind a finding (dates of posts, studies) belong to sections the
    # report's readers may not read (models.reading); the dossier itself shows them to those who may.
    listed = [{"official": oid, "name": names.get(oid), "kinds": sorted({f.kind for f in found})}
              for oid, found in list(flagged.items())[:LISTED]]
    return {"officials": summary.officials, "with_findings": summary.with_findings, "by_kind": summary.by_kind,
            "listed": listed}


def _departments() -> dict[int, int]:
    return dict(db.session.execute(select(Official.id, Official.department_id).execution_options(**UNSCOPED)).all())


def timeliness(period) -> dict:
    """Days from receipt to entry, and from entry to final approval, by department; the backlog now."""
    departments = _departments()
    wanted = (lambda oid: True) if period.department_id is None else \
        (lambda oid: departments.get(oid) == period.department_id)
    entry, approval = defaultdict(list), defaultdict(list)
    entered_at = {}
    for model in RECORD_MODELS:
        rows = db.session.execute(
            select(model.id, model.official_id, model.entered_at, CollectionReceipt.received_on)
            .outerjoin(CollectionReceipt, CollectionReceipt.id == model.receipt_id)
            .where(model.entered_at >= period.since, model.entered_at < period.until).execution_options(**UNSCOPED))
        for row_id, oid, at, received in rows:
            entered_at[(model.__tablename__, row_id)] = at
            if received is not None and wanted(oid):
                entry[departments.get(oid)].append((at.date() - received).days)
    finals = db.session.execute(
        select(ReviewDecision.item_table, ReviewDecision.item_id, ReviewDecision.decided_at)
        .where(ReviewDecision.to_state == APPROVED, ReviewDecision.decided_at >= period.since,
               ReviewDecision.decided_at < period.until))
    for table, item_id, decided in finals:
        at = entered_at.get((table, item_id))
        if at is not None:
            approval["all"].append((decided - at).total_seconds() / 86400)
    today = period.until.date()
    received = db.session.scalar(select(func.count()).select_from(CollectionReceipt).where(
        CollectionReceipt.received_on >= period.start, CollectionReceipt.received_on <= period.end))
    overdue = backlog.overdue_receipts(db.session, today)
    waiting = backlog.overdue_entries(db.session, today)
    if period.department_id is not None:
        overdue = [r for r in overdue if departments.get(r.official_id) == period.department_id]
        waiting = [r for r in waiting if departments.get(r.official_id) == period.department_id]
    return {
        "receipts_received": received,
        "receipts_overdue": len(overdue),
        "entries_overdue": len(waiting),
        "entry_days_by_department": {str(d): round(mean(v), 1) for d, v in sorted(entry.items(), key=str)},
        "entry_days": round(mean([x for v in entry.values() for x in v]), 1) if entry else None,
        "approval_days": round(mean(approval["all"]), 1) if approval["all"] else None,
        "approved": len(approval["all"]),
    }


def decisions(period) -> dict:
    counts = Counter(dict(db.session.execute(
        select(ReviewDecision.action, func.count()).where(ReviewDecision.decided_at >= period.since,
                                                          ReviewDecision.decided_at < period.until)
        .group_by(ReviewDecision.action)).all()))
    rejected = sum(n for action, n in counts.items() if "reject" in action)
    decided = sum(n for action, n in counts.items() if "reject" in action or "approve" in action)
    changes = dict(db.session.execute(
        select(ChangeRequest.review_state, func.count()).where(ChangeRequest.entered_at >= period.since,
                                                               ChangeRequest.entered_at < period.until)
        .group_by(ChangeRequest.review_state).execution_options(**UNSCOPED)).all())
    return {"decisions": dict(counts), "rejected": rejected,
            "rejection_rate": round(rejected / decided, 3) if decided else None, "change_requests": changes}


def figures(period) -> dict:
    return {"completeness": completeness_figures(period), "timeliness": timeliness(period),
            "review": decisions(period)}
