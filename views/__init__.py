"""Menu wiring. Each registered view is recorded with its menu entry so that role
data can grant the menu together with the view (security.roles)."""

from flask_babel import lazy_gettext as _l

from models import AREAS

from .admin import CodeItemView, DepartmentView
from .dossier import SECTION_VIEWS, OfficialView

AREA_ICONS = {
    "career": "fa-briefcase",
    "evaluation": "fa-check-square-o",
    "training": "fa-graduation-cap",
    "rewards": "fa-trophy",
    "integrity": "fa-balance-scale",
    "other": "fa-folder-open",
}

# view class name → (menu item name, menu category name)
MENU: dict[str, tuple[str, str]] = {}


def _add(appbuilder, view, name, label, category, category_label, icon="", category_icon=""):
    appbuilder.add_view(
        view, name, label=label, icon=icon, category=category,
        category_label=category_label, category_icon=category_icon,
    )
    MENU[view.__name__] = (name, category)


def register_views(appbuilder):
    _add(appbuilder, OfficialView, "officials", _l("Officials"), "dossiers", _l("Dossiers"),
         icon="fa-id-card", category_icon="fa-archive")
    for view in SECTION_VIEWS:
        model = view.datamodel.obj
        area = model.section_area
        _add(appbuilder, view, model.section_key, model.section_label, area, AREAS[area],
             icon="fa-file-text-o", category_icon=AREA_ICONS[area])
    _add(appbuilder, DepartmentView, "departments", _l("Departments"), "settings", _l("Settings"),
         icon="fa-sitemap", category_icon="fa-wrench")
    _add(appbuilder, CodeItemView, "code_tables", _l("Code tables"), "settings", _l("Settings"),
         icon="fa-list")
