"""The one place where FAB's ModelView learns about our models' metadata.

Labels come from ``models.labels``, code columns become selects of the code
table and show names, and every rule of ``models.validation`` is checked in the
form (message next to the field) and again before the write.
"""

from flask import has_request_context
from flask_appbuilder import ModelView
from flask_appbuilder.fieldwidgets import Select2Widget
from sqlalchemy import Date
from wtforms import SelectField
from wtforms.validators import DataRequired, Optional, StopValidation

from models import codes, validation
from models.labels import LABELS, REVIEW_STATES


class ModelRules:
    """A WTForms validator running the model's rules and keeping those about one field."""

    def __init__(self, model):
        self.model = model

    def __call__(self, form, field):
        if field.errors:  # unparsable input already has its message
            return
        values = {name: f.data for name, f in form._fields.items()}
        if "official" not in values:
            values["official"] = self._official_of_edited_record(form)
        for error in validation.errors_for(self.model, values):
            if error.field == field.name:
                raise StopValidation(error.message)

    def _official_of_edited_record(self, form):
        from app.extensions import db

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
    formatters["review_state"] = lambda state: str(REVIEW_STATES.get(state, state))
    rules = ModelRules(model)
    return {
        "label_columns": dict(LABELS),
        "formatters_columns": formatters,
        "add_form_extra_fields": form_fields,
        "edit_form_extra_fields": form_fields,
        # Filters on a code column offer the names, not a box to type codes into.
        "search_form_extra_fields": search_fields,
        "validators_columns": {c.key: [rules] for c in columns if _has_rules(c)},
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

    def pre_add(self, item):
        validation.check(item)

    def pre_update(self, item):
        validation.check(item)
