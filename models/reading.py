"""The one read rule: which dossier content a user may see (§5.1 分级授权).

A user reads a section when one of their roles holds ``can_show`` on it (its
permission name is its section key), and a material when they read its section and,
for the guarded classes (sections declaring ``guards_catalogue_class``), the sections
behind the class. Every screen that
shows content (lists, review queues, drafts, history, files) asks ``closed_to``
or ``readable``; the review workflow refuses to let anyone decide what they may
not read.
"""

from security import grants

from .db import db

# Reviewers whose scope is the whole unit (security.roles grants scope as a permission on this view).
SCOPE_VIEW = "DossierScope"
UNIT_WIDE = ("can_all", SCOPE_VIEW)

def has_permission(user, permission: tuple) -> bool:
    name, view = permission
    # Read once per request (security.grants), as the security manager's own checks are.
    return (view, name) in grants_of(user)


def grants_of(user) -> frozenset:
    return grants.of_user(db.session, user)


def closed_to(user) -> tuple[frozenset, frozenset]:
    """(material classes, dossier tables) ``user`` may not read: the one read rule that every
    screen showing content asks (lists, queues, drafts, history, files)."""
    from .sections import DOSSIER_MODELS

    grants = grants_of(user)
    tables = frozenset(m.__tablename__ for m in DOSSIER_MODELS if (m.section_key, "can_show") not in grants)
    classes = frozenset(code for code, keys in class_guards().items()
                        if not any((key, "can_show") in grants for key in keys))
    return classes, tables


def class_guards() -> dict[str, tuple[str, ...]]:
    """Material class → the sections whose readers alone read its documents: class 8
    (违规违纪违法处理处分) is as closed as sanctions and violation records."""
    from .sections import SECTIONS

    guards: dict[str, tuple[str, ...]] = {}
    for model in SECTIONS:
        if model.guards_catalogue_class:
            guards[model.catalogue_class] = (*guards.get(model.catalogue_class, ()), model.section_key)
    return guards


def readable(item, closed: tuple) -> bool:
    """Whether an item (record, material or change request) is open under ``closed_to``."""
    from .catalogue import Material

    classes, tables = closed
    # A change request and an appraisal mark are read as the record they concern.
    table = item.table_name if item.__tablename__ in ("change_request", "appraisal_mark") else item.__tablename__
    if table in tables:
        return False
    if isinstance(item, Material):
        return item.material_class not in classes and item.record_table not in tables
    return True


def unit_reviewed(model) -> bool:
    """Whether the unit head (单位负责人, who reads every area), not the author's department
    head (who may not read it), first-reviews the section: the integrity file and sanctions."""
    return model.unit_first_review
