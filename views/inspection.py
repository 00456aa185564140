"""The inspector's screens (§10): inspection reports (list, generate on demand, read,
verify, print, export) and their rectification items."""

from datetime import date, datetime

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from models.db import db
from jobs.inspection import present, printout, rectification, signing
from jobs.inspection.period import Period
from jobs.inspection.report import body_of, generate
from models import Department
from models.inspection import InspectionReport, RectificationItem
from security import audit
from security.roles import ROLE_LABELS

RECENT = 50


def parse_date(value) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _report(report_id: int) -> InspectionReport:
    report = db.session.get(InspectionReport, report_id)
    if report is None:
        abort(404)
    return report


def _mark() -> str:
    return f"{g.user.username} {datetime.now():%Y-%m-%d %H:%M}"


class InspectionView(BaseView):
    route_base = "/inspection"
    default_view = "list"
    class_permission_name = "inspection_report"

    @expose("/")
    @has_access
    def list(self):
        reports = db.session.scalars(select(InspectionReport).order_by(InspectionReport.id.desc()).limit(RECENT)).all()
        departments = db.session.scalars(select(Department).order_by(Department.code)).all()
        today = date.today()
        return self.render_template("dossier/inspection_list.html", reports=reports, departments=departments,
                                    start=today.replace(day=1), end=today,
                                    can_generate=self.appbuilder.sm.has_access("can_generate", "inspection_report"))

    @expose("/generate", methods=["POST"])
    @has_access
    def generate(self):
        start, end = parse_date(request.form.get("start")), parse_date(request.form.get("end"))
        department_id = None
        if request.form.get("department"):
            department_id = db.session.scalar(select(Department.id).where(
                Department.id == (int(request.form["department"]) if request.form["department"].isdigit() else -1)))
            if department_id is None:
                flash(_("No such department."), "danger")
                return redirect(url_for(".list"))
        if start is None or end is None:
            flash(_("Give the period as two dates (YYYY-MM-DD)."), "danger")
            return redirect(url_for(".list"))
        if end < start or end > date.today():
            flash(_("The period must end on or after its start, and not after today."), "danger")
            return redirect(url_for(".list"))
        report = generate(Period(start, end, department_id), "demand", g.user)
        flash(_("Report %(id)s generated and signed.", id=report.id), "success")
        return redirect(url_for(".show", report_id=report.id))

    @expose("/report/<int:report_id>")
    @has_access
    def show(self, report_id):
        report = _report(report_id)
        body = body_of(report)
        audit.record("read", object_type="inspection_report", object_id=report.id)
        db.session.commit()
        return self.render_template(
            "dossier/inspection_report.html", report=report, body=body, problem=signing.check(report),
            parts=present.figure_rows(body), findings=present.findings(body), roles=ROLE_LABELS,
            items=report.items, due=date.today(),
            can_rectify=self.appbuilder.sm.has_access("can_create", "rectification"))

    @expose("/report/<int:report_id>/pdf")
    @has_access
    def pdf(self, report_id):
        report = _report(report_id)
        data = printout.pdf(report, _mark())
        audit.record("export", object_type="inspection_report", object_id=report.id, details={"format": "pdf"})
        db.session.commit()
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="inspection-{report.id}.pdf"'})

    @expose("/report/<int:report_id>/xlsx")
    @has_access
    def xlsx(self, report_id):
        report = _report(report_id)
        data = printout.xlsx(report)
        audit.record("export", object_type="inspection_report", object_id=report.id, details={"format": "xlsx"})
        db.session.commit()
        return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="inspection-{report.id}.xlsx"'})


class RectificationView(BaseView):
    route_base = "/rectification"
    default_view = "list"
    class_permission_name = "rectification"

    @expose("/")
    @has_access
    def list(self):
        items = db.session.scalars(select(RectificationItem).order_by(RectificationItem.state.desc(),
                                                                      RectificationItem.due_on)).all()
        return self.render_template("dossier/rectification_list.html", items=items, roles=ROLE_LABELS,
                                    today=date.today())

    @expose("/create/<int:report_id>", methods=["POST"])
    @has_access
    def create(self, report_id):
        report = _report(report_id)
        form = request.form
        try:
            item = rectification.create(report, form.get("finding", ""), form.get("title", ""), form.get("role", ""),
                                        parse_date(form.get("due_on")), g.user)
        except rectification.RectificationError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return redirect(url_for("InspectionView.show", report_id=report.id))
        flash(_("Rectification item %(id)s created.", id=item.id), "success")
        return redirect(url_for(".list"))

    @expose("/close/<int:item_id>", methods=["POST"])
    @has_access
    def close(self, item_id):
        item = db.session.get(RectificationItem, item_id)
        if item is None:
            abort(404)
        try:
            rectification.close(item, request.form.get("note", ""), request.form.get("evidence", ""), g.user)
        except rectification.RectificationError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return redirect(url_for(".list"))
        flash(_("Rectification item %(id)s closed.", id=item.id), "success")
        return redirect(url_for(".list"))
