"""The security auditor's screen: the audit trail, read-only, with the chain's status (§6.3)."""

from flask import flash, redirect, url_for
from markupsafe import Markup
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import get_field_setup_query
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from models.db import db
from security.audit_tables import AuditEvent
from models.sections import BY_TABLE
from security import audit, audit_display, audit_registry, unit_time

from .base import DossierFilters, DossierInterface, DossierModelView

# The registry the writer checks (security.audit_registry): every recordable action has
# its label here, and the filter offers every one of them.
ACTIONS = audit_registry.ACTIONS


def object_type_label(code) -> str:
    if code in audit_registry.OBJECT_TYPES:
        return str(audit_registry.OBJECT_TYPES[code])
    model = BY_TABLE.get(code)
    return str(model.section_label) if model is not None and model.section_label else (code or "")


def object_type_choices() -> list:
    codes = dict(audit_registry.OBJECT_TYPES)
    codes.update({table: model.section_label for table, model in BY_TABLE.items() if model.section_label})
    return sorted(((code, str(label)) for code, label in codes.items()), key=lambda choice: choice[1])


def details_table(text) -> Markup:
    rows = audit_display.detail_rows(type("Event", (), {"details": text})())
    if not rows:
        return Markup("")
    body = Markup("").join(Markup("<tr><th scope=\"row\">%s</th><td>%s</td></tr>") % (label, value)
                           for label, value in rows)
    return Markup("<table class=\"table table-condensed audit-details\"><tbody>%s</tbody></table>") % body


class _LocalTime:
    """A filter on the stored UTC text whose input is a time of the unit's zone
    (security.unit_time): what the auditor types is what the screen shows."""

    def apply(self, query, value):
        stored = unit_time.utc_text(value)
        if stored is None:
            flash(_("Not a time: %(value)s. Type a date (2026-11-25) or a date and time (2026-11-25 08:30:15) "
                    "in the unit's time zone.", value=value), "warning")
            return query
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(self.compare(field, stored))


class FilterLocalAfter(_LocalTime, BaseFilter):
    name = _l("After (unit time)")
    arg_name = "gt"

    @staticmethod
    def compare(field, stored):
        return field > stored


class FilterLocalBefore(_LocalTime, BaseFilter):
    name = _l("Before (unit time)")
    arg_name = "lt"

    @staticmethod
    def compare(field, stored):
        return field < stored


class _AuditFilters(DossierFilters):
    # The time is ISO 8601 UTC text, whose text order is time order: "after" and
    # "before" compare it with the typed unit time converted to the same text.
    def convert(self, col_name):
        if col_name == "at":
            return [f(col_name, self.datamodel) for f in (FilterLocalAfter, FilterLocalBefore)]
        return super().convert(col_name)


class _AuditInterface(DossierInterface):
    filter_converter_class = _AuditFilters

    def query(self, *args, **kwargs):
        count, events = super().query(*args, **kwargs)
        # The names of a page's officials in one query, not one per row (security.audit_display).
        audit_display.prefetch_names(events)
        return count, events


def chain_status():
    """The last checkpoint and the verification of the events after it (security.audit)."""
    return audit.tail_status(db.session)


class AuditEventView(DossierModelView):
    class_permission_name = "audit_trail"
    datamodel = _AuditInterface(AuditEvent)
    # Read-only by construction; the database refuses changes anyway.
    base_permissions = ["can_list", "can_show", "can_verify"]
    list_template = "dossier/audit_list.html"
    list_title = _l("Audit trail")
    show_title = _l("Audit event")
    page_size = 50
    base_order = ("seq", "desc")
    label_columns = {
        "seq": _l("No."),
        "at": _l("Time"),
        "actor_id": _l("Account ID"),
        "actor_name": _l("Account"),
        "action": _l("Action"),
        "object_type": _l("Object type"),
        "object_id": _l("Object"),
        "object_named": _l("Object"),
        "client_addr": _l("Client address"),
        "details": _l("Details"),
        "chain": _l("Chain value"),
    }
    description_columns = {"at": _l("In the unit's time zone, e.g. 2026-11-25 08:30:15")}
    list_columns = ["seq", "at", "actor_name", "action", "object_type", "object_named", "client_addr"]
    show_columns = ["seq", "at", "actor_name", "actor_id", "action", "object_type", "object_named",
                    "client_addr", "details", "chain"]
    search_columns = ["action", "actor_name", "object_type", "object_id", "at"]
    search_form_extra_fields = {
        "action": SelectField(_l("Action"), choices=list(ACTIONS.items()), widget=Select2Widget()),
        "object_type": SelectField(_l("Object type"), choices=object_type_choices, widget=Select2Widget()),
    }
    formatters_columns = {
        "action": audit_registry.action_label,
        "object_type": object_type_label,
        "at": unit_time.local_text,
        "details": details_table,
    }

    def _show(self, pk):
        event = self.datamodel.get(pk)
        if event is not None:
            audit_display.prefetch_names([event])
        return super()._show(pk)

    @expose("/list/")
    @has_access
    def list(self):
        self.update_redirect()
        status, error = chain_status()
        return self.render_template(
            self.list_template, title=self.list_title, widgets=self._list(), status=status, status_error=error,
            local_time=unit_time.local_text,
        )

    @expose("/verify/", methods=["POST"])
    @has_access
    def verify(self):
        """The whole chain from the first event: slower, so only on request."""
        try:
            result = audit.verify(db.session)
        except audit.AuditError as error:
            flash(str(error), "danger")
        else:
            rate = _("%(count)s event(s) in %(seconds)s s.", count=result.checked, seconds=f"{result.seconds:.2f}")
            flash(f"{result.message} {rate}", "success" if result.ok else "danger")
        finally:
            db.session.rollback()
        return redirect(url_for(".list"))
