"""Only approved content is the dossier.

Every ORM query of a dossier record (official or section) gets the criterion
``review_state = 'approved'`` added, relationship loads included, so lists,
searches, counts, the official page and anything exported cannot show pending
content by accident. The few places that must see pending work opt in:

- ``execution_options(include_pending=True)`` on a query (review queues, the
  author's drafts, history, the workflow itself);
- ``request_state.current().visibility = "author"`` for a request that edits the user's own drafts:
  approved rows plus the rows the signed-in user entered.

The same hook keeps every query of a request inside the user's department scope;
only ``execution_options(all_departments=True)`` lifts it, for the system's own
checks (uniqueness of citizen IDs across the unit). Who reaches what is security's
policy (``security.scope``), above the domain: the application hands its
``current`` in when it installs the hook.
"""

from flask import has_app_context, has_request_context
from sqlalchemy import event, or_
from sqlalchemy.orm import Session, with_loader_criteria

from security import request_state

from .base import SectionRecord, SourceMixin, current_user_id


def _approved(cls):
    return cls.review_state == "approved"


# The request's scope, or None (no limit): security.scope.current, given at install.
_current_scope = None


def _department_scope(state) -> list:
    """The signed-in user's department scope on officials and everything owned by one."""
    if state.execution_options.get("all_departments") or _current_scope is None:
        return []
    current = _current_scope()
    if current is None or current.kind == "all":
        return []
    from .collection import CollectionReceipt
    from .official import Official
    from .workflow import ChangeRequest

    condition = current.officials()
    owned = current.official_ids()
    return [
        with_loader_criteria(Official, condition, include_aliases=True),
        with_loader_criteria(SectionRecord, lambda cls: cls.official_id.in_(owned), include_aliases=True),
        with_loader_criteria(CollectionReceipt, CollectionReceipt.official_id.in_(owned), include_aliases=True),
        with_loader_criteria(ChangeRequest, ChangeRequest.official_id.in_(owned), include_aliases=True),
    ]


def install(current_scope) -> None:
    """Idempotent. ``current_scope()`` is the request's scope (``officials()``,
    ``official_ids()``, ``kind``), or None where nothing limits it."""
    global _current_scope
    _current_scope = current_scope
    if not event.contains(Session, "do_orm_execute", _visible):
        event.listen(Session, "do_orm_execute", _visible)


def _visible(state):
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    # FAB's own tables (accounts, roles, permissions) hold no dossier content. Loading the signed-in
    # account must not work out its scope, which loads the account again.
    mappers = state.all_mappers
    if mappers and all(m.class_.__module__.startswith("flask_appbuilder.") for m in mappers):
        return
    options = _department_scope(state)
    if not state.execution_options.get("include_pending"):
        options.append(_approval_criteria())
    if options:
        state.statement = state.statement.options(*options)


def _approval_criteria():
    scope = request_state.current().visibility if has_app_context() else None
    if scope == "author" and has_request_context():
        uid = current_user_id()
        return with_loader_criteria(
            SourceMixin,
            lambda cls: or_(cls.review_state == "approved", cls.entered_by_id == uid),
            include_aliases=True,
        )
    return with_loader_criteria(SourceMixin, _approved, include_aliases=True)
