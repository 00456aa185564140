"""Consultation (查阅, §5.3): apply, two approvals, read under the grant, and the archive's register."""

from datetime import datetime

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, Form

from models.db import db
from models import BY_KEY, Material, Official, history, identity, validation
from models.consultation import Consultation, ConsultationReading
from security import audit, consultation as rules
from security.scope import UNSCOPED
from models.storage import attachments, formats
from security import watermark

from .base import section_choices
from .official_picker import OfficialPickerField
from .catalogue import document_response
from .saving import decided
from .workflow import display, field_label


STATE_LABELS = {
    "submitted": _l("Waiting for the first approval"),
    "department_approved": _l("First approval given; waiting for the archive"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "expired": _l("Ended"),
}


# What the reading page leaves out of a record: whose dossier it is (the page says) and the
# workflow's and the store's bookkeeping.
READING_HIDES = frozenset({"official_id", "review_state", "stored_sha256", "file_key_id", "content_sha256",
                           "receipt_id"})

# The screen route deciding each first-approval route (security.consultation.ROUTES).
DECIDING_ROUTES = {"department": ".decide_department", "unit": ".decide_unit"}


class _Choice(Form):
    # The applicant's own scope, picked as they type (views.official_picker).
    official = OfficialPickerField(_l("Dossier of"))


def _chosen_official(choice, form):
    """The official an application names: one picked within the applicant's scope, or anyone
    by the exact citizen ID. A picked id outside the scope is refused (a forged choice),
    unless the citizen ID given beside it names that very official."""
    from security.keys import keyring

    citizen_id = (form.get("citizen_id") or "").strip().upper()
    by_citizen_id = db.session.scalar(
        select(Official).where(Official.citizen_id_index == keyring().blind_index(citizen_id))
        .execution_options(**UNSCOPED)) if citizen_id else None
    if choice.official.posted and not choice.validate():
        if by_citizen_id is not None and str(by_citizen_id.id) == choice.official.posted:
            return by_citizen_id, None
        return None, choice.official.errors[0]
    return choice.official.data or by_citizen_id, None


def official_of(application) -> Official | None:
    # Granted officials are often outside the reader's own departments.
    return db.session.get(Official, application.official_id, execution_options=UNSCOPED)


def watermark_text(application) -> str:
    # The reader's name and the grant's number identify the reading; the login name is internal.
    return _("Consulted by %(name)s under consultation #%(id)s at %(time)s", name=rules.display_name(g.user),
             id=application.id, time=datetime.now().strftime("%Y-%m-%d %H:%M"))


class PeriodForm(Form):
    """The period of an application, with FAB's date picker as on every other form."""
    valid_from = DateField(_l("From"), widget=DatePickerWidget())
    valid_until = DateField(_l("Until"), widget=DatePickerWidget())


class ConsultationView(BaseView):
    class_permission_name = "consultation"
    route_base = "/consultation"
    default_view = "list"

    @expose("/")
    @has_access
    def list(self):
        mine = db.session.scalars(select(Consultation).where(Consultation.applicant_id == g.user.id)
                                  .order_by(Consultation.id.desc())).all()
        return self.render_template("dossier/consultation_list.html", mine=mine,
                                    waiting=rules.queue(db.session, g.user), official_of=official_of,
                                    labels=dict(section_choices()), name_of=rules.display_name,
                                    archivists=rules.archivists(db.session), first_approvers=self._first_approvers,
                                    decide_url=self._decide_url, states=STATE_LABELS)

    @staticmethod
    def _decide_url(application) -> str:
        if application.state != "submitted":
            return url_for(".decide_archive", application_id=application.id)
        return url_for(DECIDING_ROUTES.get(application.first_route, ".decide_department"), application_id=application.id)

    @staticmethod
    def _first_approvers(application) -> str:
        return rules.approver_text(*rules.routed(db.session, application))

    @expose("/apply", methods=["GET", "POST"])
    @has_access
    def apply(self):
        # Within the applicant's scope only (the picker); an official outside it is named by
        # the exact citizen ID, which lists nobody else.
        form = request.form
        choice = _Choice(form if request.method == "POST" else None)
        period = PeriodForm(form if request.method == "POST" else None)
        # Who will decide, by the same rule the submission routes with.
        route, approvers = rules.route(db.session, g.user)
        problems = []
        if request.method == "POST":
            official, refused = _chosen_official(choice, form)
            sections = form.getlist("sections")
            period.validate()
            valid_from, valid_until = period.valid_from.data, period.valid_until.data
            problems = rules.application_problems(db.session, g.user, official, sections, form.get("purpose"),
                                                  valid_from, valid_until)
            if official is None or official.review_state != "approved":
                problems.insert(0, refused or _("Choose the official whose dossier you need."))
            if valid_from is None or valid_until is None:
                problems.append(_("Give the first and the last day of the period."))
            if route is None:
                problems.append(rules.nobody_approves_message())
            if not problems:
                try:
                    application = rules.submit(db.session, g.user, official_id=official.id,
                                               sections=",".join(sections), purpose=form["purpose"].strip(),
                                               valid_from=valid_from, valid_until=valid_until)
                    db.session.flush()
                except validation.DossierValidationError as error:  # the purpose is text that is not text
                    db.session.rollback()
                    problems = [e.message for e in error.errors]
                else:
                    audit.record("consultation_applied", object_type="consultation", object_id=application.id,
                                 details={"official": official.id, "sections": sections})
                    db.session.commit()
                    flash(_("Application #%(id)s submitted. %(approver)s; then the archive decides.",
                            id=application.id, approver=rules.approver_text(route, approvers)), "success")
                    return redirect(url_for(".list"))
        return self.render_template("dossier/consultation_apply.html", picker=choice.official,
                                    sections=section_choices(), problems=problems, form=form, period=period,
                                    approver=rules.approver_text(route, approvers), can_be_approved=route is not None)

    def _decide(self, application_id):
        application = db.session.get(Consultation, application_id)
        if application is None:
            abort(404)
        approve = request.form.get("decision") == "approve"
        assistant = request.form.get("assisted_by", "")
        assistant_id = int(assistant) if assistant.isdigit() else None
        decided(lambda: rules.decide(db.session, g.user, application, approve, request.form.get("reason"),
                                     assistant_id=assistant_id),
                _("Application #%(id)s approved.", id=application.id) if approve
                else _("Application #%(id)s rejected.", id=application.id))
        return redirect(url_for(".list"))

    @expose("/<int:application_id>/department", methods=["POST"])
    @has_access
    def decide_department(self, application_id):
        return self._decide(application_id)

    @expose("/<int:application_id>/unit", methods=["POST"])
    @has_access
    def decide_unit(self, application_id):
        return self._decide(application_id)

    @expose("/<int:application_id>/archive", methods=["POST"])
    @has_access
    def decide_archive(self, application_id):
        return self._decide(application_id)

    # ------------------------------------------------------------ reading

    def _granted(self, application_id, section_key):
        application = db.session.get(Consultation, application_id)
        try:
            rules.check_grant(application, g.user, section_key, request.remote_addr)
        except rules.ConsultationError as error:
            audit.record("consultation_refused", object_type="consultation", object_id=application_id,
                         details={"reason": error.code, "section": section_key})
            db.session.commit()
            return None, self.render_template("dossier/refused.html", message=str(error)), 403
        return application, None, None

    def _log(self, application, section_key, material_id=None):
        db.session.add(ConsultationReading(consultation_id=application.id, user_id=g.user.id,
                                           client_addr=request.remote_addr, section_key=section_key,
                                           material_id=material_id))
        audit.record("consultation_read", object_type="consultation", object_id=application.id,
                     details={"section": section_key, "material": material_id, "official": application.official_id})
        db.session.commit()

    @expose("/<int:application_id>/read/<section_key>")
    @has_access
    def read(self, application_id, section_key):
        model = BY_KEY.get(section_key)
        if model is None:
            abort(404)
        application, page, status = self._granted(application_id, section_key)
        if application is None:
            return page, status
        official = official_of(application)
        if model is Official:
            records = [official]
        else:
            records = db.session.scalars(select(model).where(model.official_id == official.id)
                                         .execution_options(all_departments=True)).all()
        if model is Material:
            records = [m for m in records if rules.covers_material(application, m)]
        # The fields the forms label, as the history page shows them (models.history): never a
        # ciphertext column, blind index or search key; identity fields masked without the tier.
        columns = [s.name for s in history.shown_columns(model) if s.name not in READING_HIDES]
        clear = identity.reads_clear(g.user, official)
        rows = [[display(model, c, identity.shown(model, c, getattr(r, c), clear)) for c in columns] for r in records]
        self._log(application, section_key)
        return self.render_template(
            "dossier/consultation_read.html", application=application, official=official, model=model,
            headers=[field_label(model, c) for c in columns], rows=rows, records=records,
            watermark=watermark_text(application), labels=dict(section_choices()))

    @expose("/<int:application_id>/document/<int:material_id>")
    @has_access
    def document(self, application_id, material_id):
        application, page, status = self._granted(application_id, "material")
        if application is None:
            return page, status
        material = db.session.get(Material, material_id, execution_options={"all_departments": True})
        if material is None or material.official_id != application.official_id:
            abort(404)
        if not rules.covers_material(application, material):
            audit.record("consultation_refused", object_type="consultation", object_id=application.id,
                         details={"reason": "section", "material": material.id})
            db.session.commit()
            return self.render_template("dossier/refused.html", message=_(
                "This grant does not cover that section.")), 403
        fmt = formats.by_media_type(material.media_type)
        if fmt is None or fmt.key != "pdf":
            return self.render_template("dossier/refused.html", message=_(
                "Only PDF documents can be shown with a watermark; ask the archive for a supervised printout "
                "of this %(kind)s file.", kind=fmt.label if fmt else material.media_type)), 409
        try:
            content = b"".join(attachments.open_plaintext(material.stored_sha256, material.official_id,
                                                              material.file_key_id))
        except attachments.AttachmentError as error:
            return self.render_template("dossier/refused.html", message=error.message), 409
        try:
            stamped = watermark.stamp_pdf(content, watermark_text(application))
        except Exception:  # a damaged or encrypted PDF, accepted at upload, cannot be stamped
            return self.render_template("dossier/refused.html", message=_(
                "This document cannot be shown with a watermark; ask the archive for a supervised printout "
                "of it.")), 409
        self._log(application, "material", material.id)
        # Only ever a stamped PDF: nothing else may load.
        return document_response(stamped, "application/pdf", "inline", policy="sandbox; default-src 'none'")

    @expose("/register")
    @has_access
    def register(self):
        applications = db.session.scalars(select(Consultation).order_by(Consultation.id.desc()).limit(500)).all()
        return self.render_template("dossier/consultation_register.html", applications=applications,
                                    official_of=official_of, labels=dict(section_choices()), states=STATE_LABELS,
                                    name_of=rules.display_name)
