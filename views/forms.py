"""What every add and edit form of the dossier screens has beside FAB's own (applied by
``views.base.DossierModelView``, once for all screens):

- where it returns after saving (``views.returning``), in a hidden field;
- an empty choice that reads "（无）" in the reader's language: FAB's relation selects
  offer the empty choice as ``__None`` with no text, and WTForms shows an option
  without text by its value;
- date pickers that open where the date usually lies: a birth date on a decade of
  years some forty years back, an age-bound date (work start, party membership)
  on the years, not on today's month;
- a title naming the official the record is for.
"""

import json
from datetime import date

from flask import request
from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_appbuilder.fields import QuerySelectField
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import DateField, HiddenField
from wtforms.widgets import html_params

from models.db import db
from security import request_state

from . import returning

# bootstrap-datepicker's views: 0 days, 1 months, 2 years (a decade of them).
# The format the forms parse (WTForms' DateField), in bootstrap-datepicker's notation.
ISO_FORMAT = "yyyy-mm-dd"
YEARS = 2
# (column info key, picker options): the first key a date column's info has decides.
DATE_VIEWS = (
    ("birth", lambda: {"start-view": YEARS, "default-view-date": {"year": date.today().year - 40, "month": 0,
                                                                   "day": 1}}),
    ("min_age", lambda: {"start-view": YEARS}),
)


class OpeningDatePicker(DatePickerWidget):
    """FAB's date picker with options of its own, given as the picker's data attributes."""

    def __init__(self, options: dict):
        self.options = options

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        # The format is given here too, not only by FAB's ab.js: a date typed before the page's
        # scripts are ready has the picker built from these attributes alone (bootstrap-datepicker's
        # data-provide), which would otherwise rewrite 2008-06-14 as 04/06/14 (its default format).
        picker = {f"data-date-{key}": value if isinstance(value, (int, str)) else json.dumps(value)
                  for key, value in {"format": ISO_FORMAT, **self.options}.items()}
        return Markup(
            f'<div class="input-group date appbuilder_date" data-provide="datepicker" id="{field.id}-picker" '
            f'{html_params(**picker)}><span class="input-group-addon"><i class="fa fa-calendar cursor-hand"></i>'
            f'</span><input class="form-control" data-format="yyyy-MM-dd" '
            f'{html_params(type="text", value=field._value() if field.data else "", **kwargs)} /></div>')


def _date_views(model) -> dict:
    views = {}
    for column in model.__table__.columns:
        for key, options in DATE_VIEWS:
            if key in column.info:
                views[column.key] = options
                break
    return views


class DossierForm:
    """Mixed before FAB's form class: adjusts the bound fields of each form made."""

    _date_views: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self._fields.items():
            if isinstance(field, QuerySelectField) and field.allow_blank and not field.blank_text:
                field.blank_text = _("(none)")
            if isinstance(field, DateField) and name in self._date_views:
                field.widget = OpeningDatePicker(self._date_views[name]())


def dossier_form(form_class, model, returns=True, **fields):
    """``form_class`` with the behaviour above, the return address (unless ``returns`` is
    false: the list's filters) and ``fields``."""
    attrs = {"_date_views": _date_views(model) if model is not None else {}, **fields}
    if returns:
        attrs[returning.FIELD] = HiddenField(default=returning.came_from)
    return type(form_class.__name__, (DossierForm, form_class), attrs)


def chosen_official_id(model):
    """The official of the form: set by the view, posted, named by the official page's link,
    or the edited record's."""
    from sqlalchemy import select

    wanted = request_state.current().form_official_id or request.form.get("official") or request.args.get("_flt_0_official")
    # FAB's route pk is a string: PostgreSQL will not compare it with an integer column.
    pk = str((request.view_args or {}).get("pk") or "")
    if not wanted and pk.isdigit():
        wanted = db.session.scalar(select(model.__table__.c.official_id).where(model.__table__.c.id == int(pk)))
    return int(wanted) if str(wanted or "").isdigit() else None


def form_official(model):
    """The official an add or edit form of ``model`` is for, if known and in the reader's reach
    (the same query as the form's official field: out of scope is no one)."""
    from sqlalchemy import select

    from models import Official

    if model is Official:
        pk = str((request.view_args or {}).get("pk") or "")
        official_id = int(pk) if pk.isdigit() else None
    elif hasattr(model, "__table__") and "official_id" in model.__table__.c:
        official_id = chosen_official_id(model)
    else:
        return None
    if official_id is None:
        return None
    return db.session.scalars(select(Official).where(Official.id == official_id)).first()


ADD_TITLE = _l("Enter %(section)s for %(official)s")
EDIT_TITLE = _l("Edit %(section)s of %(official)s")


def form_title(subject, official, adding: bool) -> str:
    """The title of a form entering (or editing) ``subject`` for ``official``."""
    return (ADD_TITLE if adding else EDIT_TITLE) % {"section": subject, "official": official.name}


# The reader's language as select2 and bootstrap-datepicker name their locales (both
# "zh-CN" and "zh-TW"); English is their own default.
WIDGET_LOCALES = {"zh": "zh-CN", "zh_Hant": "zh-TW"}


def widget_locale() -> str | None:
    from flask_babel import get_locale

    locale = get_locale()
    if locale is None:
        return None
    key = f"{locale.language}_{locale.script}" if locale.script else locale.language
    return WIDGET_LOCALES.get(key)
