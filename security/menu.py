"""The menu as data: what each entry opens, where it sits, and the permission that shows it.

FAB shows a menu entry to whoever holds ``menu_access`` on the entry and on its
category; role data (security.roles) grants those together with the permission that
opens the entry's screen, so nobody sees an entry that leads to a refusal. The sections'
entries come from the section registry, under their area; ``views`` registers a screen
for every entry (and refuses to start if an entry names a screen it does not have).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from models.sections import AREAS, SECTIONS

CATEGORIES = {
    "dossiers": (_l("Dossiers"), "fa-archive"),
    "career": (AREAS["career"], "fa-briefcase"),
    "evaluation": (AREAS["evaluation"], "fa-check-square-o"),
    "training": (AREAS["training"], "fa-graduation-cap"),
    "rewards": (AREAS["rewards"], "fa-trophy"),
    "integrity": (AREAS["integrity"], "fa-balance-scale"),
    "other": (AREAS["other"], "fa-folder-open"),
    "catalogue": (AREAS["catalogue"], "fa-files-o"),
    "hr_lists": (_l("Rosters and statistics"), "fa-bar-chart"),
    "review": (_l("Review"), "fa-check-circle"),
    "self_service": (_l("My dossier"), "fa-user"),
    "my_account": (_l("My account"), "fa-user-circle"),
    # FAB's own category: its user and role screens sit here too (SECURITY below).
    "Security": (_l("Security"), ""),
    "keeping": (_l("Archive keeping"), "fa-shield"),
    "inspection": (_l("Inspection"), "fa-search"),
    "settings": (_l("Settings"), "fa-wrench"),
}


@dataclass(frozen=True)
class Entry:
    name: str  # the menu item's name (FAB's view menu), also its screen's permission name
    label: object
    category: str
    icon: str = ""
    opens: str = "can_list"
    # The screen's permission name where it differs from the item's.
    screen: str | None = None

    @property
    def view(self) -> str:
        return self.screen or self.name


def entries() -> list[Entry]:
    """Every entry in menu order, the registered sections under their areas."""
    sections = [Entry(m.section_key, m.section_label, m.section_area, "fa-file-text-o") for m in SECTIONS]
    return [
        Entry("officials", _l("Officials"), "dossiers", "fa-id-card", screen="basic"),
        Entry("collection_register", _l("Collection register"), "dossiers", "fa-inbox"),
        *sections,
        Entry("materials", _l("Materials"), "catalogue", "fa-file-pdf-o", screen="material"),
        Entry("consultation", _l("Consultation"), "dossiers", "fa-book"),
        Entry("rosters", _l("Rosters"), "hr_lists", "fa-table", screen="roster"),
        Entry("statistics", _l("Statistics"), "hr_lists", "fa-bar-chart"),
        Entry("my_drafts", _l("My drafts"), "review", "fa-pencil-square-o"),
        Entry("first_review", _l("First review"), "review", "fa-check"),
        Entry("final_review", _l("Final review"), "review", "fa-check-square"),
        Entry("backlog", _l("Backlog"), "review", "fa-hourglass-half", "can_index"),
        Entry("batch_assessment", _l("Annual assessment: batch entry"), "evaluation", "fa-table", "can_index"),
        Entry("my_dossier", _l("My dossier"), "self_service", "fa-user", "can_index"),
        Entry("account_security", _l("Account security"), "my_account", "fa-lock", "can_index"),
        Entry("permission_matrix", _l("Permission matrix"), "Security", "fa-th", "can_show"),
        Entry("permission_requests", _l("Permission requests"), "Security", "fa-check-square-o"),
        Entry("audit_trail", _l("Audit trail"), "Security", "fa-history"),
        Entry("backups", _l("Backups"), "keeping", "fa-hdd-o"),
        Entry("antivirus", _l("Virus scanning"), "keeping", "fa-bug", "can_index"),
        Entry("fixity", _l("Fixity and integrity"), "keeping", "fa-check-circle-o", "can_index"),
        Entry("retention_schedule", _l("Retention schedule"), "keeping", "fa-calendar", "can_index"),
        Entry("retention_due", _l("Due list"), "keeping", "fa-clock-o", "can_index"),
        Entry("holds", _l("Holds"), "keeping", "fa-lock"),
        Entry("appraisal", _l("Appraisal marks"), "keeping", "fa-ban"),
        Entry("destruction", _l("Destruction applications"), "keeping", "fa-trash-o"),
        Entry("destruction_approval", _l("Destruction approval"), "keeping", "fa-gavel"),
        Entry("destruction_register", _l("Destruction register"), "keeping", "fa-book"),
        Entry("cleanup", _l("Data clean-up"), "keeping", "fa-eraser", "can_index"),
        Entry("inspection_reports", _l("Inspection reports"), "inspection", "fa-file-text-o",
              screen="inspection_report"),
        Entry("rectification", _l("Rectification items"), "inspection", "fa-wrench"),
        Entry("completeness", _l("Completeness of the dossiers"), "inspection", "fa-tasks", "can_index"),
        Entry("four_property", _l("Four-property checks"), "inspection", "fa-shield"),
        Entry("departments", _l("Departments"), "settings", "fa-sitemap"),
        Entry("staff_departments", _l("Staff departments"), "settings", "fa-users"),
        Entry("code_tables", _l("Code tables"), "settings", "fa-list"),
    ]


# FAB's own security screens and their menu entries (registered by FAB itself). Its raw
# permission, view-menu and permission-on-view screens are not (config FAB_ADD_SECURITY_*):
# roles are read and changed in the permission matrix.
SECURITY = [
    Entry("List Users", "", "Security", screen="UserDBModelView"),
    Entry("List Roles", "", "Security", screen="RoleModelView"),
]
