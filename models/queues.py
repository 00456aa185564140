"""Review queues (§3.3): what waits for whom, within the read rule (``models.reading``)."""

from sqlalchemy import select

from .reading import UNIT_WIDE, closed_to, has_permission, unit_reviewed
from .workflow import (
    APPROVED, FINAL_REVIEW, FIRST_APPROVED, FIRST_REVIEW, SUBMITTED, ChangeRequest, WorkflowError, check,
    departments_of,
)



def reviewable_models():
    from .disposal.appraisal import AppraisalMark
    from .sections import DOSSIER_MODELS

    # An appraisal mark (§9.1.2) is reviewed like any change: one more kind of item.
    return (*DOSSIER_MODELS, ChangeRequest, AppraisalMark)


def _conditions(model, closed, unit: bool | None):
    """SQL conditions keeping ``model``'s rows inside the read rule (``closed``) and, with
    ``unit`` True/False, inside the unit-reviewed sections or outside them; None: none of it."""
    from .catalogue import Material
    from .sections import DOSSIER_MODELS

    classes, tables = closed
    if model is ChangeRequest:
        unit_tables = [m.__tablename__ for m in DOSSIER_MODELS if unit_reviewed(m)]
        conditions = [model.table_name.notin_(tables)] if tables else []
        if unit is not None:
            conditions.append(model.table_name.in_(unit_tables) if unit else model.table_name.notin_(unit_tables))
        return conditions
    if model.__tablename__ == "appraisal_mark":
        # A mark is read as what it marks; its first review is the unit head's (its routing).
        if unit is not None and unit_reviewed(model) != unit:
            return None
        return [model.table_name.notin_(tables)] if tables else []
    if model.__tablename__ in tables or (unit is not None and unit_reviewed(model) != unit):
        return None
    conditions = []
    if model is Material:
        if classes:
            conditions.append(Material.material_class.notin_(classes))
        if tables:
            conditions.append(Material.record_table.is_(None) | Material.record_table.notin_(tables))
    return conditions


NOTHING_CLOSED = (frozenset(), frozenset())


def pending_items(session, state: str | tuple, *, authors=None, author=None, not_author=None,
                  closed=NOTHING_CLOSED, unit: bool | None = None) -> list:
    """Records and change requests in ``state`` that the read rule leaves open, oldest change first."""
    states = (state,) if isinstance(state, str) else state
    items = []
    from sqlalchemy.orm import selectinload

    for model in reviewable_models():
        conditions = _conditions(model, closed, unit)
        if conditions is None:
            continue
        # Each row shows its official and its author: loaded per table, not per row.
        query = (select(model).where(model.review_state.in_(states), *conditions)
                 .execution_options(include_pending=True)
                 .options(*(selectinload(getattr(model, name)) for name in ("official", "entered_by")
                            if name in model.__mapper__.relationships)))
        if author is not None:
            query = query.where(model.entered_by_id == author)
        if not_author is not None:
            query = query.where(model.entered_by_id != not_author)
        if authors is not None:
            query = query.where(model.entered_by_id.in_(authors))
        items.extend(session.scalars(query))
    return sorted(items, key=lambda item: (item.changed_at, item.__tablename__, item.id))


def pending_count(session, state: str, *, authors=None, not_author=None, closed=NOTHING_CLOSED,
                  unit: bool | None = None) -> int:
    """How many records and change requests are in ``state``: one statement for every table."""
    from sqlalchemy import func, literal, union_all

    parts = []
    for model in reviewable_models():
        conditions = _conditions(model, closed, unit)
        if conditions is None:
            continue
        part = select(literal(1).label("one")).select_from(model).where(model.review_state == state, *conditions)
        if not_author is not None:
            part = part.where(model.entered_by_id != not_author)
        if authors is not None:
            part = part.where(model.entered_by_id.in_(authors))
        parts.append(part.execution_options(include_pending=True))
    return session.scalar(select(func.count()).select_from(union_all(*parts).subquery())
                          .execution_options(include_pending=True, all_departments=True))


def queue_count(session, user, stage: str) -> int:
    """``len(queue(session, user, stage))``, counted by the database."""
    return sum(pending_count(session, state, **where) for state, where in _waiting_for(session, user, stage))


def colleagues_of(session, user_id) -> set[int]:
    """Users sharing a department with ``user_id``: whose entries they first-review."""
    from .official import Official
    from .organisation import StaffDepartment

    departments = departments_of(session, user_id)
    staff = session.scalars(select(StaffDepartment.user_id).where(StaffDepartment.department_id.in_(departments)))
    officials = session.scalars(
        select(Official.account_id)
        .where(Official.department_id.in_(departments), Official.account_id.is_not(None))
        .execution_options(include_pending=True, all_departments=True)
    )
    return (set(staff) | set(officials)) - {user_id}


def _waiting_for(session, user, stage: str) -> list:
    """[(state, which items)] of ``user``'s queue at ``stage``: empty if they have no such queue.

    First review: the author's department head, for the sections they may read; the
    unit-reviewed sections (``unit_first_review``) by a first reviewer of the whole unit.
    Final review: any final reviewer but the author. Nobody sees what they may not read."""
    closed = closed_to(user)
    if stage == "first":
        if not has_permission(user, FIRST_REVIEW):
            return []
        parts = [(SUBMITTED, {"authors": colleagues_of(session, user.id), "closed": closed, "unit": False})]
        if has_permission(user, UNIT_WIDE):
            parts.append((SUBMITTED, {"not_author": user.id, "closed": closed, "unit": True}))
        return parts
    if not has_permission(user, FINAL_REVIEW):
        return []
    return [(FIRST_APPROVED, {"not_author": user.id, "closed": closed})]


def queue(session, user, stage: str) -> list:
    """The items waiting for ``user`` at ``stage`` ("first" or "final")."""
    items = [item for state, where in _waiting_for(session, user, stage)
             for item in pending_items(session, state, **where)]
    return sorted(items, key=lambda item: (item.changed_at, item.__tablename__, item.id))


def awaits(session, user, item) -> bool:
    """Whether ``item`` is in one of ``user``'s review queues (so they may open it)."""
    try:
        check(session, user, item, {SUBMITTED: "first_approve", FIRST_APPROVED: "final_approve"}[item.review_state])
    except KeyError:
        return False
    except WorkflowError as refused:
        # Raised only once every rule of the reviewer passed: it waits for them, who must
        # be able to examine it, even if they cannot pass it yet.
        return refused.code == "official_pending"
    return True


def may_open(session, user, item) -> bool:
    """Whether ``user`` may open ``item`` (its page, history or file) by review state alone.

    Approved content is the dossier: the read rules decide who reads it. Until then it
    is work in progress (§3.3): its author goes on with it, and whoever's review queue
    it waits in examines it; nobody else, not a reviewer of another stage or department
    (§1 保密性, §5.1 access by work need). Scope and the read rule still apply on top.
    """
    return item.review_state == APPROVED or item.entered_by_id == user.id or awaits(session, user, item)
