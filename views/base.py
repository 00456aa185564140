"""The one place where FAB's ModelView learns about our models' metadata.

Labels come from ``models.labels``, code columns become selects of the code
table and show names, and every rule of ``models.validation`` is checked in the
form (message next to the field) and again before the write.
"""

from datetime import datetime

from flask import g, has_request_context, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_appbuilder import ModelView
from flask_appbuilder.fieldwidgets import Select2Widget
from sqlalchemy import Date
from sqlalchemy import inspect as sa_inspect
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, StopValidation

from models.db import db
from models import DOSSIER_MODELS, codes, identity, validation, workflow
from models.labels import labels_of
from security import request_state, scope

from . import returning, submissions
# The model interface lives in views.interface; screens import it from here too.
from .interface import (DossierFilters, DossierInterface, DossierSearchWidget, FilterPrefix,  # noqa: F401
                        counted_with_rows, escape_like)
from .forms import chosen_official_id as _chosen_official_id, dossier_form, form_official, form_title
from .list_export import ListExport
from .saving import SavingForms


# The id a list's row buttons are drawn with before each row puts its own in (no real id is this).
CRUD_STAND_IN = 987654321987654321


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
    labels = labels_of(model)
    code_columns = {c.key: c.info["code_table"] for c in columns if "code_table" in c.info}
    form_fields = {
        key: SelectField(
            labels.get(key, key),
            choices=codes.choices(table),
            coerce=lambda value: value or None,
            validators=[Optional() if columns[key].nullable else DataRequired()],
            widget=Select2Widget(),
        )
        for key, table in code_columns.items()
    }
    search_fields = {
        key: SelectField(labels.get(key, key), choices=codes.choices(table), widget=Select2Widget())
        for key, table in code_columns.items()
    }
    formatters = {key: (lambda code, t=table: codes.name(t, code)) for key, table in code_columns.items()}
    formatters["review_state"] = workflow.state_label
    # Identity fields read masked on every show page and list without the identity tier.
    for key, kind in identity.fields_of(model).items():
        formatters[key] = lambda value, kind=kind: value if identity.reads_clear(g.user) else identity.masked(kind, value)
    rules = ModelRules(model)
    # Sensitive fields are stored encrypted: FAB sees no column, so the form field is ours.
    for column in columns:
        if "plain" in column.info:
            field_class = TextAreaField if column.info.get("text") else StringField
            required = DataRequired() if column.info.get("required") else Optional()
            form_fields[column.key] = field_class(labels.get(column.key, column.key), validators=[required, rules])
    relationships = model.__mapper__.relationships
    if "official" in relationships:
        form_fields["official"] = official_field(model)
        for name, relation in relationships.items():
            if name != "official" and "official_id" in relation.mapper.columns and not relation.uselist:
                form_fields[name] = same_official_field(model, name)
    add_fields = form_fields
    if "official" in form_fields:
        # An add form may be opened without an official (from a list, the register): a picker.
        add_fields = {**form_fields, "official": official_picker_field(model)}
    return {
        "label_columns": labels,
        "formatters_columns": formatters,
        "add_form_extra_fields": add_fields,
        "edit_form_extra_fields": form_fields,
        # Filters on a code column offer the names, not a box to type codes into.
        "search_form_extra_fields": search_fields,
        "validators_columns": {c.key: [rules] for c in columns if _has_rules(c) and "plain" not in c.info},
    }


def official_field(model):
    """The official a record belongs to, offered alone.

    FAB's relation field offers, and on every post validates against, every
    official the user can see: 100,000 rows loaded (and then inspected by
    versioning) for one form. Records are entered from the official's page, which
    names the official; an edit keeps the record's own. The usual query hooks
    apply, so an official out of the user's reach is "not a valid choice".
    """
    from flask_appbuilder.fields import QuerySelectField
    from sqlalchemy import select

    from models import Official

    def chosen():
        official_id = _chosen_official_id(model)
        if official_id is None:
            return []
        return list(db.session.scalars(select(Official).where(Official.id == official_id)))

    return QuerySelectField(labels_of(model).get("official", "official"), query_func=chosen, get_pk_func=lambda o: o.id,
                            validators=[DataRequired()], widget=Select2Widget(),
                            description=_l("Open the official's page and add the record from there."))


def official_picker_field(model):
    """The official of an add form: the one the page names, else whom the user picks from their scope."""
    from .official_picker import picker_field

    def chosen():
        official_id = _chosen_official_id(model)
        return scope.reachable_official(db.session, scope.current(), official_id) if official_id else None

    return picker_field(labels_of(model).get("official", "official"), default=chosen)


def same_official_field(model, name: str):
    """A relation to another record of the same official (a certificate's training):
    that official's records only, not the whole archive's."""
    from flask_appbuilder.fields import QuerySelectField
    from sqlalchemy import select

    target = model.__mapper__.relationships[name].mapper.class_

    def chosen():
        official_id = _chosen_official_id(model)
        if official_id is None:
            return []
        return list(db.session.scalars(select(target).where(target.official_id == official_id)))

    return QuerySelectField(labels_of(model).get(name, name), query_func=chosen, get_pk_func=lambda o: o.id,
                            allow_blank=True, validators=[Optional()], widget=Select2Widget())


def section_choices() -> list[tuple[str, str]]:
    """(key, label) of every dossier section, in the reader's language, for a choice of sections."""
    return [(model.section_key, str(model.section_label)) for model in DOSSIER_MODELS]


def readable(formatter=None):
    """A value as a reader reads it: an empty field is empty (never "None"), a time is to the second."""

    def _format(value):
        if formatter is not None and value is not None:
            value = formatter(value)
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value

    return _format


class DossierModelView(ListExport, SavingForms, ModelView):
    """Base of every dossier screen; its list exports as filtered (views.list_export)."""

    page_size = 25
    # What an add or edit form enters, in its title beside the official's name (else the title).
    form_subject = None
    # FAB's list page with the export menu.
    list_template = "dossier/list.html"
    search_widget = DossierSearchWidget

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        fieldset_columns = [c for _name, fields in (self.show_fieldsets or []) for c in fields.get("fields", [])]
        self.formatters_columns = {
            name: readable(self.formatters_columns.get(name))
            for name in dict.fromkeys([*self.list_columns, *self.show_columns, *fieldset_columns,
                                       *self.formatters_columns])
        }
        # Every add form carries a one-time submission id (views.submissions); every form
        # where it returns, a named empty choice and its date pickers (views.forms).
        model = getattr(self.datamodel, "obj", None)
        self.add_form = dossier_form(self.add_form, model,
                                     **{submissions.FIELD: HiddenField(default=submissions.new_id)})
        self.edit_form = dossier_form(self.edit_form, model)
        self.search_form = dossier_form(self.search_form, model, returns=False)
        if isinstance(self.datamodel, DossierInterface):
            relationships = sa_inspect(self.datamodel.obj).relationships.keys()
            shown = dict.fromkeys([*self.list_columns, *self.show_columns])
            self.datamodel.eager = tuple(c for c in shown if c in relationships)
            self.datamodel.tab_eager = tuple(c for c in self.list_columns if c in relationships and c != "official")

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

    # After a save the user goes back where the form was opened (views.returning); FAB's
    # session history is still consumed, and is the fallback for a post that names nothing.
    def _back(self, first=None):
        fab = self.get_redirect()
        if fab == self.appbuilder.get_url_for_index:
            fab = None
        return redirect(first or returning.local(fab) or url_for(f"{self.endpoint}.list"))

    def post_add_redirect(self):
        return self._back(returning.posted())

    def post_edit_redirect(self):
        return self._back(returning.posted())

    def post_delete_redirect(self):
        pk = (request.view_args or {}).get("pk")
        gone = (url_for(f"{self.endpoint}.show", pk=pk), url_for(f"{self.endpoint}.edit", pk=pk))
        return self._back(returning.after_delete(gone))

    def render_template(self, template, **kwargs):
        # An add or edit form says whose dossier it writes to (views.forms.form_title).
        if request.endpoint in (f"{self.endpoint}.add", f"{self.endpoint}.edit") and "title" in kwargs:
            official = form_official(self.datamodel.obj)
            if official is not None:
                kwargs["title"] = form_title(self.form_subject or kwargs["title"], official,
                                             request.endpoint.endswith(".add"))
        return super().render_template(template, **kwargs)


class RecordView(DossierModelView):
    """A screen of dossier records: every write follows the review workflow (models.workflow)."""

    # Without the identity tier (models.identity) the edit form leaves identity fields out:
    # prefilled, they would show in clear; masked, the mask would be saved over the value.
    # Left out, a save leaves them as they are. Only this screen's own edit route does so:
    # self-service edits the official's own record (views.self_service), read by its subject.
    @property
    def edit_form(self):
        full, without_identity = self.__dict__.get("_edit_forms", (None, None))
        masked = (has_request_context() and (request.endpoint or "").startswith(f"{type(self).__name__}.")
                  and not identity.reads_clear(g.user))
        return without_identity if masked else full

    @edit_form.setter
    def edit_form(self, form):
        left_out = dict.fromkeys(identity.fields_of(self.datamodel.obj))
        self.__dict__["_edit_forms"] = (form, type(form.__name__, (form,), left_out) if left_out and form else form)

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        widgets = widgets or {}
        widgets["edit"] = self.edit_widget(form=form, include_cols=[c for c in self.edit_columns if c in form],
                                           exclude_cols=exclude_cols or [], fieldsets=self.edit_fieldsets)
        return widgets

    # Forms may offer, and edits may load, the user's own drafts; lists never do.
    def _add(self):
        request_state.current().visibility = "author"
        return super()._add()

    # A record opened by its id outside the user's departments is a 404 and an audit event.
    def _edit(self, pk):
        scope.guard(self.datamodel.obj, pk)
        request_state.current().visibility = "author"
        return super()._edit(pk)

    def _delete(self, pk):
        scope.guard(self.datamodel.obj, pk)
        request_state.current().visibility = "author"
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
        from sqlalchemy.orm import Session

        from security import audit

        model = self.datamodel.obj
        if any("plain" in c.info for c in model.__table__.columns):
            # A transaction of its own: committing the page's session would make
            # versioning inspect, and expire, every row the page is about to show.
            with Session(db.engine) as session:
                audit.record("read", object_type=model.__tablename__, object_id=pk, session=session,
                             details={"page": request.args.get("page_" + self.__class__.__name__, "0")}
                             if pk is None else None)
                session.commit()

    @property
    def add_row_message(self):
        return _("Saved as a draft. Submit it for review from “My drafts”.")

    @property
    def edit_row_message(self):
        change = request_state.current().change_request
        if change is not None:
            return _("The approved record is unchanged: your change request #%(id)s waits in “My drafts”.",
                     id=change.id)
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
            request_state.current().change_request = workflow.route_edit(session, item, g.user)

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
