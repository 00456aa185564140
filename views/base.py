"""The one place where FAB's ModelView learns about our models' metadata.

Labels come from ``models.labels``, code columns become selects of the code
table and show names, and every rule of ``models.validation`` is checked in the
form (message next to the field) and again before the write.
"""

from flask import g, has_request_context, request
from flask_babel import gettext as _
from flask_appbuilder import ModelView
from flask_appbuilder.fieldwidgets import Select2Widget
from sqlalchemy import Date
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, StopValidation

from app.extensions import db
from models import codes, validation, workflow
from models.labels import LABELS
from security import scope


class ModelRules:
    """A WTForms validator running the model's rules and keeping those about one field."""

    def __init__(self, model):
        self.model = model

    def __call__(self, form, field):
        if field.errors:  # unparsable input already has its message
            return
        values = {name: f.data for name, f in form._fields.items()}
        if "official" not in values:
            values["official"] = getattr(form, "_official", None) or self._official_of_edited_record(form)
        for error in validation.errors_for(self.model, values):
            if error.field == field.name:
                raise StopValidation(error.message)

    def _official_of_edited_record(self, form):
        pk = getattr(form, "_id", None)
        record = db.session.get(self.model, pk) if pk is not None else None
        return getattr(record, "official", None)


def _has_rules(column) -> bool:
    info = column.info
    return isinstance(column.type, Date) or any(
        k in info for k in ("format", "birth", "min_age", "after", "year", "range")
    )


def metadata_attrs(model) -> dict:
    """FAB view attributes derived from the model's columns."""
    columns = model.__table__.columns
    code_columns = {c.key: c.info["code_table"] for c in columns if "code_table" in c.info}
    form_fields = {
        key: SelectField(
            LABELS.get(key, key),
            choices=codes.choices(table),
            coerce=lambda value: value or None,
            validators=[Optional() if columns[key].nullable else DataRequired()],
            widget=Select2Widget(),
        )
        for key, table in code_columns.items()
    }
    search_fields = {
        key: SelectField(LABELS.get(key, key), choices=codes.choices(table), widget=Select2Widget())
        for key, table in code_columns.items()
    }
    formatters = {key: (lambda code, t=table: codes.name(t, code)) for key, table in code_columns.items()}
    formatters["review_state"] = workflow.state_label
    rules = ModelRules(model)
    # Sensitive fields are stored encrypted: FAB sees no column, so the form field is ours.
    for column in columns:
        if "plain" in column.info:
            field_class = TextAreaField if column.info.get("text") else StringField
            required = DataRequired() if column.info.get("required") else Optional()
            form_fields[column.key] = field_class(LABELS.get(column.key, column.key), validators=[required, rules])
    return {
        "label_columns": dict(LABELS),
        "formatters_columns": formatters,
        "add_form_extra_fields": form_fields,
        "edit_form_extra_fields": form_fields,
        # Filters on a code column offer the names, not a box to type codes into.
        "search_form_extra_fields": search_fields,
        "validators_columns": {c.key: [rules] for c in columns if _has_rules(c) and "plain" not in c.info},
    }


class DossierModelView(ModelView):
    """Base of every dossier screen."""

    page_size = 25

    # FAB shows every related view on a master page, whatever the reader may
    # list: the official page would otherwise open the integrity file to a clerk.
    @property
    def _related_views(self):
        views = self.__dict__.get("_all_related_views", [])
        if not has_request_context():
            return views
        sm = self.appbuilder.sm
        return [v for v in views if sm.has_access("can_list", v.class_permission_name)]

    @_related_views.setter
    def _related_views(self, views):
        self.__dict__["_all_related_views"] = views



class RecordView(DossierModelView):
    """A screen of dossier records: every write follows the review workflow (models.workflow)."""

    # Forms may offer, and edits may load, the user's own drafts; lists never do.
    def _add(self):
        g.dossier_scope = "author"
        return super()._add()

    # A record opened by its id outside the user's departments is a 404 and an audit event.
    def _edit(self, pk):
        scope.guard(self.datamodel.obj, pk)
        g.dossier_scope = "author"
        return super()._edit(pk)

    def _delete(self, pk):
        scope.guard(self.datamodel.obj, pk)
        g.dossier_scope = "author"
        return super()._delete(pk)

    # Reading sensitive content is itself an audited event (§5.3, §6).
    def _show(self, pk):
        scope.guard(self.datamodel.obj, pk)
        widgets = super()._show(pk)
        self._audit_read(pk)
        return widgets

    def _list(self, **kwargs):
        widgets = super()._list(**kwargs)
        self._audit_read(None)
        return widgets

    def _audit_read(self, pk) -> None:
        from security import audit

        model = self.datamodel.obj
        if any("plain" in c.info for c in model.__table__.columns):
            audit.record("read", object_type=model.__tablename__, object_id=pk,
                         details={"page": request.args.get("page_" + self.__class__.__name__, "0")} if pk is None else None)
            db.session.commit()

    @property
    def add_row_message(self):
        return _("Saved as a draft. Submit it for review from “My drafts”.")

    @property
    def edit_row_message(self):
        if g.get("change_request") is not None:
            return _("The approved record is unchanged: your change request #%(id)s waits in “My drafts”.",
                     id=g.change_request.id)
        return _("Draft saved.")

    def pre_add(self, item):
        item.review_state = workflow.DRAFT
        link_receipt(item)
        within_scope(item)
        validation.check(item)

    def pre_update(self, item):
        session = self.datamodel.session
        with session.no_autoflush:
            within_scope(item)
            validation.check(item)
            g.change_request = workflow.route_edit(session, item, g.user)

    def pre_delete(self, item):
        workflow.check_delete(item, g.user)


def within_scope(item) -> None:
    """An official entered or moved by a department-scoped user stays in their departments."""
    from models import Official

    reach = scope.current()
    if isinstance(item, Official) and reach is not None and not reach.allows(item):
        raise workflow.WorkflowError("out_of_scope", _("You can only enter officials of your own departments."))


def link_receipt(item) -> None:
    """Material entered from the collection register carries the receipt's source (§3.2)."""
    from models import CollectionReceipt

    receipt_id = request.args.get("receipt", type=int)
    if not receipt_id or not hasattr(item, "receipt_id"):
        return
    receipt = db.session.get(CollectionReceipt, receipt_id)
    if receipt is None or receipt.official_id != getattr(item.official, "id", None):
        raise workflow.WorkflowError("wrong_receipt", _("That collection-register entry is not for this official."))
    item.receipt_id = receipt.id
    item.source_channel = receipt.source_channel
    item.source_department_id = receipt.source_department_id
    item.received_on = receipt.received_on
