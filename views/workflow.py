"""Screens of the review workflow: my drafts, the two review queues, record history.

They only gather what models.workflow decides; every move goes through
``workflow.perform``, which holds the rules.
"""

from dataclasses import dataclass

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models.db import db
from models import BY_TABLE, AppraisalMark, ChangeRequest, Material, Official, ReviewDecision, codes, validation, workflow
from models import history, identity
from models.cleanup import removal_dates
# The history's reading of a stored value and a field's label, which other screens share.
from models.history import display, field_label  # noqa: F401
from security import request_state, scope


@dataclass
class Row:
    """One pending item as the screens list it."""

    key: str
    section: str
    official: str
    official_id: int
    summary: list  # (label, value) or (label, old, new) for change requests
    author: str
    changed_at: object
    state: str
    reason: str | None
    is_change: bool
    edit_url: str | None
    history_url: str | None
    page_url: str | None = None
    # A filed document, opened by whoever reviews it.
    file_url: str | None = None


def rows_of(items) -> list[Row]:
    """Rows of many items, their rejection reasons read in one query."""
    rejections = workflow.last_rejections(db.session, items)
    return [row_of(item, rejections.get((item.__tablename__, item.id))) for item in items]


def _content_hidden(item) -> bool:
    # The one read rule: an author of a write-only section (a clerk's integrity-file entry)
    # sees that the entry exists and where it stands, not its content.
    return not workflow.readable(item, workflow.closed_to(g.user))


_LOOK_UP = object()


def row_of(item, rejection=_LOOK_UP) -> Row:
    hidden = _content_hidden(item)
    if isinstance(item, ChangeRequest):
        model = item.target_model
        old, new = ({}, {}) if hidden else (item.original_values, item.proposed_values)
        # A change of a citizen ID or phone reads masked to a reviewer without the identity tier.
        clear = identity.reads_clear(g.user, item.official)
        summary = [(field_label(model, k), display(model, k, identity.shown(model, k, old.get(k), clear)),
                    display(model, k, identity.shown(model, k, new[k], clear))) for k in new]
        section = _("%(section)s (change request)", section=model.section_label)
        edit_url = None
        history_url = url_for("HistoryView.record", table=item.table_name, record_id=item.record_id)
    elif isinstance(item, AppraisalMark):
        section, summary, edit_url, history_url = _mark_parts(item)
    else:
        model = type(item)
        keys = ("name", "department_id", "post") if model is Official else model.list_columns
        summary = [] if hidden else [(field_label(model, k), display(model, k, getattr(item, k)))
                                     for k in keys if k in model.__table__.columns]
        section = str(model.section_label)
        edit_url = url_for(f"{model.__name__}View.edit", pk=item.id) if item.review_state == workflow.DRAFT else None
        history_url = url_for("HistoryView.record", table=item.__tablename__, record_id=item.id)
    if hidden:
        summary = [(_("Content"), _("not shown: you may not read this section"))]
    marked = isinstance(item, AppraisalMark)
    if rejection is _LOOK_UP:
        rejection = workflow.last_rejection(db.session, item) if item.review_state == workflow.DRAFT else None
    official = item if isinstance(item, Official) else item.official
    return Row(
        key=workflow.item_key(item), section=section, official=str(official), official_id=official.id,
        summary=summary, author=str(item.entered_by) if item.entered_by else "", changed_at=item.changed_at,
        state=workflow.state_label(item.review_state), reason=rejection.reason if rejection else None,
        is_change=isinstance(item, ChangeRequest), edit_url=edit_url, history_url=history_url,
        # The author goes on entering a new official's material from its page.
        page_url=url_for("OfficialView.show", pk=item.id) if isinstance(item, Official)
        else marked_url(item) if marked else None,
        file_url=url_for("MaterialView.preview", pk=item.id) if isinstance(item, Material) else None,
    )


def marked_url(mark) -> str:
    """The page of what a mark marks (a material or a section record)."""
    return url_for(f"{BY_TABLE[mark.table_name].__name__}View.show", pk=mark.record_id)


def _mark_parts(mark):
    """(section, summary, edit url, history url) of an appraisal mark: it is reviewed beside
    the entry it marks, whose history holds the mark's decisions."""
    model = BY_TABLE[mark.table_name]
    summary = [(_("Marked entry"), f"{model.section_label} #{mark.record_id}"),
               (_("Reason"), codes.name("invalid_reason", mark.reason)), (_("Note"), mark.note or "")]
    return (_("%(section)s (invalidity mark)", section=model.section_label), summary, None,
            url_for("HistoryView.record", table=mark.table_name, record_id=mark.record_id))


def apply_to_selected(action: str, reason: str | None = None) -> tuple[int, list[str]]:
    """Perform ``action`` on every selected item; each one is checked on its own."""
    done, problems = 0, []
    for key in request.form.getlist("item"):
        item = workflow.find_item(db.session, key)
        if item is None:
            problems.append(_("%(key)s: no such item.", key=key))
            continue
        try:
            workflow.perform(db.session, g.user, item, action, reason)
            done += 1
        except workflow.WorkflowError as error:
            row = row_of(item)
            problems.append(f"{row.section} · {row.official}: {error}")
    try:
        db.session.commit()
    except validation.DossierValidationError as error:
        db.session.rollback()
        return 0, [str(error)]
    return done, problems


def report(done: int, problems: list[str]) -> None:
    if done:
        flash(_("%(count)s item(s) done.", count=done), "success")
    for problem in problems:
        flash(problem, "danger")


class MyDraftsView(BaseView):
    """The author's pending work: drafts (with any rejection reason) and what is under review."""
    class_permission_name = "my_drafts"

    route_base = "/mydrafts"
    default_view = "list"

    @expose("/")
    @has_access
    def list(self):
        items = workflow.pending_items(db.session, workflow.PENDING, author=g.user.id)
        # Stale drafts the clean-up told the author about (models.cleanup): the day each goes.
        drafts = [item for item in items if item.review_state == workflow.DRAFT]
        removals = {f"{table}:{item_id}": day for (table, item_id), day in removal_dates(db.session, drafts).items()}
        return self.render_template("dossier/my_drafts.html", rows=rows_of(items), removals=removals,
                                    title=_("My drafts"))

    @expose("/submit", methods=["POST"])
    @has_access
    def submit(self):
        report(*apply_to_selected("submit"))
        return redirect(url_for(".list"))

    @expose("/withdraw", methods=["POST"])
    @has_access
    def withdraw(self):
        """Drop change requests still in draft; record drafts are deleted from their own screen."""
        done, problems = 0, []
        for key in request.form.getlist("item"):
            item = workflow.find_item(db.session, key)
            if isinstance(item, ChangeRequest) and item.review_state == workflow.DRAFT and item.entered_by_id == g.user.id:
                db.session.delete(item)
                done += 1
            else:
                problems.append(_("Only your own draft change requests can be withdrawn."))
        db.session.commit()
        report(done, problems)
        return redirect(url_for(".list"))


class ReviewQueueView(BaseView):
    stage = "first"
    approve, reject = "first_approve", "first_reject"
    title = _l("First review")
    default_view = "list"

    @expose("/")
    @has_access
    def list(self):
        items = workflow.queue(db.session, g.user, self.stage)
        return self.render_template("dossier/review_queue.html", rows=rows_of(items),
                                    title=self.title, stage=self.stage)

    @expose("/decide", methods=["POST"])
    @has_access
    def decide(self):
        action = self.approve if request.form.get("decision") == "approve" else self.reject
        report(*apply_to_selected(action, request.form.get("reason")))
        return redirect(url_for(".list"))


class FirstReviewView(ReviewQueueView):
    class_permission_name = "first_review"
    route_base = "/review/first"


class FinalReviewView(ReviewQueueView):
    class_permission_name = "final_review"
    route_base = "/review/final"
    stage = "final"
    approve, reject = "final_approve", "final_reject"
    title = _l("Final review")


class QueueCount:
    """A menu label that shows how many items wait for the signed-in user."""

    def __init__(self, text, stage):
        self.text, self.stage = text, stage

    def __str__(self):
        user = g.get("user")
        if user is None or not getattr(user, "is_authenticated", False):
            return str(self.text)
        # The menu is kept drawn (views.menu_cache): a marker there, this page's count filled in.
        if request_state.current().menu_marks:
            from .menu_cache import MARK

            return f"{self.text} ({MARK.format(self.stage)})"
        return f"{self.text} ({queue_count(self.stage)})"

    def __html__(self):
        return str(self)


def queue_count(stage: str) -> int:
    """How many items wait for the signed-in user at ``stage``: counted once per request, in the database."""
    counts = request_state.current().queue_counts
    if stage not in counts:
        counts[stage] = workflow.queue_count(db.session, g.user, stage)
    return counts[stage]


class HistoryView(BaseView):
    """Every version of a record with who changed what, and every review decision (§7.3)."""
    class_permission_name = "history"

    route_base = "/history"

    @expose("/<table>/<int:record_id>")
    @has_access
    def record(self, table, record_id):
        model = BY_TABLE.get(table)
        if model is None or not self.appbuilder.sm.has_access("can_show", model.section_key):
            abort(404)
        scope.guard(model, record_id)
        record = db.session.get(model, record_id, execution_options={"include_pending": True})
        if record is None:
            abort(404)
        if isinstance(record, Material):
            from .catalogue import may_read

            if not may_read(record):
                abort(404)
        if not workflow.may_open(db.session, g.user, record):
            abort(404)
        official = record if isinstance(record, Official) else record.official
        entries = history.entries(db.session, model, record_id, clear=identity.reads_clear(g.user, official))
        decisions = db.session.scalars(
            select(ReviewDecision)
            .where(ReviewDecision.record_table == table, ReviewDecision.record_id == record_id)
            .order_by(ReviewDecision.id)
        ).all()
        requests = db.session.scalars(
            select(ChangeRequest).where(ChangeRequest.table_name == table, ChangeRequest.record_id == record_id)
            .order_by(ChangeRequest.id)
        ).all()
        return self.render_template(
            "dossier/history.html", title=_("History of %(what)s", what=model.section_label),
            record=record, model=model, entries=entries, decisions=decisions,
            requests=[row_of(r) for r in requests],
            actions={a: t.label for a, t in workflow.TRANSITIONS.items()},
        )
