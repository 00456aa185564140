"""The security auditor's screen: the audit trail, read-only, with the chain's status (§6.3)."""

from flask import flash, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterGreater, FilterSmaller, FilterStartsWith
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from models.db import db
from security.audit_tables import AuditEvent
from security import audit

from .base import DossierFilters, DossierInterface, DossierModelView

ACTIONS = {
    "login": _l("Login"),
    "login_failed": _l("Failed login"),
    "logout": _l("Logout"),
    "lockout": _l("Account locked"),
    "read": _l("Read"),
    "create": _l("Create"),
    "update": _l("Update"),
    "delete": _l("Delete"),
    "review": _l("Review"),
    "export": _l("Export"),
    "permission_request": _l("Permission request"),
    "permission_approve": _l("Permission approval"),
    "consultation": _l("Consultation"),
    "key_rotation": _l("Key rotation"),
    "backup": _l("Backup"),
    "restore": _l("Restore"),
    "restore_test": _l("Restore test"),
    "destruction": _l("Destruction"),
    "hold_placed": _l("Hold placed"),
    "hold_lifted": _l("Hold lifted"),
    "appraisal_marked": _l("Marked invalid"),
    "destruction_applied": _l("Destruction applied for"),
    "destruction_approved": _l("Destruction approved"),
    "destruction_rejected": _l("Destruction rejected"),
    "destruction_executed": _l("Destruction executed"),
    "destruction_registered": _l("Destruction registered"),
    "destroyed": _l("Destroyed"),
    "temp_files_removed": _l("Unfinished uploads removed"),
    "files_rekeyed": _l("Files moved to keys of their own"),
    "retention_rule_proposed": _l("Retention rule proposed"),
    "retention_rule_approved": _l("Retention rule approved"),
    "retention_rule_rejected": _l("Retention rule rejected"),
    "retention_due": _l("Due list computed"),
}


class _AuditFilters(DossierFilters):
    # The time is ISO 8601 UTC text, whose text order is time order: "after"
    # and "before" work on it as they would on a timestamp.
    def convert(self, col_name):
        if col_name == "at":
            return [f(col_name, self.datamodel) for f in (FilterStartsWith, FilterGreater, FilterSmaller)]
        return super().convert(col_name)


class _AuditInterface(DossierInterface):
    filter_converter_class = _AuditFilters


def chain_status():
    """The last checkpoint and the verification of the events after it: bounded in
    cost by the checkpoint schedule, so it can run on every page view."""
    try:
        return audit.verify(db.session, since_last_checkpoint=True), None
    except audit.AuditError as error:
        return None, str(error)
    finally:
        db.session.rollback()


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
        "at": _l("Time (UTC)"),
        "actor_id": _l("Account ID"),
        "actor_name": _l("Account"),
        "action": _l("Action"),
        "object_type": _l("Object type"),
        "object_id": _l("Object"),
        "client_addr": _l("Client address"),
        "details": _l("Details"),
        "chain": _l("Chain value"),
    }
    description_columns = {"at": _l("ISO 8601 in UTC, e.g. 2026-11-25T08:30")}
    list_columns = ["seq", "at", "actor_name", "action", "object_type", "object_id", "client_addr"]
    show_columns = ["seq", "at", "actor_name", "actor_id", "action", "object_type", "object_id",
                    "client_addr", "details", "chain"]
    search_columns = ["action", "actor_name", "object_type", "object_id", "at"]
    search_form_extra_fields = {
        "action": SelectField(_l("Action"), choices=list(ACTIONS.items()), widget=Select2Widget()),
    }
    formatters_columns = {"action": lambda code: str(ACTIONS.get(code, code))}

    @expose("/list/")
    @has_access
    def list(self):
        self.update_redirect()
        status, error = chain_status()
        return self.render_template(
            self.list_template, title=self.list_title, widgets=self._list(), status=status, status_error=error,
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
