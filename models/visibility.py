"""Only approved content is the dossier (shared/DESIGN.md §4).

Every ORM query of a dossier record (official or section) gets the criterion
``review_state = 'approved'`` added, relationship loads included, so lists,
searches, counts, the official page and anything exported cannot show pending
content by accident. The few places that must see pending work opt in:

- ``execution_options(include_pending=True)`` on a query (review queues, the
  author's drafts, history, the workflow itself);
- ``g.dossier_scope = "author"`` for a request that edits the user's own drafts:
  approved rows plus the rows the signed-in user entered.
"""

from flask import g, has_app_context, has_request_context
from sqlalchemy import event, or_
from sqlalchemy.orm import Session, with_loader_criteria

from .base import SourceMixin, current_user_id


def _approved(cls):
    return cls.review_state == "approved"


def install() -> None:
    @event.listens_for(Session, "do_orm_execute")
    def _only_approved(state):
        if not state.is_select or state.is_column_load or state.is_relationship_load:
            return
        if state.execution_options.get("include_pending"):
            return
        scope = g.get("dossier_scope") if has_app_context() else None
        if scope == "author" and has_request_context():
            uid = current_user_id()
            criteria = with_loader_criteria(
                SourceMixin,
                lambda cls: or_(cls.review_state == "approved", cls.entered_by_id == uid),
                include_aliases=True,
            )
        else:
            criteria = with_loader_criteria(SourceMixin, _approved, include_aliases=True)
        state.statement = state.statement.options(criteria)
