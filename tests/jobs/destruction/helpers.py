"""What the destruction tests look at: an official's rows in every table, row counts, stored files."""

from sqlalchemy import func, select, text

from jobs.destruction.plan import KEPT
from models.storage import attachments


def rows_of(db, official_id) -> dict[str, int]:
    """Every row of the metadata that belongs to the official, table by table (KEPT aside)."""
    from models.db import db as _db

    found = {}
    for name, table in _db.metadata.tables.items():
        if name in KEPT or name.removesuffix("_version") in KEPT:
            continue
        if "official_id" in table.c:
            found[name] = db.session.scalar(select(func.count()).select_from(table).where(table.c.official_id == official_id))
        elif name in ("official", "official_version"):
            found[name] = db.session.scalar(select(func.count()).select_from(table).where(table.c.id == official_id))
    return {name: count for name, count in found.items() if count}


def counts(db) -> dict[str, int]:
    from models.db import db as _db

    return {name: db.session.scalar(select(func.count()).select_from(table)) for name, table in _db.metadata.tables.items()}


def stored_files() -> set:
    return {p.name for p in attachments.root().rglob("*") if p.is_file() and p.parent.name != "tmp"}




def row_count(db, table: str) -> int:
    return db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar()
