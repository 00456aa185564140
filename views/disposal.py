"""The archive's holds (冻结) and appraisal marks (§9.1.2) screens.

They only gather what models.disposal decides: ``holds.place`` / ``holds.lift`` and
``appraisal.mark`` hold every rule; a mark is then reviewed in the ordinary review
queues (views.workflow), which list it beside the records."""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import BY_TABLE, codes, workflow
from models.db import db
from models.disposal import appraisal, holds
from models.disposal.holds import Hold

def named(table: str) -> dict:
    """A code table as code → name in the reader's language, for a select."""
    return {code: codes.name(table, code) for code in codes.table(table)}


HOLD_KIND_LABELS = {"dossier": _l("A whole dossier"), "class": _l("A material class"), "material": _l("A material")}


class HoldView(BaseView):
    route_base = "/holds"
    default_view = "list"
    class_permission_name = "holds"

    @expose("/")
    @has_access
    def list(self):
        return self.render_template(
            "dossier/holds.html", holds=holds.listed(db.session), kinds=HOLD_KIND_LABELS,
            classes=named("material_class"), form=request.args,
            can_place=self.appbuilder.sm.has_access("can_place", self.class_permission_name),
            can_lift=self.appbuilder.sm.has_access("can_lift", self.class_permission_name))

    @expose("/place", methods=["POST"])
    @has_access
    def place(self):
        form = request.form
        try:
            hold = holds.place(db.session, g.user, form.get("kind"), form.get("official_id"), form.get("material_class"),
                               form.get("material_id"), reason=form.get("reason"), ordered_by=form.get("ordered_by"))
            db.session.commit()
        except holds.HoldError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return redirect(url_for("HoldView.list"))
        flash(_("Hold no. %(id)s placed.", id=hold.id), "success")
        return redirect(url_for("HoldView.list"))

    @expose("/lift/<int:hold_id>", methods=["POST"])
    @has_access
    def lift(self, hold_id):
        hold = db.session.get(Hold, hold_id)
        if hold is None:
            abort(404)
        try:
            holds.lift(db.session, hold, g.user, request.form.get("reason"))
            db.session.commit()
        except holds.HoldError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return redirect(url_for("HoldView.list"))
        flash(_("Hold no. %(id)s lifted.", id=hold_id), "success")
        return redirect(url_for("HoldView.list"))


class AppraisalView(BaseView):
    route_base = "/appraisal"
    default_view = "list"
    class_permission_name = "appraisal"

    @expose("/")
    @has_access
    def list(self):
        from .workflow import marked_url

        rows = [(m, BY_TABLE[m.table_name].section_label, marked_url(m), workflow.state_label(m.review_state))
                for m in appraisal.marks(db.session)]
        return self.render_template("dossier/appraisal_marks.html", rows=rows,
                                    reasons=named("invalid_reason"))

    @expose("/mark/<table>/<int:record_id>", methods=["GET", "POST"])
    @has_access
    def mark(self, table, record_id):
        from security import scope

        model = BY_TABLE.get(table)
        if model is None:
            abort(404)
        scope.guard(model, record_id)
        try:
            row = appraisal.markable(db.session, table, record_id)
        except appraisal.AppraisalError as refused:
            if refused.code == "no_item":
                abort(404)
            flash(str(refused), "danger")
            return redirect(url_for("AppraisalView.list"))
        if request.method == "POST":
            try:
                entry = appraisal.mark(db.session, g.user, row, request.form.get("reason"), request.form.get("note"))
                db.session.commit()
            except appraisal.AppraisalError as refused:
                db.session.rollback()
                flash(str(refused), "danger")
                return redirect(url_for("AppraisalView.mark", table=table, record_id=record_id))
            flash(_("Mark no. %(id)s made: it now waits for review.", id=entry.id), "success")
            return redirect(url_for("AppraisalView.list"))
        return self.render_template(
            "dossier/appraisal_mark.html", row=row, label=model.section_label, reasons=named("invalid_reason"),
            on_hold=holds.blocking(db.session, holds.Item.of(row)), describe=holds.describe)
