"""Roles as data (§5.1) and their synchronisation into FAB.

A role grants a tier per dossier area, which a section may widen or narrow for a role
by declaring ``access`` (models.base.SourceMixin), plus permissions on the other
screens. Section permissions are named by the section key (FAB's class_permission_name). ``sync_roles`` writes them into FAB's tables;
from then on the security administrator edits them in the permission matrix
(``security.permission_matrix``), each change waiting for a second officer.
"""

from flask_babel import lazy_gettext as _l

from models import AREAS, DOSSIER_MODELS
from models.identity import READ_CLEAR

from . import menu

# Write-only: a clerk enters material into the integrity file without reading it back.
ADD = ("can_add",)
READ = ("can_list", "can_show")
MODIFY = READ + ("can_add", "can_edit")
DELETE = MODIFY + ("can_delete",)
FORM = ("can_this_form_get", "can_this_form_post")
# The tiers a section's ``access`` names.
TIERS = {"add": ADD, "read": READ, "modify": MODIFY, "delete": DELETE}

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

def role_label(name: str) -> str:
    """A role as officers read it: its label, or its own name for a role the data does not know."""
    label = ROLE_LABELS.get(name)
    return str(label) if label is not None else name


ALL_AREAS = dict.fromkeys(AREAS)

# Screens whose readers get more than list and show: the catalogue's documents
# are read through the catalogue page, preview and download.
READ_EXTRAS = {"material": ("can_catalogue", "can_preview", "can_download")}


# role → {area key: tier}; a section's own ``access`` overrides its area's.
DOSSIER_ACCESS = {
    "clerk": {
        "basic": MODIFY, "career": MODIFY, "evaluation": MODIFY, "training": MODIFY,
        "rewards": MODIFY, "integrity": ADD, "other": MODIFY, "catalogue": MODIFY,
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
    "account_security": ("can_index", "can_enrol", "can_disable", "can_verify"),
    "UserInfoEditView": FORM,
    "ResetMyPasswordView": FORM,
    "UserDBModelView": ("can_userinfo",),
}

# The review workflow (models.workflow): authors keep drafts, reviewers decide.
AUTHOR = {"my_drafts": ("can_list", "can_submit", "can_withdraw")}
FIRST_REVIEWER = {"first_review": ("can_list", "can_decide")}
FINAL_REVIEWER = {"final_review": ("can_list", "can_decide")}
HISTORY = {"history": ("can_record",)}
BACKLOG = {"backlog": ("can_index",)}
# Consultation (§5.3): readers apply and read under their grants; department heads (the
# unit head for applicants no department head can decide: security.consultation.ROUTES)
# and the archive decide; the archive keeps the register.
READER = {"consultation": ("can_list", "can_apply", "can_read", "can_document")}
CONSULTATION_DEPARTMENT = {"consultation": READER["consultation"] + ("can_decide_department",)}
CONSULTATION_UNIT = {"consultation": READER["consultation"] + ("can_decide_unit",)}
CONSULTATION_ARCHIVE = {"consultation": READER["consultation"] + ("can_decide_archive", "can_register")}

# Rosters, exports and statistics (views.rosters, views.statistics), within the role's scope:
# exporting is a permission of its own, and so are the identifiers (citizen ID, phones,
# e-mail) in a roster, masked unless the identity tier is granted (IDENTITY_CLEAR).
# Any list screen (views.list_export) exports with one permission of its own, whatever the
# screen; the screen's list permission, scope and read rule still decide what it holds.
LIST_EXPORT = ("can_export", "list_export")
ROSTERS = {"roster": ("can_list", "can_save")}
EXPORTS = {"roster": ("can_list", "can_save", "can_export", "can_identifiers"), "statistics": ("can_list", "can_export"),
           LIST_EXPORT[1]: (LIST_EXPORT[0],)}
STATISTICS = {"statistics": ("can_list",)}
# Identity and contact fields (citizen ID, phones, e-mail) in clear, on every screen, history,
# roster and export (models.identity); whoever lacks it reads them masked. HR keeps and
# checks them. The clerk holds it too: the clerk types them from the source documents and
# must see on the edit form what was typed (a form without them could not correct a typo),
# within their own departments. The department head, archivist, unit head and inspector
# review, keep or supervise the dossier; nothing in that work needs the full number.
IDENTITY_CLEAR = {READ_CLEAR[1]: (READ_CLEAR[0],)}
# The one search box: whoever reads officials finds them.
SEARCH = {"search": ("can_list",)}

# Supervision and inspection (§10): the inspector reads and generates reports, manages
# rectification and reads completeness and the four-property results; HR sees
# completeness in its scope and generates reports; the archive the storage screens.
INSPECTOR = {"inspection_report": ("can_list", "can_show", "can_generate", "can_pdf", "can_xlsx"),
             "rectification": ("can_list", "can_create", "can_close"), "completeness": ("can_index",),
             "four_property": ("can_list", "can_show")}
HR_INSPECTION = {"completeness": ("can_index", "can_confirm"),
                 "inspection_report": ("can_list", "can_show", "can_generate", "can_pdf", "can_xlsx")}
# The data clean-up (§4.3.3, jobs.cleanup): its dry run and its run, the archive's alone.
ARCHIVE_KEEPING = {"fixity": ("can_index",), "four_property": ("can_list", "can_show"),
                   "cleanup": ("can_index", "can_run")}
# The retention schedule (§9.1): the archive proposes changes and reads the due list; the unit
# head decides them (never on a change of their own: models.disposal.retention); the auditor
# and the inspector read the schedule.
RETENTION_PROPOSER = {"retention_schedule": ("can_index", "can_propose"), "retention_due": ("can_index",)}
RETENTION_APPROVER = {"retention_schedule": ("can_index", "can_decide")}
RETENTION_READER = {"retention_schedule": ("can_index",)}
# Destruction (§9.2): the archivist applies and executes (with a supervisor), the unit head
# decides; they, the auditor and the inspector read the register. Nobody else touches it.
DESTRUCTION_ARCHIVE = {"destruction": ("can_list", "can_show", "can_create", "can_change", "can_add_items",
                                       "can_remove", "can_submit", "can_execute")}
DESTRUCTION_DECIDE = {"destruction_approval": ("can_list", "can_show", "can_decide")}
DESTRUCTION_REGISTER = {"destruction_register": ("can_list", "can_show", "can_pdf")}
# Holds and appraisal (§9): the archive places and lifts holds and marks invalid content;
# the unit head and HR review marks (in the review queues) and read the marks list; the
# auditor and the inspector read the holds.
ARCHIVE_DISPOSAL = {"holds": ("can_list", "can_place", "can_lift"), "appraisal": ("can_list", "can_mark")}
READ_HOLDS = {"holds": ("can_list",)}
READ_MARKS = {"appraisal": ("can_list",)}

# The printable dossier of an official (views.dossier, jobs.dossier_print): paper leaves the
# system, so it is granted apart from reading, to HR, the archive and the unit head.
DOSSIER_PRINT = {"basic": ("can_print",)}

# role → {FAB view permission name: permissions}, for screens outside the dossier.
OTHER_ACCESS = {
    "clerk": {"departments": READ, "collection_register": MODIFY, **AUTHOR, **HISTORY, **READER, **ROSTERS,
              **STATISTICS, **SEARCH, **IDENTITY_CLEAR},
    "dept_head": {"departments": READ, "collection_register": READ, **AUTHOR, **FIRST_REVIEWER, **HISTORY, **BACKLOG,
                  **CONSULTATION_DEPARTMENT, **ROSTERS, **STATISTICS, **SEARCH},
    "hr_reviewer": {
        "departments": MODIFY, "code_tables": READ, "collection_register": MODIFY,
        "batch_assessment": ("can_index", "can_save"),
        **AUTHOR, **FINAL_REVIEWER, **HISTORY, **BACKLOG, **READER, **EXPORTS, **SEARCH, **HR_INSPECTION,
        **READ_MARKS, **IDENTITY_CLEAR, **DOSSIER_PRINT,
    },
    "archivist": {"departments": READ, "code_tables": READ, "collection_register": READ, **HISTORY, **BACKLOG,
                  **CONSULTATION_ARCHIVE, "backups": ("can_list", "can_request"),
                  "antivirus": ("can_index",), **SEARCH, **ARCHIVE_KEEPING, **RETENTION_PROPOSER,
                  **ARCHIVE_DISPOSAL, **DESTRUCTION_ARCHIVE, **DESTRUCTION_REGISTER, **DOSSIER_PRINT},
    # The unit head first-reviews what department heads may not read (sections declaring ``unit_first_review``).
    "unit_head": {"departments": READ, **FIRST_REVIEWER, **HISTORY, **BACKLOG, **CONSULTATION_UNIT, **SEARCH,
                  **RETENTION_APPROVER, **READ_MARKS, **DESTRUCTION_DECIDE, **DESTRUCTION_REGISTER,
                  **DOSSIER_PRINT},
    "inspector": {"departments": READ, **HISTORY, **READER, **STATISTICS, **SEARCH, **INSPECTOR, **RETENTION_READER,
                  **READ_HOLDS, **DESTRUCTION_REGISTER},
    # Accounts belong to the system administrator ...
    "sysadmin": {
        # A lost authenticator: the reset is requested here and approved by a security officer.
        "UserDBModelView": DELETE + ("can_userinfo", "resetsecondfactor"),
        "ResetPasswordView": FORM,
        "staff_departments": DELETE,
        "permission_requests": ("can_list",),
        "departments": READ,
    },
    # ... roles and permissions to the security administrator ...
    "secadmin": {
        # Every change of a role (permissions, name, a copy's permissions, deletion) is a request.
        "RoleModelView": DELETE + ("copyrole",),
        "permission_requests": ("can_list", "can_approve"),
        # A security administrator's password is reset by another one (security.accounts).
        "ResetPasswordView": FORM,
        # FAB's raw permission screens are not offered: roles are read and changed in the matrix.
        "permission_matrix": ("can_show", "can_propose"),
        "UserDBModelView": ("can_list", "can_show", "can_edit"),
    },
    # ... and the auditor reads, changing nothing.
    "auditor": {
        "audit_trail": ("can_list", "can_show", "can_verify"),
        **READ_HOLDS,
        "permission_requests": ("can_list",),
        "staff_departments": READ,
        "UserDBModelView": READ,
        "RoleModelView": READ,
        "permission_matrix": ("can_show",),
        **RETENTION_READER,
        **DESTRUCTION_REGISTER,
    },
    "official": {**AUTHOR, "my_dossier": ("can_index", "can_add", "can_change")},
}

def section_tier(role: str, model) -> tuple:
    if role in model.access:
        tier = TIERS[model.access[role]]
    else:
        tier = DOSSIER_ACCESS[role].get(model.section_area) or ()
    if "can_show" in tier:
        tier = tier + READ_EXTRAS.get(model.section_key, ())
    return tier


def permissions_of(role: str) -> set[tuple[str, str]]:
    """Every (permission, view or menu) pair the role holds, menus included."""
    grants: dict[str, tuple] = {m.section_key: section_tier(role, m) for m in DOSSIER_MODELS}
    # Merged grant by grant: a role's own screens never take away what every account has.
    for access in (OWN_ACCOUNT, OTHER_ACCESS[role]):
        for view, perms in access.items():
            grants[view] = tuple(dict.fromkeys(grants.get(view, ()) + perms))
    if ROLE_SCOPE[role] != "none":
        grants[SCOPE_VIEW] = (f"can_{ROLE_SCOPE[role]}",)

    pairs = {(perm, view) for view, perms in grants.items() for perm in perms}
    for entry in (*menu.entries(), *menu.SECURITY):
        if entry.opens in grants.get(entry.view, ()):
            pairs |= {("menu_access", entry.name), ("menu_access", entry.category)}
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
    # Permissions no screen's methods declare: FAB creates them for no view, so init does.
    for permission in SCOPE_PERMISSIONS:
        sm.add_permission_view_menu(permission, SCOPE_VIEW)
    sm.add_permission_view_menu(*LIST_EXPORT)
    sm.add_permission_view_menu(*READ_CLEAR)
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
