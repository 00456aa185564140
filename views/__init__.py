"""Menu wiring: a screen for every entry of the menu data (security.menu), and the
sections' screens for the registered sections."""


from security import menu

from .account import AccountSecurityView
from .antivirus import AntivirusView
from .audit import AuditEventView
from .backup import BackupView
from .permission_matrix import PermissionMatrixView
from .permissions import PermissionRequestView
from .admin import CodeItemView, DepartmentView, StaffDepartmentView
from .catalogue import MaterialView, attached_to
from .cleanup import CleanupView
from .consultation import ConsultationView
from .destruction import DestructionApprovalView, DestructionRegisterView, DestructionView
from .disposal import AppraisalView, HoldView
from .dossier import OfficialView, section_views
from .base import CRUD_STAND_IN
from .forms import widget_locale
from .inspection import InspectionView, RectificationView
from .list_export import export_links
from .page_language import html_lang
from .keeping import CompletenessView, FixityView, FourPropertyView
from .collection import BacklogView, BatchAssessmentView, ReceiptView
from .retention import RetentionDueView, RetentionScheduleView
from .official_picker import OfficialPickerView
from .rosters import RosterView
from .search import SearchView
from .self_service import MyDossierView
from .statistics import StatisticsView
from .workflow import FinalReviewView, FirstReviewView, HistoryView, MyDraftsView, QueueCount

SCREENS = (OfficialView, ReceiptView, MaterialView, ConsultationView, MyDraftsView, FirstReviewView, FinalReviewView,
           BacklogView, BatchAssessmentView, MyDossierView, AccountSecurityView, PermissionMatrixView, PermissionRequestView,
           AuditEventView, BackupView, AntivirusView, CleanupView, DepartmentView, StaffDepartmentView, CodeItemView,
           RosterView, StatisticsView, FixityView, InspectionView, RectificationView, CompletenessView, FourPropertyView,
           RetentionScheduleView, RetentionDueView, HoldView, AppraisalView, DestructionView, DestructionApprovalView,
           DestructionRegisterView)
# Menu labels that count what waits for the signed-in user.
COUNTED = {"first_review": "first", "final_review": "final"}


class MenuMismatch(RuntimeError):
    pass


def _opened_by(view) -> str:
    """The permission that opens a screen's default page (a view may map it, e.g. "roster")."""
    method = view.default_view
    return f"can_{(getattr(view, 'method_permission_name', None) or {}).get(method, method)}"


def register_views(appbuilder):
    sections = section_views()
    # The official page lists the dossier's documents beside its sections.
    OfficialView.related_views = [*sections, MaterialView]
    screens = {view.class_permission_name or view.__name__: view for view in (*SCREENS, *sections)}
    for entry in menu.entries():
        view = screens.get(entry.view)
        if view is None or entry.opens != _opened_by(view):
            raise MenuMismatch(f"menu entry {entry.name!r}: no screen {entry.view!r} opened by {entry.opens!r}")
        label, category_icon = entry.label, menu.CATEGORIES[entry.category][1]
        if entry.name in COUNTED:
            label = QueueCount(label, COUNTED[entry.name])
        appbuilder.add_view(view, entry.name, label=label, icon=entry.icon, category=entry.category,
                            category_label=menu.CATEGORIES[entry.category][0], category_icon=category_icon)
    appbuilder.add_view_no_menu(SearchView)
    appbuilder.add_view_no_menu(OfficialPickerView)
    appbuilder.add_view_no_menu(HistoryView)
    from flask import current_app as app

    app.jinja_env.globals["attached_to"] = attached_to
    app.jinja_env.globals["list_export_links"] = export_links
    app.jinja_env.globals["widget_locale"] = widget_locale
    app.jinja_env.globals["html_lang"] = html_lang
    from .menu_cache import navbar_menu

    app.jinja_env.globals["navbar_menu"] = navbar_menu
    # A list's row buttons are drawn once with this id and copied per row (appbuilder/general/widgets/list.html).
    app.jinja_env.globals["crud_stand_in"] = CRUD_STAND_IN
    app.register_error_handler(429, _too_many)
    app.before_request(_unknown_action)
    from . import errors, params

    params.init_app(app)
    errors.init_app(app)


def _unknown_action():
    """FAB answers an action name its view does not have with a server error: make it a 404."""
    from flask import abort, current_app, request

    from security.manager import view_named

    endpoint = request.endpoint or ""
    if endpoint.endswith(".action"):
        name = request.view_args.get("name")
    elif endpoint.endswith(".action_post"):
        name = request.form.get("action")
    else:
        return None
    view_name = endpoint.split(".")[0]
    view = view_named(current_app.appbuilder, view_name)
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
