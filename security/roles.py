"""Roles as data (§5.1) and their synchronisation into FAB.

A role grants a tier per dossier area, optionally narrowed per section, plus
permissions on the other screens. ``sync_roles`` writes them into FAB's tables;
from then on the security administrator edits them in FAB's own role screen.
"""

from flask_babel import lazy_gettext as _l

from models import AREAS, DOSSIER_MODELS

# Write-only: a clerk enters material into the integrity file without reading it back.
ADD = ("can_add",)
READ = ("can_list", "can_show")
MODIFY = READ + ("can_add", "can_edit")
DELETE = MODIFY + ("can_delete",)
FORM = ("can_this_form_get", "can_this_form_post")

ROLE_LABELS = {
    "clerk": _l("Records clerk"),
    "dept_head": _l("Department head"),
    "hr_reviewer": _l("HR reviewer"),
    "archivist": _l("Archivist"),
    "unit_head": _l("Unit head"),
    "sysadmin": _l("System administrator"),
    "secadmin": _l("Security administrator"),
    "auditor": _l("Security auditor"),
    "inspector": _l("Inspector"),
    "official": _l("Official"),
}

ALL_AREAS = dict.fromkeys(AREAS)

# Screens whose readers get more than list and show: the catalogue's documents
# are read through the catalogue page, preview and download.
READ_EXTRAS = {"MaterialView": ("can_catalogue", "can_preview", "can_download")}


# role → {area key or section key: tier}; a section key overrides its area.
DOSSIER_ACCESS = {
    "clerk": {
        "basic": MODIFY, "career": MODIFY, "evaluation": MODIFY, "training": MODIFY,
        "rewards": MODIFY, "sanction": ADD, "integrity": ADD, "other": MODIFY, "catalogue": MODIFY,
    },
    "dept_head": {
        "basic": READ, "career": READ, "evaluation": READ, "training": READ,
        "rewards": READ, "other": READ, "catalogue": READ,
    },
    "hr_reviewer": {area: DELETE for area in ALL_AREAS},
    "archivist": {area: READ for area in ALL_AREAS},
    "unit_head": {area: READ for area in ALL_AREAS},
    "inspector": {"basic": READ},
    "sysadmin": {},
    "secadmin": {},
    "auditor": {},
    "official": {},
}

# Whose dossiers a role reaches (§5.1): every official, those of the user's own
# departments (staff departments), only the user's own, or none. A user holding
# several roles reaches the widest of them. The scope is granted as a permission on
# ``SCOPE_VIEW`` (``can_all``, ``can_department``, ``can_self``), never read from the
# role's name, so renaming a role changes nothing and widening one waits for approval.
from models.reading import SCOPE_VIEW  # noqa: E402  (review reads the unit-wide scope too)
SCOPE_PERMISSIONS = ("can_all", "can_department", "can_self")
ROLE_SCOPE = {
    "clerk": "department",
    "dept_head": "department",
    "hr_reviewer": "all",
    "archivist": "all",
    "unit_head": "all",
    "inspector": "all",
    "official": "self",
    "sysadmin": "none",
    "secadmin": "none",
    "auditor": "none",
}

# What every signed-in user may do with their own account.
OWN_ACCOUNT = {
    "AccountSecurityView": ("can_index", "can_enrol", "can_disable", "can_verify"),
    "UserInfoEditView": FORM,
    "ResetMyPasswordView": FORM,
    "UserDBModelView": ("can_userinfo",),
}

# The review workflow (models.workflow): authors keep drafts, reviewers decide.
AUTHOR = {"MyDraftsView": ("can_list", "can_submit", "can_withdraw")}
FIRST_REVIEWER = {"FirstReviewView": ("can_list", "can_decide")}
FINAL_REVIEWER = {"FinalReviewView": ("can_list", "can_decide")}
HISTORY = {"HistoryView": ("can_record",)}
BACKLOG = {"BacklogView": ("can_index",)}
# Consultation (§5.3): readers apply and read under their grants; department heads
# and the archive decide; the archive keeps the register.
READER = {"ConsultationView": ("can_list", "can_apply", "can_read", "can_document")}
CONSULTATION_DEPARTMENT = {"ConsultationView": READER["ConsultationView"] + ("can_decide_department",)}
CONSULTATION_ARCHIVE = {"ConsultationView": READER["ConsultationView"] + ("can_decide_archive", "can_register")}

# Supervision and inspection (§10): the inspector reads and generates reports, manages
# rectification and reads completeness and the four-property results; HR sees
# completeness in its scope and generates reports; the archive the storage screens.
INSPECTOR = {"inspection_report": ("can_list", "can_show", "can_generate", "can_pdf", "can_xlsx"),
             "rectification": ("can_list", "can_create", "can_close"), "completeness": ("can_index",),
             "four_property": ("can_list", "can_show")}
HR_INSPECTION = {"completeness": ("can_index", "can_confirm"),
                 "inspection_report": ("can_list", "can_show", "can_generate", "can_pdf", "can_xlsx")}
ARCHIVE_KEEPING = {"fixity": ("can_index",), "four_property": ("can_list", "can_show")}

# role → {FAB view permission name: permissions}, for screens outside the dossier.
OTHER_ACCESS = {
    "clerk": {"DepartmentView": READ, "ReceiptView": MODIFY, **AUTHOR, **HISTORY, **READER},
    "dept_head": {"DepartmentView": READ, "ReceiptView": READ, **AUTHOR, **FIRST_REVIEWER, **HISTORY, **BACKLOG,
                  **CONSULTATION_DEPARTMENT},
    "hr_reviewer": {
        "DepartmentView": MODIFY, "CodeItemView": READ, "ReceiptView": MODIFY,
        "BatchAssessmentView": ("can_index", "can_save"),
        **AUTHOR, **FINAL_REVIEWER, **HISTORY, **BACKLOG, **READER, **HR_INSPECTION,
    },
    "archivist": {"DepartmentView": READ, "CodeItemView": READ, "ReceiptView": READ, **HISTORY, **BACKLOG,
                  **CONSULTATION_ARCHIVE, "BackupView": ("can_list", "can_request"),
                  "AntivirusView": ("can_index",), **ARCHIVE_KEEPING},
    # The unit head first-reviews what department heads may not read (models.reading.UNIT_FIRST_REVIEW).
    "unit_head": {"DepartmentView": READ, **FIRST_REVIEWER, **HISTORY, **BACKLOG, **READER},
    "inspector": {"DepartmentView": READ, **HISTORY, **READER, **INSPECTOR},
    # Accounts belong to the system administrator ...
    "sysadmin": {
        # A lost authenticator: the reset is requested here and approved by a security officer.
        "UserDBModelView": DELETE + ("can_userinfo", "resetsecondfactor"),
        "ResetPasswordView": FORM,
        "StaffDepartmentView": DELETE,
        "PermissionRequestView": ("can_list",),
        "DepartmentView": READ,
    },
    # ... roles and permissions to the security administrator ...
    "secadmin": {
        # Every change of a role (permissions, name, a copy's permissions, deletion) is a request.
        "RoleModelView": DELETE + ("copyrole",),
        "PermissionRequestView": ("can_list", "can_approve"),
        # A security administrator's password is reset by another one (security.accounts).
        "ResetPasswordView": FORM,
        "PermissionModelView": ("can_list",),
        "ViewMenuModelView": ("can_list",),
        "PermissionViewModelView": ("can_list",),
        "UserDBModelView": ("can_list", "can_show", "can_edit"),
    },
    # ... and the auditor reads, changing nothing.
    "auditor": {
        "AuditEventView": ("can_list", "can_show", "can_verify"),
        "PermissionRequestView": ("can_list",),
        "StaffDepartmentView": READ,
        "UserDBModelView": READ,
        "RoleModelView": READ,
        "PermissionViewModelView": ("can_list",),
    },
    "official": {**AUTHOR, "MyDossierView": ("can_index", "can_add", "can_change")},
}

# FAB's own security screens and their menu entries.
SECURITY_MENU = {
    "UserDBModelView": ("List Users", "Security", "can_list"),
    "RoleModelView": ("List Roles", "Security", "can_list"),
    "PermissionModelView": ("Base Permissions", "Security", "can_list"),
    "ViewMenuModelView": ("Views/Menus", "Security", "can_list"),
    "PermissionViewModelView": ("Permission on Views/Menus", "Security", "can_list"),
}


def section_tier(role: str, model) -> tuple:
    access = DOSSIER_ACCESS[role]
    if model.section_key in access:
        tier = access[model.section_key] or ()
    else:
        tier = access.get(model.section_area) or ()
    if "can_show" in tier:
        tier = tier + READ_EXTRAS.get(f"{model.__name__}View", ())
    return tier


def permissions_of(role: str) -> set[tuple[str, str]]:
    """Every (permission, view or menu) pair the role holds, menus included."""
    from views import MENU

    grants: dict[str, tuple] = {f"{m.__name__}View": section_tier(role, m) for m in DOSSIER_MODELS}
    # Merged grant by grant: a role's own screens never take away what every account has.
    for access in (OWN_ACCOUNT, OTHER_ACCESS[role]):
        for view, perms in access.items():
            grants[view] = tuple(dict.fromkeys(grants.get(view, ()) + perms))
    if ROLE_SCOPE[role] != "none":
        grants[SCOPE_VIEW] = (f"can_{ROLE_SCOPE[role]}",)

    pairs = {(perm, view) for view, perms in grants.items() for perm in perms}
    menus = {**MENU, **SECURITY_MENU}
    for view, perms in grants.items():
        if view in menus and menus[view][2] in perms:
            item, category, _entry = menus[view]
            pairs |= {("menu_access", item), ("menu_access", category)}
    return pairs


class UnknownPermission(LookupError):
    pass


def sync_roles(sm) -> dict[str, int]:
    """Create the roles and grant what the data says; returns grants added per role.

    Runs after FAB has created the permissions of every registered view, so a
    grant naming a permission no view has is a mistake in the data and stops init.
    Permissions granted beyond the data (by the security administrator in the UI)
    are left alone: re-running init must not undo an approved decision.
    """
    added = {}
    for permission in SCOPE_PERMISSIONS:
        sm.add_permission_view_menu(permission, SCOPE_VIEW)
    for role_name in ROLE_LABELS:
        role = sm.find_role(role_name) or sm.add_role(role_name)
        held = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
        missing = sorted(permissions_of(role_name) - held)
        for perm, view in missing:
            permission_view = sm.find_permission_view_menu(perm, view)
            if permission_view is None:
                raise UnknownPermission(f"role {role_name}: no view grants {perm} on {view}")
            sm.add_permission_role(role, permission_view)
        added[role_name] = len(missing)
    return added
