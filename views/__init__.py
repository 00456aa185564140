"""Menu wiring. Each registered view is recorded with its menu entry so that role
data can grant the menu together with the view (security.roles)."""

from flask_babel import lazy_gettext as _l

from models import AREAS

from .account import AccountSecurityView
from .antivirus import AntivirusView
from .audit import AuditEventView
from .backup import BackupView
from .permissions import PermissionRequestView
from .admin import CodeItemView, DepartmentView, StaffDepartmentView
from .catalogue import MaterialView, attached_to
from .consultation import ConsultationView
from .dossier import SECTION_VIEWS, OfficialView
from .inspection import InspectionView, RectificationView
from .keeping import CompletenessView, FixityView, FourPropertyView
from .collection import BacklogView, BatchAssessmentView, ReceiptView
from .self_service import MyDossierView
from .workflow import FinalReviewView, FirstReviewView, HistoryView, MyDraftsView, QueueCount

AREA_ICONS = {
    "career": "fa-briefcase",
    "evaluation": "fa-check-square-o",
    "training": "fa-graduation-cap",
    "rewards": "fa-trophy",
    "integrity": "fa-balance-scale",
    "other": "fa-folder-open",
    "catalogue": "fa-files-o",
}

# view class name → (menu item name, menu category name, permission that opens it)
MENU: dict[str, tuple[str, str, str]] = {}


def _add(appbuilder, view, name, label, category, category_label, icon="", category_icon=""):
    appbuilder.add_view(
        view, name, label=label, icon=icon, category=category,
        category_label=category_label, category_icon=category_icon,
    )
    MENU[getattr(view, "class_permission_name", None) or view.__name__] = (name, category, f"can_{view.default_view}")


def register_views(appbuilder):
    # The official page lists the dossier's documents beside its sections.
    OfficialView.related_views = [*SECTION_VIEWS, MaterialView]
    _add(appbuilder, OfficialView, "officials", _l("Officials"), "dossiers", _l("Dossiers"),
         icon="fa-id-card", category_icon="fa-archive")
    _add(appbuilder, ReceiptView, "collection_register", _l("Collection register"), "dossiers", _l("Dossiers"),
         icon="fa-inbox")
    for view in SECTION_VIEWS:
        model = view.datamodel.obj
        area = model.section_area
        _add(appbuilder, view, model.section_key, model.section_label, area, AREAS[area],
             icon="fa-file-text-o", category_icon=AREA_ICONS[area])
    _add(appbuilder, MaterialView, "materials", _l("Materials"), "catalogue", AREAS["catalogue"],
         icon="fa-file-pdf-o", category_icon=AREA_ICONS["catalogue"])
    _add(appbuilder, ConsultationView, "consultation", _l("Consultation"), "dossiers", _l("Dossiers"),
         icon="fa-book")
    _add(appbuilder, MyDraftsView, "my_drafts", _l("My drafts"), "review", _l("Review"),
         icon="fa-pencil-square-o", category_icon="fa-check-circle")
    _add(appbuilder, FirstReviewView, "first_review", QueueCount(_l("First review"), "first"), "review",
         _l("Review"), icon="fa-check")
    _add(appbuilder, FinalReviewView, "final_review", QueueCount(_l("Final review"), "final"), "review",
         _l("Review"), icon="fa-check-square")
    _add(appbuilder, BacklogView, "backlog", _l("Backlog"), "review", _l("Review"), icon="fa-hourglass-half")
    _add(appbuilder, BatchAssessmentView, "batch_assessment", _l("Annual assessment: batch entry"), "evaluation",
         AREAS["evaluation"], icon="fa-table")
    _add(appbuilder, MyDossierView, "my_dossier", _l("My dossier"), "self_service", _l("My dossier"),
         icon="fa-user", category_icon="fa-user")
    appbuilder.add_view_no_menu(HistoryView)
    _add(appbuilder, AccountSecurityView, "account_security", _l("Account security"), "my_account",
         _l("My account"), icon="fa-lock", category_icon="fa-user-circle")
    # Under FAB's Security menu, beside the accounts and roles the auditor also reads.
    _add(appbuilder, PermissionRequestView, "permission_requests", _l("Permission requests"), "Security",
         _l("Security"), icon="fa-check-square-o")
    _add(appbuilder, AuditEventView, "audit_trail", _l("Audit trail"), "Security", _l("Security"), icon="fa-history")
    _add(appbuilder, BackupView, "backups", _l("Backups"), "keeping", _l("Archive keeping"), icon="fa-hdd-o",
         category_icon="fa-shield")
    _add(appbuilder, AntivirusView, "antivirus", _l("Virus scanning"), "keeping", _l("Archive keeping"),
         icon="fa-bug")
    _add(appbuilder, FixityView, "fixity", _l("Fixity and integrity"), "keeping", _l("Archive keeping"),
         icon="fa-check-circle-o")
    _add(appbuilder, InspectionView, "inspection_reports", _l("Inspection reports"), "inspection", _l("Inspection"),
         icon="fa-file-text-o", category_icon="fa-search")
    _add(appbuilder, RectificationView, "rectification", _l("Rectification items"), "inspection", _l("Inspection"),
         icon="fa-wrench")
    _add(appbuilder, CompletenessView, "completeness", _l("Completeness of the dossiers"), "inspection",
         _l("Inspection"), icon="fa-tasks")
    _add(appbuilder, FourPropertyView, "four_property", _l("Four-property checks"), "inspection", _l("Inspection"),
         icon="fa-shield")
    _add(appbuilder, DepartmentView, "departments", _l("Departments"), "settings", _l("Settings"),
         icon="fa-sitemap", category_icon="fa-wrench")
    _add(appbuilder, StaffDepartmentView, "staff_departments", _l("Staff departments"), "settings",
         _l("Settings"), icon="fa-users")
    _add(appbuilder, CodeItemView, "code_tables", _l("Code tables"), "settings", _l("Settings"),
         icon="fa-list")
    from flask import current_app as app

    app.jinja_env.globals["attached_to"] = attached_to
    app.register_error_handler(429, _too_many)
    app.before_request(_unknown_action)
    from . import errors, params

    params.init_app(app)
    errors.init_app(app)


def _unknown_action():
    """FAB answers an action name its view does not have with a server error: make it a 404."""
    from flask import abort, current_app, request

    endpoint = request.endpoint or ""
    if endpoint.endswith(".action"):
        name = request.view_args.get("name")
    elif endpoint.endswith(".action_post"):
        name = request.form.get("action")
    else:
        return None
    view_name = endpoint.split(".")[0]
    view = next((v for v in current_app.appbuilder.baseviews if v.__class__.__name__ == view_name), None)
    if view is None or name not in getattr(view, "actions", {}):
        abort(404)
    return None


def _too_many(error):
    """Sign-in attempts over AUTH_RATE_LIMIT from one address."""
    from flask import current_app, render_template
    from flask_babel import gettext as _

    appbuilder = current_app.appbuilder
    return render_template("dossier/refused.html", base_template=appbuilder.base_template, appbuilder=appbuilder,
                           message=_("Too many sign-in attempts from this computer: wait a minute and try again.")), 429
