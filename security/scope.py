"""Department scope (§5.1): whose dossiers the signed-in user reaches.

``security.roles.ROLE_SCOPE`` says it per role, granted as a permission on
``security.roles.SCOPE_VIEW`` (a rename of a role cannot change it). ``models.visibility`` adds the
scope to every ORM query of a dossier record made during a request, so lists,
searches, forms' choices and counts stay inside it; ``guard`` is called by every
path that opens one record by its id (show, edit, delete, history, files,
catalogue, review decisions), so a guessed id outside the scope is a 404 and an
audit event, never the data.
"""

from dataclasses import dataclass

from flask import abort, has_request_context, request
from sqlalchemy import false, select, true

from models import Official, StaffDepartment
from models.db import db
from models.reading import SCOPE_VIEW
from security import audit, grants, request_state

WIDTH = {"none": 0, "self": 1, "department": 2, "all": 3}
UNSCOPED = {"include_pending": True, "all_departments": True}


@dataclass(frozen=True)
class Scope:
    kind: str
    user_id: int
    departments: frozenset = frozenset()

    def officials(self):
        """A SQL condition on ``official`` rows reachable in this scope (None: all)."""
        if self.kind == "all":
            return None
        if self.kind == "department":
            return Official.department_id.in_(self.departments) if self.departments else false()
        if self.kind == "self":
            return Official.account_id == self.user_id
        return false()

    def official_ids(self):
        condition = self.officials()
        return select(Official.id).where(true() if condition is None else condition)

    def allows(self, official) -> bool:
        if self.kind == "all":
            return True
        if official is None:
            return False
        if self.kind == "department":
            # A form sets the relation; the id column still holds the old value until flush.
            department = getattr(official, "department", None)
            department_id = department.id if department is not None else official.department_id
            return department_id in self.departments
        if self.kind == "self":
            return official.account_id == self.user_id
        return False


def scope_of(user) -> Scope:
    held = grants.of_user(db.session, user)
    kinds = [kind for kind in WIDTH if (SCOPE_VIEW, f"can_{kind}") in held]
    kind = max(kinds, key=WIDTH.__getitem__, default="none")
    departments = frozenset()
    if kind == "department":
        departments = frozenset(db.session.scalars(
            select(StaffDepartment.department_id).where(StaffDepartment.user_id == user.id)
            .execution_options(all_departments=True)))
    return Scope(kind, user.id, departments)


def current() -> Scope | None:
    """The scope of this request's user; None outside a request (commands, jobs: no limit)."""
    if not has_request_context():
        return None
    state = request_state.current()
    if state.reach is not request_state.UNKNOWN:
        return state.reach
    # Loading the signed-in user runs queries that come back through here: they see no scope.
    state.reach = None
    from flask_login import current_user

    state.reach = scope_of(current_user) if getattr(current_user, "is_authenticated", False) else None
    return state.reach


def official_of(item):
    """The official a dossier item (record, material, change request, receipt) belongs to, unscoped."""
    if isinstance(item, Official):
        return item
    official_id = getattr(item, "official_id", None)
    return db.session.get(Official, official_id, execution_options=UNSCOPED) if official_id else None


def permits(item) -> bool:
    scope = current()
    return scope is None or scope.allows(official_of(item))


def guard(model, pk) -> None:
    """404 for a record outside the user's scope, with the attempt in the audit trail."""
    scope = current()
    if scope is None or scope.kind == "all":
        return
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        abort(404)
    item = db.session.get(model, pk, execution_options=UNSCOPED)
    if item is None or scope.allows(official_of(item)):
        return
    audit.record("access_denied", object_type=model.__tablename__, object_id=pk,
                 details={"path": request.path, "method": request.method})
    db.session.commit()
    abort(404)


# The official picker (views.official_picker): a few names to choose from, never a list of everyone.
PICKER_LIMIT = 20


def reachable_condition(reach: Scope | None):
    """The scope's SQL condition on officials, or None for no limit (HR, commands)."""
    return None if reach is None else reach.officials()


def find_reachable(session, reach: Scope | None, text: str, limit: int = PICKER_LIMIT) -> list:
    """Officials matching ``text`` as the search box finds them (name, pinyin, exact citizen ID),
    within ``reach`` and at most ``limit``. The condition is written here, not left to the
    request's query hook, so the rule holds (and is tested) wherever it is called."""
    from sqlalchemy.orm import selectinload

    from models import search

    statement = search.query(text, limit)
    if statement is None:
        return []
    condition = reachable_condition(reach)
    if condition is not None:
        statement = statement.where(condition)
    return list(session.scalars(statement.options(selectinload(Official.department))))


def reachable_official(session, reach: Scope | None, official_id):
    """The official a form names by id if ``reach`` includes them, else None: a forged or
    stale id outside the scope names nobody."""
    if not str(official_id or "").isdigit():
        return None
    statement = select(Official).where(Official.id == int(official_id))
    condition = reachable_condition(reach)
    if condition is not None:
        statement = statement.where(condition)
    return session.scalar(statement)
