"""What an executed destruction removes (§9.2.3): every row of each item, found by data.

Nothing here is a hand list of the dossier's tables. A whole dossier is every row of
every table of the metadata with an ``official_id`` column (the sections, materials,
change requests, collection receipts, appraisal marks, due rows, consultation grants,
completeness confirmations, quarantine and fixity findings…) and the official's own
row. Then, for a dossier, a material or a section record alike, what points at a
removed row goes with it:

- rows holding a foreign key declared ``ON DELETE CASCADE`` to it (the readings of a
  consultation grant); a ``SET NULL`` key is set to null on the row that stays (a
  training outcome whose training went);
- rows naming it by (table, id) columns, ``REFERENCES`` below (change requests, review
  decisions, appraisal marks, due rows);
- findings naming a removed material by id (quarantine, fixity problems);
- a section record's supporting documents (materials with its ``record_table`` and
  ``record_id``); a hold on one of them stops the record itself (``holds.blocking``), so
  a held document never loses the record it documents;
- every Continuum version of each removed row (``version_class``): Continuum does not
  version bulk deletes, and the history of a destroyed row is its content.

What stays, by design, holds references and no content: ``KEPT`` below, the audit
trail (events name objects by id, never their values) and Continuum's transaction rows
(who and when, nothing of the row).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_appbuilder import Model
from sqlalchemy import delete, select, update
from sqlalchemy_continuum import version_class

from models.db import db
from models.disposal.items import DOSSIER, MATERIAL, Item

# Tables with an official_id that outlive the dossier, and why:
KEPT = frozenset({
    # A hold is never deleted: its record (placed, lifted, by whom) outlives what it held.
    "disposal_hold",
    # The destruction list's entries are the register's content (§9.2.4 記錄備案): what was
    # destroyed, frozen at submission (title, class, number, date formed).
    "destruction_item",
})
# Rows naming a dossier row by (table column, id column) rather than by a foreign key.
REFERENCES = (
    ("change_request", "table_name", "record_id"),
    ("appraisal_mark", "table_name", "record_id"),
    ("retention_due", "table_name", "record_id"),
    ("review_decision", "item_table", "item_id"),
    ("review_decision", "record_table", "record_id"),
)
# Findings about a stored file, naming its material by id.
BY_MATERIAL = (("quarantine", "material_id"), ("fixity_problem", "material_id"))
# A record's supporting documents.
SUPPORTING = ("material", "record_table", "record_id")
# Bound parameters per IN list: under every SQLite build's limit.
CHUNK = 500
OPTIONS = {"include_pending": True, "all_departments": True}


@dataclass
class Doomed:
    """Rows to remove (table → ids), and what the steps after the commit need."""

    rows: dict = field(default_factory=lambda: defaultdict(set))
    # Officials whose whole dossier goes: their data key is shredded after the commit.
    dossiers: set = field(default_factory=set)
    # material id → (official id, stored_sha256, file key id or None), read before the rows go.
    materials: dict = field(default_factory=dict)
    # Officials whose catalogue must be renumbered (a material of theirs went, the dossier stays).
    renumber: set = field(default_factory=set)
    # (table, id, column) of staying rows whose SET NULL key pointed at a removed row.
    nulled: set = field(default_factory=set)

    def add(self, table: str, ids) -> set:
        new = set(ids) - self.rows[table]
        self.rows[table] |= new
        return new

    def has(self, table: str, row_id) -> bool:
        return row_id in self.rows.get(table, ())


def tables():
    return db.metadata.tables


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _pk(table):
    (column,) = table.primary_key.columns
    return column


def _ids(session, table, *where) -> set:
    return set(session.scalars(select(_pk(table)).where(*where).execution_options(**OPTIONS)))


def owned_tables() -> list:
    """Every table holding rows of an official's dossier, read from the metadata."""
    return [t for name, t in sorted(tables().items())
            if "official_id" in t.c and name not in KEPT and not name.endswith("_version")]


def collect(session, items: list[Item]) -> Doomed:
    """Every row the items take with them (nothing is removed here)."""
    doomed = Doomed()
    for item in items:
        if item.kind == DOSSIER:
            doomed.dossiers.add(item.official_id)
            doomed.add("official", {item.official_id})
            for table in owned_tables():
                doomed.add(table.name, _ids(session, table, table.c.official_id == item.official_id))
        elif item.kind == MATERIAL:
            doomed.add("material", {item.record_id})
        else:
            doomed.add(item.table_name, {item.record_id})
            _supporting(session, item, doomed)
    _expand(session, doomed)
    _remember_materials(session, doomed)
    doomed.renumber = {official for official, _sha, _key in doomed.materials.values()} - doomed.dossiers
    return doomed


def _supporting(session, item: Item, doomed: Doomed) -> None:
    name, table_column, id_column = SUPPORTING
    table = tables()[name]
    found = _ids(session, table, table.c[table_column] == item.table_name, table.c[id_column] == item.record_id)
    doomed.add("material", set(found))


def _expand(session, doomed: Doomed) -> None:
    """Add what points at removed rows until nothing new comes (a fixed point)."""
    changed = True
    while changed:
        changed = False
        for name, table_column, id_column in REFERENCES:
            table = tables()[name]
            for target, ids in list(doomed.rows.items()):
                for chunk in _chunks(ids):
                    found = _ids(session, table, table.c[table_column] == target, table.c[id_column].in_(chunk))
                    changed |= bool(doomed.add(name, found))
        for name, column in BY_MATERIAL:
            table = tables()[name]
            for chunk in _chunks(doomed.rows.get("material", ())):
                changed |= bool(doomed.add(name, _ids(session, table, table.c[column].in_(chunk))))
        for table in tables().values():
            for key in table.foreign_keys:
                target = key.column.table.name
                if target not in doomed.rows or key.column is not _pk(key.column.table):
                    continue
                for chunk in _chunks(doomed.rows[target]):
                    found = _ids(session, table, key.parent.in_(chunk))
                    if key.ondelete and key.ondelete.upper() == "CASCADE":
                        changed |= bool(doomed.add(table.name, found))
                    else:
                        doomed.nulled |= {(table.name, row_id, key.parent.name) for row_id in found}
    doomed.nulled = {entry for entry in doomed.nulled if not doomed.has(entry[0], entry[1])}


def _remember_materials(session, doomed: Doomed) -> None:
    table = tables()["material"]
    # The per-file key column arrives with per-file keys; before it, a material's file has the
    # official's key only (and nothing of its own to shred).
    key = table.c.get("file_key_id")
    columns = [table.c.id, table.c.official_id, table.c.stored_sha256] + ([key] if key is not None else [])
    for chunk in _chunks(doomed.rows.get("material", ())):
        for row in session.execute(select(*columns).where(table.c.id.in_(chunk))):
            doomed.materials[row.id] = (row.official_id, row.stored_sha256, row[3] if key is not None else None)


def model_of(table_name: str):
    for mapper in Model.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper.class_
    return None


def remove(session, doomed: Doomed) -> dict[str, int]:
    """Delete every doomed row and its versions, children first; rows removed per table."""
    removed = defaultdict(int)
    session.flush()
    for table, row_id, column in sorted(doomed.nulled):
        model = model_of(table)
        if model is not None:  # through the ORM, so the row that stays is versioned and audited
            setattr(session.get(model, row_id, execution_options=OPTIONS), column, None)
        else:
            session.execute(update(tables()[table]).where(_pk(tables()[table]) == row_id).values({column: None}))
    session.flush()
    for table in reversed(db.metadata.sorted_tables):
        ids = doomed.rows.get(table.name)
        if not ids:
            continue
        for chunk in _chunks(ids):
            removed[table.name] += session.execute(delete(table).where(_pk(table).in_(chunk))).rowcount
        model = model_of(table.name)
        if model is not None and getattr(model, "__versioned__", None) is not None:
            versions = version_class(model).__table__
            for chunk in _chunks(ids):
                removed[versions.name] += session.execute(delete(versions).where(versions.c.id.in_(chunk))).rowcount
            if "official_id" in versions.c and doomed.dossiers:
                # The histories of rows of a destroyed dossier deleted before today (a draft
                # withdrawn, a record removed by its screen): their versions are content too.
                for chunk in _chunks(doomed.dossiers):
                    removed[versions.name] += session.execute(
                        delete(versions).where(versions.c.official_id.in_(chunk))).rowcount
    official_versions = version_class(model_of("official")).__table__
    for chunk in _chunks(doomed.dossiers):
        removed[official_versions.name] += session.execute(
            delete(official_versions).where(official_versions.c.id.in_(chunk))).rowcount
    _forget_loaded(session, doomed)
    return {name: count for name, count in sorted(removed.items()) if count}


def _forget_loaded(session, doomed: Doomed) -> None:
    """Objects of removed rows loaded in this session would be flushed again: drop them."""
    for key, obj in list(session.identity_map.items()):
        table = getattr(key[0], "__table__", None)
        if table is not None and len(key[1]) == 1 and doomed.has(table.name, key[1][0]):
            session.expunge(obj)


def after_remove(session, doomed: Doomed) -> None:
    """Close the catalogue's gaps, through the ORM (versioned, audited)."""
    from models.catalogue import renumber

    for official_id in sorted(doomed.renumber):
        renumber(session, official_id)
    session.flush()
