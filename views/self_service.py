"""Self-service for officials (§3.1 channel 1): their own approved dossier, new material
and change requests, and the status of what they sent. Nothing of anyone else."""

from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from models.db import db
from models import BY_KEY, BY_TABLE, SECTIONS, Material, Official, validation, workflow
from models.catalogue import class_order
from security import request_state, scope
from security.errors import Refusal
from security.manager import view_named

from .catalogue import file_upload
from .saving import decided
from .workflow import display, field_label, rows_of

# The official is the source (channel "self"); these are set, not asked.
SET_FOR_SELF = ["official", "source_channel", "source_department", "received_on"]


def set_for_self(form, official) -> None:
    """Fill the fields an official is not asked, over anything posted for them."""
    values = {"official": official, "source_channel": "self", "source_department": None,
              "received_on": date.today()}
    for name, value in values.items():
        if name in form:
            form[name].data = value
    form._official = official
    # The official field offers only the form's official (views.base.official_field).
    request_state.current().form_official_id = official.id


def own_official() -> Official:
    official = db.session.scalar(select(Official).where(Official.account_id == g.user.id))
    if official is None:
        abort(404)
    return official


def refuse_other_official(official) -> None:
    """A form or link naming another official (a tampered post, a guessed link) is refused as
    a guessed id outside the scope is, with the attempt audited; nothing is saved."""
    for named in (request.form.get("official"), request.args.get("_flt_0_official")):
        if named not in (None, "", str(official.id)):
            scope.guard(Official, named)
            abort(404)


def catalogue_order(model, records) -> list:
    """Materials in the order of the paper catalogue: by class, then number; others as queried."""
    if model is not Material:
        return records
    order = class_order()
    return sorted(records, key=lambda m: (order.get(m.material_class, len(order)), m.sequence or 0))


class MyDossierView(BaseView):
    class_permission_name = "my_dossier"
    route_base = "/mydossier"
    default_view = "index"

    def _view_for(self, model):
        """The section's own screen, whose forms and rules self-service reuses."""
        return view_named(self.appbuilder, f"{model.__name__}View")

    @expose("/")
    @has_access
    def index(self):
        official = own_official()
        sections = []
        # The sections, then the catalogue of their documents (class, number, title).
        for model in (*SECTIONS, Material):
            # Approved content only (models.visibility): the catalogue holds filed, numbered entries.
            records = catalogue_order(model, db.session.scalars(
                select(model).where(model.official_id == official.id).order_by(*[getattr(model, c) for c in model.order_by])
            ).all())
            sections.append({
                "key": model.section_key,
                "label": model.section_label,
                "columns": [(c, field_label(model, c)) for c in model.list_columns if c in model.__table__.columns],
                "records": [{"id": r.id, "table": r.__tablename__,
                             "values": [display(model, c, getattr(r, c)) for c in model.list_columns
                                        if c in model.__table__.columns]} for r in records],
            })
        basic = [(field_label(Official, c), display(Official, c, getattr(official, c)))
                 for c in ("name", "gender", "birth_date", "ethnicity", "native_place", "political_status",
                           "education", "degree", "work_start_date", "party_join_date", "department_id", "post",
                           "office_phone", "mobile", "email")]
        requests = self._openable(rows_of(workflow.pending_items(db.session, workflow.PENDING, author=g.user.id)))
        return self.render_template("dossier/my_dossier.html", title=_("My dossier"), official=official,
                                    basic=basic, sections=sections, requests=requests)

    def _openable(self, rows):
        """No link to a screen the official may not open (a document's preview, a record's history)."""
        sm = self.appbuilder.sm
        for row in rows:
            if not sm.has_access("can_preview", Material.section_key):
                row.file_url = None
            if not sm.has_access("can_record", "history"):
                row.history_url = None
        return rows

    @expose("/add/<section>", methods=["GET", "POST"])
    @has_access
    def add(self, section):
        model = BY_KEY.get(section)
        if model is None or model is Official:
            abort(404)
        official = own_official()
        refuse_other_official(official)
        view = self._view_for(model)
        form = view.add_form.refresh()
        set_for_self(form, official)
        # A document's file passes the clerk's checks (views.catalogue.UploadCheck, on the form).
        if request.method == "POST" and form.validate():
            record = model(official=official, source_channel="self", review_state=workflow.DRAFT)
            form.populate_obj(record)
            try:
                if model is Material:
                    # Stored as the clerk's upload is; a later refusal's rollback removes it again.
                    file_upload(record, request.files.get("upload"))
                validation.check(record)
            except (validation.DossierValidationError, Refusal) as error:
                db.session.rollback()
                flash(str(error), "danger")
            else:
                return self._save_and_submit(record)
        return self.render_template("appbuilder/general/model/add.html", title=model.section_label,
                                    widgets=view._get_add_widget(form, exclude_cols=SET_FOR_SELF))

    @expose("/change/<table>/<int:record_id>", methods=["GET", "POST"])
    @has_access
    def change(self, table, record_id):
        model = BY_TABLE.get(table)
        official = own_official()
        record = db.session.get(model, record_id) if model else None
        if record is None or record.official.id != official.id:
            abort(404)
        view = self._view_for(model)
        form = view.edit_form.refresh(obj=None if request.method == "POST" else record)
        form._id = record_id
        if request.method == "POST":
            # What an official may not change stays as the record has it, whatever was posted.
            for name in SET_FOR_SELF:
                if name in form:
                    form[name].data = getattr(record, name)
            form._official = official
        if request.method == "POST" and form.validate():
            form.populate_obj(record)
            try:
                validation.check(record)
                change = workflow.route_edit(db.session, record, g.user)
            except (validation.DossierValidationError, workflow.WorkflowError) as error:
                db.session.rollback()
                flash(str(error), "danger")
            else:
                return self._save_and_submit(change)
        return self.render_template("appbuilder/general/model/edit.html", title=model.section_label,
                                    widgets=view._get_edit_widget(form, exclude_cols=SET_FOR_SELF))

    def _save_and_submit(self, item):
        """Store a checked record or change request and submit it at once: the official's
        department head is the first reviewer."""
        def submit():
            db.session.add(item)
            db.session.flush()
            workflow.perform(db.session, g.user, item, "submit")

        if not decided(submit, _("Sent for review. You can follow it below.")):
            return redirect(request.url)
        return redirect(url_for(".index"))
