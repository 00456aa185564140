"""What the permission matrix calls things: functions, screens and verbs, as data.

FAB names a grant by a permission and a view menu (``can_decide`` on ``first_review``);
an officer reads "初审 · 审核". Screens are grouped into the product's functions by
``SCREENS``; a screen this table does not know still shows, under 其他, with its menu
label or a readable form of its name (``readable``), never as a raw FAB string.
"""

import re

from flask_babel import lazy_gettext as _l

from . import menu

# function key → label, in the order the matrix shows them.
FUNCTIONS = {
    "review": _l("Review"),
    "collection": _l("Collection"),
    "consultation": _l("Consultation"),
    "identity": _l("Identity and contact fields"),
    "rosters": _l("Rosters and statistics"),
    "exports": _l("Exports"),
    "keeping": _l("Archive keeping"),
    "backups": _l("Backups"),
    "disposal": _l("Retention and destruction"),
    "inspection": _l("Inspection"),
    "audit": _l("Audit"),
    "settings": _l("Settings"),
    "security": _l("Security"),
    "own": _l("Own account and dossier"),
    "other": _l("Other"),
}
OTHER = "other"

# view menu → (function, label or None for the screen's menu label).
SCREENS = {
    "my_drafts": ("review", None), "first_review": ("review", None), "final_review": ("review", None),
    "backlog": ("review", None), "history": ("review", _l("Change history")),
    "collection_register": ("collection", None), "batch_assessment": ("collection", None),
    "consultation": ("consultation", None),
    "identity_fields": ("identity", _l("Citizen ID, phones and e-mail")),
    "roster": ("rosters", None), "statistics": ("rosters", None), "search": ("rosters", _l("Search")),
    "list_export": ("exports", _l("Export of any list")),
    "antivirus": ("keeping", None), "fixity": ("keeping", None), "cleanup": ("keeping", None),
    "backups": ("backups", None),
    "retention_schedule": ("disposal", None), "retention_due": ("disposal", None), "holds": ("disposal", None),
    "appraisal": ("disposal", None), "destruction": ("disposal", None), "destruction_approval": ("disposal", None),
    "destruction_register": ("disposal", None),
    "inspection_report": ("inspection", None), "rectification": ("inspection", None),
    "completeness": ("inspection", None), "four_property": ("inspection", None),
    "audit_trail": ("audit", None),
    "departments": ("settings", None), "staff_departments": ("settings", None), "code_tables": ("settings", None),
    "UserDBModelView": ("security", _l("Accounts")), "RoleModelView": ("security", _l("Roles")),
    "permission_requests": ("security", None), "permission_matrix": ("security", None),
    "ResetPasswordView": ("security", _l("Reset another account's password")),
    "account_security": ("own", None), "UserInfoEditView": ("own", _l("Own account details")),
    "ResetMyPasswordView": ("own", _l("Own password")), "my_dossier": ("own", None),
    "MenuApi": (OTHER, _l("Menu data")),
}

# permission → verb; a screen may name one verb its own way (VERB_OF_SCREEN).
VERBS = {
    "can_list": _l("List"), "can_show": _l("View"), "can_add": _l("Add"), "can_edit": _l("Edit"),
    "can_delete": _l("Delete"), "can_download": _l("Download"), "can_index": _l("Open"),
    "can_this_form_get": _l("Open the form"), "can_this_form_post": _l("Submit the form"),
    "can_get": _l("Read"), "can_userinfo": _l("Own details"), "userinfoedit": _l("Edit own details"),
    "resetmypassword": _l("Change own password"), "resetpasswords": _l("Reset passwords"),
    "resetsecondfactor": _l("Reset second factor"), "copyrole": _l("Copy"),
    "can_enrol": _l("Enrol second factor"), "can_disable": _l("Turn off second factor"),
    "can_verify": _l("Verify"), "can_mark": _l("Mark"), "can_request": _l("Request"), "can_save": _l("Save"),
    "can_run": _l("Execute"), "can_confirm": _l("Confirm"), "can_document": _l("Read documents"),
    "can_apply": _l("Apply"), "can_decide_department": _l("Approve for the department"),
    "can_decide_archive": _l("Approve for the archive"), "can_register": _l("Register"), "can_read": _l("Read"),
    "can_remove": _l("Remove items"), "can_add_items": _l("Add items"), "can_submit": _l("Submit"),
    "can_withdraw": _l("Withdraw"), "can_execute": _l("Execute"), "can_create": _l("Create"),
    "can_change": _l("Change"), "can_decide": _l("Approve"), "can_approve": _l("Approve"),
    "can_propose": _l("Propose"), "can_pdf": _l("PDF"), "can_xlsx": _l("Spreadsheet"), "can_place": _l("Place a hold"),
    "can_lift": _l("Lift"), "can_record": _l("View history"), "can_generate": _l("Generate"),
    "can_close": _l("Close"), "can_catalogue": _l("Catalogue"), "can_preview": _l("Preview"),
    "can_export": _l("Export"), "can_identifiers": _l("Identifiers (masked)"),
    "can_read_clear": _l("Read in clear"), "can_print": _l("Print"),
    "can_decide_unit": _l("Approve for the unit"),
}
VERB_OF_SCREEN = {
    ("first_review", "can_decide"): _l("Review"), ("final_review", "can_decide"): _l("Review"),
}


def readable(name: str) -> str:
    """A name no table knows, readable: ``can_foo_bar`` → ``foo bar``, ``FooBarView`` → ``Foo Bar``."""
    name = re.sub(r"^can_", "", name)
    name = re.sub(r"(ModelView|View)$", "", name)
    name = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return name.replace("_", " ").strip() or "?"


def menu_labels() -> dict:
    """view menu → the label of the first menu entry opening it."""
    labels = {}
    for entry in menu.entries():
        labels.setdefault(entry.view, entry.label)
    return labels


def screen(view: str, labels: dict | None = None) -> tuple[str, object]:
    """(function key, label) of a view menu."""
    function, label = SCREENS.get(view, (OTHER, None))
    if label is None:
        label = (labels if labels is not None else menu_labels()).get(view) or readable(view)
    return function, label


def verb(view: str, permission: str):
    return VERB_OF_SCREEN.get((view, permission)) or VERBS.get(permission) or readable(permission)
