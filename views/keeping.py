"""Completeness for HR and the inspector, and the archive's fixity and four-property
screens (§1.3.2, §4.3.2): results that otherwise live only in the database."""

from flask import abort, request
from flask_appbuilder import BaseView, expose, has_access
from sqlalchemy import select

from models.db import db
from jobs import four_property
from models import Department, FixityProblem, FixityRun, Official, completeness, reading
from models.inspection import FourPropertyRun

RECENT = 30
LISTED = 200


def official_findings(official_id: int, user) -> list:
    """The findings of one dossier that ``user`` may read (scope applies through the query hooks)."""
    facts = completeness.load_facts(db.session, [official_id])
    if not facts:
        return []
    found = completeness.findings_of(facts[0], completeness.limits())
    return completeness.visible(found, reading.closed_to(user)[1])


class CompletenessView(BaseView):
    route_base = "/completeness"
    default_view = "index"
    class_permission_name = "completeness"

    @expose("/")
    @has_access
    def index(self):
        from flask import g

        departments = db.session.scalars(select(Department).order_by(Department.code)).all()
        chosen = request.args.get("department", "")
        where = None
        if chosen:
            if not chosen.isdigit() or int(chosen) not in {d.id for d in departments}:
                abort(400)
            where = Official.department_id == int(chosen)
        closed = reading.closed_to(g.user)[1]
        summary, flagged = completeness.summarise(
            (oid, completeness.visible(found, closed)) for oid, found in completeness.check(db.session, where))
        shown = list(flagged.items())[:LISTED]
        officials = {o.id: o for o in db.session.scalars(select(Official).where(Official.id.in_([i for i, _ in shown])))}
        rows = [(officials[oid], found) for oid, found in shown if oid in officials]
        return self.render_template("dossier/completeness.html", summary=summary, rows=rows, departments=departments,
                                    chosen=chosen, kinds=completeness.KIND_LABELS)


    @expose("/confirm/<int:official_id>", methods=["POST"])
    @has_access
    def confirm(self, official_id):
        """HR records that an empty required section is empty because there is none of its kind."""
        from flask import flash, g, redirect, url_for
        from flask_babel import gettext as _

        from models.inspection import CompletenessConfirmation
        from security import audit, scope

        scope.guard(Official, official_id)
        if db.session.get(Official, official_id) is None:
            abort(404)
        key = request.form.get("section", "")
        if key not in {m.section_key for m in completeness.REQUIRED}:
            flash(_("Choose a required section."), "danger")
            return redirect(url_for("OfficialView.show", pk=official_id))
        exists = db.session.scalar(select(CompletenessConfirmation.id).where(
            CompletenessConfirmation.official_id == official_id, CompletenessConfirmation.section_key == key))
        if exists is None:
            note = (request.form.get("note") or "").strip()[:2000] or None
            confirmation = CompletenessConfirmation(official_id=official_id, section_key=key, note=note,
                                                    confirmed_by_id=g.user.id)
            db.session.add(confirmation)
            db.session.flush()
            audit.record("completeness_confirmed", object_type="official", object_id=official_id,
                         details={"section": key})
            db.session.commit()
        flash(_("Recorded: this dossier has none of this kind."), "success")
        return redirect(url_for("OfficialView.show", pk=official_id))


class FixityView(BaseView):
    route_base = "/fixity"
    default_view = "index"
    class_permission_name = "fixity"

    @expose("/")
    @has_access
    def index(self):
        runs = db.session.scalars(select(FixityRun).order_by(FixityRun.id.desc()).limit(RECENT)).all()
        problems = db.session.scalars(select(FixityProblem).order_by(FixityProblem.id.desc()).limit(RECENT)).all()
        checks = db.session.scalars(select(FourPropertyRun).order_by(FourPropertyRun.id.desc()).limit(RECENT)).all()
        return self.render_template("dossier/fixity.html", runs=runs, problems=problems, checks=checks)


class FourPropertyView(BaseView):
    route_base = "/four-property"
    default_view = "list"
    class_permission_name = "four_property"

    @expose("/")
    @has_access
    def list(self):
        checks = db.session.scalars(select(FourPropertyRun).order_by(FourPropertyRun.id.desc()).limit(RECENT)).all()
        return self.render_template("dossier/four_property_list.html", checks=checks)

    @expose("/<int:run_id>")
    @has_access
    def show(self, run_id):
        check_run = db.session.get(FourPropertyRun, run_id)
        if check_run is None:
            abort(404)
        rows = [(four_property.PROPERTIES[i.property], four_property.BY_KEY[i.item].label, i,
                 four_property.problems_of(i), four_property.note_of(i)) for i in check_run.items]
        return self.render_template("dossier/four_property.html", check_run=check_run, rows=rows)
