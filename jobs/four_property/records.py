"""Items read from the database: the dossier of record against its versions, the
catalogue's numbering, counts and metadata, and encryption coverage. Each is a few
set-wise queries, whatever the size of the holdings."""

from sqlalchemy import LargeBinary, and_, distinct, func, literal, or_, select
from sqlalchemy_continuum import version_class

from models.db import db
from models import DOSSIER_MODELS, SECTIONS, ChangeRequest, Material
from models.workflow import APPROVED
from security import crypto

from .context import NAMED, Result

# Smallest stored ciphertext: format version, key version, nonce, tag.
MIN_CIPHERTEXT = 1 + 4 + crypto.NONCE_SIZE + crypto.TAG_SIZE
MATERIAL = Material.__table__


def approved_versions(ctx) -> Result:
    """Every approved record's current values equal its last version, the one its approval
    wrote: a row changed behind the application has no version that says so."""
    checked, problems = 0, []
    for model in DOSSIER_MODELS:
        table, versions = model.__table__, version_class(model).__table__
        shared = [c.name for c in table.columns if c.name in versions.c]
        joined = table.outerjoin(versions, and_(versions.c.id == table.c.id, versions.c.end_transaction_id.is_(None)))
        approved = table.c.review_state == APPROVED
        checked += db.session.scalar(select(func.count()).select_from(table).where(approved))
        differs = or_(versions.c.id.is_(None), *(table.c[name].is_distinct_from(versions.c[name]) for name in shared))
        for (row_id,) in db.session.execute(select(table.c.id).select_from(joined).where(approved, differs)
                                            .order_by(table.c.id).limit(NAMED)):
            problems.append({"table": table.name, "id": row_id})
    return Result.of(checked, problems)


def numbering(ctx) -> Result:
    """Catalogue numbers run 1..n without gaps or repeats in every class of every dossier,
    and only approved materials hold one."""
    m = MATERIAL.c
    groups = select(m.official_id, m.material_class, func.count().label("n"), func.count(m.sequence).label("numbered"),
                    func.count(distinct(m.sequence)).label("distinct_numbers"), func.min(m.sequence).label("low"),
                    func.max(m.sequence).label("high")) \
        .where(m.review_state == APPROVED).group_by(m.official_id, m.material_class).subquery()
    g = groups.c
    bad = select(g.official_id, g.material_class, g.n, g.high).where(or_(
        g.numbered != g.n, g.distinct_numbers != g.n, g.low != 1, g.high != g.n)) \
        .order_by(g.official_id, g.material_class).limit(NAMED)
    checked = db.session.scalar(select(func.count()).select_from(groups))
    problems = [{"official": o, "class": c, "materials": n, "highest": h} for o, c, n, h in db.session.execute(bad)]
    for material_id, official_id in db.session.execute(
            select(m.id, m.official_id).where(m.review_state != APPROVED, m.sequence.is_not(None)).limit(NAMED)):
        problems.append({"official": official_id, "material": material_id, "numbered_draft": True})
    return Result.of(checked, problems)


def metadata(ctx) -> Result:
    """Every approved material has its title, class, date formed, forming unit and pages."""
    m = MATERIAL.c
    incomplete = or_(m.title.is_(None), m.title == "", m.material_class.is_(None), m.formed_on.is_(None),
                     m.forming_unit.is_(None), m.forming_unit == "", m.page_count.is_(None), m.page_count < 1)
    approved = m.review_state == APPROVED
    checked = db.session.scalar(select(func.count()).where(approved))
    problems = [{"official": o, "material": i} for i, o in db.session.execute(
        select(m.id, m.official_id).where(approved, incomplete).order_by(m.id).limit(NAMED))]
    return Result.of(checked, problems)


def catalogue_counts(ctx) -> Result:
    """Per dossier, the approved materials are exactly the entries of its catalogue, and every
    material that cites a record of the dossier cites one that is there, in the same dossier."""
    m = MATERIAL.c
    per_official = select(m.official_id, func.count().label("n"), func.count(m.sequence).label("entries")) \
        .where(m.review_state == APPROVED).group_by(m.official_id).subquery()
    checked = db.session.scalar(select(func.count()).select_from(per_official))
    problems = [{"official": o, "materials": n, "entries": e} for o, n, e in db.session.execute(
        select(per_official).where(per_official.c.n != per_official.c.entries).limit(NAMED))]
    for model in SECTIONS:
        table = model.__table__
        orphans = select(m.id, m.official_id).select_from(MATERIAL.outerjoin(table, table.c.id == m.record_id)) \
            .where(m.record_table == table.name, m.review_state == APPROVED,
                   or_(table.c.id.is_(None), table.c.official_id != m.official_id)).limit(NAMED)
        problems += [{"official": o, "material": i, "cites": table.name} for i, o in db.session.execute(orphans)]
    return Result.of(checked, problems)


def encryption_coverage(ctx) -> Result:
    """No sensitive column holds anything but ciphertext of the current format."""
    checked, problems = 0, []
    version = literal(bytes([crypto.FORMAT_VERSION]), LargeBinary)
    for model in (*DOSSIER_MODELS, ChangeRequest):
        table = model.__table__
        for column in (c for c in table.columns if "plain" in c.info):
            present = column.is_not(None)
            checked += db.session.scalar(select(func.count()).where(present))
            clear = or_(func.length(column) < MIN_CIPHERTEXT, func.substr(column, 1, 1) != version)
            problems += [{"table": table.name, "column": column.name, "id": row_id} for (row_id,) in db.session.execute(
                select(table.c.id).where(present, clear).order_by(table.c.id).limit(NAMED))]
    return Result.of(checked, problems)
