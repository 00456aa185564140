"""Collection register, the backlog it makes visible (§3.2 不得积压), and batch entry of
one year's annual assessments (§7.1.2)."""

from collections import defaultdict
from datetime import date

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField

from models.db import db
from models import BY_KEY, CollectionReceipt, Department, Official, codes, workflow
from models.backlog import overdue_entries, overdue_receipts, receipt_deadline  # noqa: F401
from models.evaluation import AnnualAssessment
from models.labels import LABELS

from .base import DossierInterface, DossierModelView, metadata_attrs, section_choices
from .workflow import row_of


class ReceiptView(DossierModelView):
    """Material is logged when it arrives; entries made from a receipt link back to it."""
    class_permission_name = "collection_register"

    datamodel = DossierInterface(CollectionReceipt)
    list_title = show_title = _l("Collection register")
    add_title = _l("Register received material")
    edit_title = _l("Edit a register entry")
    list_columns = ["official", "section_key", "source_channel", "provider", "received_on", "deadline"]
    add_columns = ["official", "section_key", "source_channel", "source_department", "provider", "received_on", "description"]
    edit_columns = ["section_key", "source_channel", "source_department", "provider", "received_on", "deadline", "description"]
    show_columns = [*add_columns, "deadline", "entered_by", "entered_at"]
    search_columns = ["official", "section_key", "source_channel", "received_on", "deadline"]
    base_order = ("received_on", "desc")
    show_template = "dossier/receipt_show.html"

    def pre_add(self, item):
        from models import validation

        validation.check(item)

    pre_update = pre_add

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        receipt = db.session.get(CollectionReceipt, pk)
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views, entry_url=entry_url(receipt))


for _name, _value in metadata_attrs(CollectionReceipt).items():
    setattr(ReceiptView, _name, _value)
ReceiptView.label_columns = {**LABELS, "section_key": _l("Dossier section"), "provider": _l("Provided by"),
                             "deadline": _l("Entry deadline"), "description": _l("Description of the material")}
ReceiptView.formatters_columns = {**ReceiptView.formatters_columns,
                                  "section_key": lambda key: str(BY_KEY[key].section_label) if key in BY_KEY else key}
_section_field = SelectField(_l("Dossier section"), choices=section_choices)
ReceiptView.add_form_extra_fields = {**ReceiptView.add_form_extra_fields, "section_key": _section_field}
ReceiptView.edit_form_extra_fields = {**ReceiptView.edit_form_extra_fields, "section_key": _section_field}


def entry_url(receipt) -> str | None:
    """Where a clerk enters the material of a receipt: its section's form, linked back."""
    model = BY_KEY.get(receipt.section_key)
    if model is None:
        return None
    if model is Official:
        return url_for("OfficialView.edit", pk=receipt.official_id)
    return url_for(f"{model.__name__}View.add", _flt_0_official=receipt.official_id, receipt=receipt.id)


def department_of(item) -> str:
    official = item if isinstance(item, Official) else item.official
    return str(official.department) if official else ""


class BacklogView(BaseView):
    """What is overdue, by department (§3.2 及时录入, 不得积压)."""
    class_permission_name = "backlog"

    route_base = "/backlog"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        today = date.today()
        receipts, entries = overdue_receipts(db.session, today), overdue_entries(db.session, today)
        by_department = defaultdict(lambda: {"receipts": [], "entries": []})
        for receipt in receipts:
            by_department[str(receipt.official.department)]["receipts"].append(receipt)
        for item in entries:
            by_department[department_of(item)]["entries"].append((row_of(item), receipt_deadline(item)))
        return self.render_template(
            "dossier/backlog.html", title=_("Backlog"), departments=dict(sorted(by_department.items())),
            today=today, section_label=lambda key: BY_KEY[key].section_label if key in BY_KEY else key,
            entry_url=entry_url,
        )


class BatchAssessmentView(BaseView):
    """HR enters one year's annual assessment results for a department at once (§7.1.2)."""
    class_permission_name = "batch_assessment"

    route_base = "/assessments/batch"
    default_view = "index"

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        year = request.args.get("year", type=int) or date.today().year - 1
        department_id = request.args.get("department", type=int)
        officials = []
        if department_id:
            officials = list(db.session.scalars(
                select(Official).where(Official.department_id == department_id, Official.status == "1")
                .order_by(Official.name)
            ))
        done = set(db.session.scalars(
            select(AnnualAssessment.official_id).where(AnnualAssessment.year == year)
            .execution_options(include_pending=True)
        )) if officials else set()
        return self.render_template(
            "dossier/batch_assessment.html", title=_("Annual assessment: batch entry"), year=year,
            department_id=department_id, departments=db.session.scalars(select(Department).order_by(Department.code)),
            officials=officials, done=done, grades=codes.choices("assessment_grade")(),
        )

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        from models import validation

        year = request.form.get("year", type=int)
        department_id = request.form.get("department", type=int)
        entered, problems = [], []
        for official in db.session.scalars(select(Official).where(Official.department_id == department_id)):
            grade = request.form.get(f"grade_{official.id}")
            if not grade:
                continue
            record = AnnualAssessment(
                official=official, year=year, grade=grade, comments=request.form.get(f"comments_{official.id}") or None,
                source_channel="hr", received_on=date.today(), review_state=workflow.DRAFT, entered_by_id=g.user.id,
            )
            errors = validation.errors_for(AnnualAssessment, validation.values_of(record))
            duplicate = db.session.scalar(
                select(AnnualAssessment.id).where(AnnualAssessment.official_id == official.id, AnnualAssessment.year == year)
                .execution_options(include_pending=True)
            )
            if duplicate:
                errors.append(validation.FieldError("year", _("%(name)s already has an assessment for %(year)s.",
                                                                name=official.name, year=year)))
            if errors:
                problems.append(f"{official.name}: " + "；".join(e.message for e in errors))
                continue
            db.session.add(record)
            entered.append(record)
        if problems:
            # Nothing is half-written: fix the listed rows and save again.
            db.session.rollback()
            for problem in problems:
                flash(problem, "danger")
        else:
            db.session.flush()
            if request.form.get("submit_now"):
                for record in entered:
                    workflow.perform(db.session, g.user, record, "submit")
            db.session.commit()
            flash(_("%(count)s annual assessment(s) entered.", count=len(entered)), "success")
        return redirect(url_for(".index", year=year, department=department_id))
