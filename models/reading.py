"""The one read rule: which dossier content a user may see (§5.1 分级授权).

A user reads a section when one of their roles holds ``can_show`` on its view,
and a material when they read its section and, for the guarded classes
(``catalogue.CLASS_GUARDS``), the sections behind the class. Every screen that
shows content (lists, review queues, drafts, history, files) asks ``closed_to``
or ``readable``; the review workflow refuses to let anyone decide what they may
not read.
"""

from security import grants

from .db import db

# Reviewers whose scope is the whole unit (security.roles grants scope as a permission on this view).
SCOPE_VIEW = "DossierScope"
UNIT_WIDE = ("can_all", SCOPE_VIEW)

# Sections whose first review is the unit head's (单位负责人, who reads every area) and
# not the author's department head's, who may not read them (security.roles): the
# integrity file and sanctions. Keys are section areas or section keys.
UNIT_FIRST_REVIEW = frozenset({"integrity", "sanction"})


def has_permission(user, permission: tuple) -> bool:
    name, view = permission
    # Read once per request (security.grants), as the security manager's own checks are.
    return (view, name) in grants_of(user)


def grants_of(user) -> frozenset:
    return grants.of_user(db.session, user)


def closed_to(user) -> tuple[frozenset, frozenset]:
    """(material classes, dossier tables) ``user`` may not read: the one read rule that every
    screen showing content asks (lists, queues, drafts, history, files)."""
    from .catalogue import CLASS_GUARDS
    from .sections import DOSSIER_MODELS

    grants = grants_of(user)
    tables = frozenset(m.__tablename__ for m in DOSSIER_MODELS if (f"{m.__name__}View", "can_show") not in grants)
    classes = frozenset(code for code, views in CLASS_GUARDS.items()
                        if not any((view, "can_show") in grants for view in views))
    return classes, tables


def readable(item, closed: tuple) -> bool:
    """Whether an item (record, material or change request) is open under ``closed_to``."""
    from .catalogue import Material

    classes, tables = closed
    table = item.table_name if item.__tablename__ == "change_request" else item.__tablename__
    if table in tables:
        return False
    if isinstance(item, Material):
        return item.material_class not in classes and item.record_table not in tables
    return True


def unit_reviewed(model) -> bool:
    return model.section_area in UNIT_FIRST_REVIEW or model.section_key in UNIT_FIRST_REVIEW
