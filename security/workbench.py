"""The workbench (工作台) on the home page: for the signed-in user, what waits for them,
counted by the very functions the screens it links to list with (so a count cannot drift
from its queue), and shown only to whoever may open that screen.

Each tile kind is one row of ``TILES``; its count is one statement (or a fixed handful, one
per section table), never one per item, so the home page costs the same for any archive."""

from dataclasses import dataclass
from datetime import date
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, select

from models import Official
from models import backlog, workflow
from models.backup import BackupRun, RestoreTest
from models.fixity import FixityProblem, FixityRun
from models.reading import has_permission
from security import approvals, audit, consultation, scope
from security.audit_tables import AuditEvent

RECENT_OFFICIALS = 8


@dataclass(frozen=True)
class Tile:
    key: str
    label: object
    # The permission of the screen the tile links to: nobody sees a tile for a screen they cannot open.
    permission: tuple
    count: Callable
    endpoint: str
    # Further permissions of which one is needed (the duty the count is about), if any.
    duty: tuple = ()
    # A tile that states a condition (the chain), not a number of items.
    status: bool = False
    # Any count above nought is a fault to mend, not work in the ordinary course.
    alarm: bool = False


def _drafts(session, user):
    return workflow.pending_count(session, workflow.DRAFT, authors=[user.id])


def _first(session, user):
    return workflow.queue_count(session, user, "first")


def _final(session, user):
    return workflow.queue_count(session, user, "final")


def _consultations(session, user):
    return len(consultation.queue(session, user))


def _permission_requests(session, user):
    return len(approvals.pending(session))


def _overdue_receipts(session, user):
    return len(backlog.overdue_receipts(session, date.today()))


def _overdue_entries(session, user):
    return len(backlog.overdue_entries(session, date.today()))


def _failed_backups(session, user):
    """Runs that failed (or reached only some targets) since the last that succeeded; a
    trail with no successful backup at all counts as one missing backup."""
    last_good = select(func.max(BackupRun.id)).where(BackupRun.state == "succeeded").scalar_subquery()
    failed, good = session.execute(select(
        select(func.count()).select_from(BackupRun).where(
            BackupRun.state.in_(("failed", "partial")), BackupRun.id > func.coalesce(last_good, 0)).scalar_subquery(),
        last_good,
    )).one()
    return failed + (1 if good is None else 0)


def _failed_restore_tests(session, user):
    last_good = select(func.max(RestoreTest.id)).where(RestoreTest.ok.is_(True)).scalar_subquery()
    return session.scalar(select(func.count()).select_from(RestoreTest).where(
        RestoreTest.ok.is_(False), RestoreTest.finished_at.is_not(None),
        RestoreTest.id > func.coalesce(last_good, 0)))


def _fixity_problems(session, user):
    """The problems the latest finished fixity check found (the fixity page's latest run)."""
    latest = select(func.max(FixityRun.id)).where(FixityRun.finished_at.is_not(None)).scalar_subquery()
    return session.scalar(select(func.count()).select_from(FixityProblem).where(FixityProblem.run_id == latest))


def _audit_chain(session, user):
    """1 if the events since the last checkpoint do not verify (the audit screen's status), else 0."""
    result, error = audit.tail_status(session)
    return 1 if error or not result.ok else 0


TILES = (
    Tile("drafts", _l("My drafts to submit"), ("can_list", "my_drafts"), _drafts, "MyDraftsView.list"),
    Tile("first_review", _l("Waiting for first review"), ("can_list", "first_review"), _first,
         "FirstReviewView.list"),
    Tile("final_review", _l("Waiting for final review"), ("can_list", "final_review"), _final,
         "FinalReviewView.list"),
    Tile("consultations", _l("Consultations to approve"), ("can_list", "consultation"), _consultations,
         "ConsultationView.list", duty=(consultation.DECIDE_DEPARTMENT, consultation.DECIDE_UNIT, consultation.DECIDE_ARCHIVE)),
    Tile("permission_requests", _l("Permission requests to decide"), ("can_list", "permission_requests"),
         _permission_requests, "PermissionRequestView.list", duty=(approvals.APPROVE,)),
    Tile("overdue_receipts", _l("Overdue receipts"), ("can_index", "backlog"), _overdue_receipts,
         "BacklogView.index", alarm=True),
    Tile("overdue_entries", _l("Overdue entries"), ("can_index", "backlog"), _overdue_entries, "BacklogView.index", alarm=True),
    Tile("failed_backups", _l("Failed or missing backups"), ("can_list", "backups"), _failed_backups,
         "BackupView.list", alarm=True),
    Tile("failed_restore_tests", _l("Failed restore tests"), ("can_list", "backups"), _failed_restore_tests,
         "BackupView.list", alarm=True),
    Tile("fixity_problems", _l("Fixity problems"), ("can_index", "fixity"), _fixity_problems, "FixityView.index", alarm=True),
    Tile("audit_chain", _l("Audit chain"), ("can_list", "audit_trail"), _audit_chain, "AuditEventView.list",
         status=True),
)


def visible_tiles(user) -> list[Tile]:
    return [tile for tile in TILES if has_permission(user, tile.permission)
            and (not tile.duty or any(has_permission(user, duty) for duty in tile.duty))]


def tiles_for(session, user) -> list[tuple[Tile, int]]:
    """(tile, count) of every tile ``user`` may see."""
    return [(tile, tile.count(session, user)) for tile in visible_tiles(user)]


def recent_officials(session, user, limit: int = RECENT_OFFICIALS) -> list[tuple[int, str]]:
    """(id, name) of the officials ``user`` opened last (their read events in the audit trail),
    newest first, only those still in their scope: one statement."""
    reach = scope.scope_of(user)
    if reach.kind == "none":
        return []
    opened = (select(AuditEvent.object_id, func.max(AuditEvent.seq).label("last"))
              .where(AuditEvent.actor_id == user.id, AuditEvent.action == "read",
                     AuditEvent.object_type == Official.__tablename__, AuditEvent.object_id.is_not(None))
              .group_by(AuditEvent.object_id).subquery())
    query = (select(Official.id, Official.name).join(opened, opened.c.object_id == cast(Official.id, String))
             .order_by(opened.c.last.desc()).limit(limit))
    condition = reach.officials()
    if condition is not None:
        query = query.where(condition)
    # The request's visibility rules (models.visibility) apply on top, as on the official list.
    return [tuple(row) for row in session.execute(query)]
