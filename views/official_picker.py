"""The official picker: wherever a form names an official outside the official's own page
(the collection register, a consultation application, a section's add form opened from its
list), the user types part of a name, its pinyin or an exact citizen ID and picks one of
at most ``security.scope.PICKER_LIMIT`` officials of their scope. Never a list of everyone:
the archive holds 100,000 dossiers.

One field, one widget (FAB's bundled select2 asking one JSON endpoint as the user types) and
one endpoint. The rule (what is found, who is reachable) is ``security.scope``'s; the field
applies it again to what is posted, so a forged id outside the scope is a form error.
"""

from flask import jsonify, render_template, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access_api
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field
from wtforms.validators import StopValidation

from models import search
from models.db import db
from security import scope

REFUSED = _l("Choose an official of your scope from the list: that one is not within it, or does not exist.")


class OfficialPickerWidget:
    """A select holding only the chosen official, which select2 turns into a search as you type."""

    def __call__(self, field, **kwargs):
        official = field.data
        return Markup(render_template(
            "dossier/_official_picker.html", id=kwargs.get("id", field.id), name=field.name,
            css=kwargs.get("class", "form-control"), label=str(field.label.text),
            chosen=(official.id, search.label(official)) if official is not None else None,
            url=url_for("OfficialPickerView.search"), strings=strings()))


class OfficialPickerField(Field):
    """Its data is an ``Official`` of the user's scope, or None.

    ``default`` (a callable) names the official the page was opened for; a posted id is
    looked up within the scope (``security.scope.reachable_official``), and whatever the data
    ends up as (a view may set it, as self-service does) is checked against the scope again
    before the form is valid.
    """

    widget = OfficialPickerWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.posted = ""

    def process_formdata(self, valuelist):
        # No value posted: keep the default (the page's official), as FAB's select does.
        if not valuelist:
            return
        self.posted = (valuelist[0] or "").strip()
        self.data = scope.reachable_official(db.session, scope.current(), self.posted) if self.posted else None

    def _value(self):
        return str(self.data.id) if self.data is not None else ""

    def populate_obj(self, obj, name):
        setattr(obj, name, self.data)

    def pre_validate(self, form):
        reach = scope.current()
        if self.data is None and self.posted:
            raise StopValidation(str(REFUSED))
        if self.data is not None and reach is not None and not reach.allows(self.data):
            self.data = None
            raise StopValidation(str(REFUSED))


def picker_field(label, default=None, **kwargs):
    from wtforms.validators import DataRequired

    return OfficialPickerField(label, validators=[DataRequired()], default=default, **kwargs)


class OfficialPickerView(BaseView):
    """The picker's search: the search box's permission, since it is the same search."""

    route_base = "/officialpicker"
    class_permission_name = "search"
    base_permissions = ["can_list"]
    method_permission_name = {"search": "list"}

    @expose("/search")
    @has_access_api
    def search(self):
        found = scope.find_reachable(db.session, scope.current(), request.args.get("q", ""))
        return jsonify([{"id": official.id, "text": search.label(official)} for official in found])


STRINGS = {
    "placeholder": _l("Type a name or pinyin"),
    "no_results": _l("No official of your scope matches"),
    "searching": _l("Searching…"),
    "error": _l("The search failed: try again."),
}


def strings() -> dict:
    return {key: str(value) for key, value in STRINGS.items()}


__all__ = ["OfficialPickerField", "OfficialPickerView", "OfficialPickerWidget", "REFUSED", "picker_field", "strings"]
