"""The three officers' duties (三员分立, §5.1) and the rules that keep them apart.

A duty is recognised by the permissions that carry it, never by a role's name,
so renaming or copying a role changes nothing about who is an officer. Nobody
may hold two duties: FAB's all-permission ``Admin`` role, or any role built to
combine them, cannot be given to an account, and no role may be given
permissions that would make its holders combine them.
"""

from flask_babel import lazy_gettext as _l

# duty → the (view, permission) grants any one of which makes its holder that officer.
DUTIES = {
    "accounts": {("UserDBModelView", "can_add"), ("UserDBModelView", "can_delete"),
                 ("staff_departments", "can_add")},
    "permissions": {("permission_requests", "can_approve"), ("RoleModelView", "can_edit"),
                    ("RoleModelView", "can_add"), ("permission_matrix", "can_propose")},
    "audit": {("audit_trail", "can_list"), ("audit_trail", "can_verify")},
}
DUTY_LABELS = {
    "accounts": _l("system administration (accounts)"),
    "permissions": _l("security administration (roles and permissions)"),
    "audit": _l("security audit"),
}


def duties_in(grants) -> set[str]:
    """The officer duties a set of (view, permission) grants carries."""
    grants = set(grants)
    return {duty for duty, marks in DUTIES.items() if grants & marks}


def combined(grants) -> set[str]:
    """The duties these grants combine, if more than one (else empty)."""
    found = duties_in(grants)
    return found if len(found) > 1 else set()


def is_officer(sm, user) -> bool:
    """Holds any officer duty: such accounts must use a second factor."""
    return bool(duties_in(sm.grants_of([role.id for role in user.roles])))
