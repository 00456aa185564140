"""The due list (§9.1): which approved content has passed its retention period.

``compute_due`` rewrites ``RetentionDue`` from the rules in force (models.disposal.retention),
a chunk of officials at a time with a fixed number of statements per chunk (the officials,
one query per section table and one for the catalogue, one delete, one insert), committing
each chunk so a run over 100,000 dossiers never holds the database. Only approved content
of approved dossiers is judged (the query hooks of models.visibility add the criterion);
the job reads across every department. Nothing is destroyed: a due item only becomes
eligible for a destruction application, which reads these rows through ``due_on``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, Integer, delete, func, insert, select

from ..catalogue import Material
from ..official import LEFT, Official
from ..sections import SECTIONS
from .items import MATERIAL
from .retention import Dates, RetentionDue, due_date, in_force, rule_for

CHUNK = 2000
DUE = RetentionDue.__table__
EVERYWHERE = {"all_departments": True}

# How a section record's "date formed" is read from its own date (the first column of its
# order): a date as it is, a year (an annual assessment) as the last day of that year.
FORMED = {
    Date: lambda value: value,
    Integer: lambda value: date(value, 12, 31) if value else None,
}


def formed_column(model):
    """The column of ``model`` its records' date formed is read from, and how."""
    if model is Material:
        return Material.formed_on, FORMED[Date]
    for name in (*model.order_by, "received_on"):
        column = getattr(model, name, None)
        kind = next((k for k in FORMED if column is not None and isinstance(column.type, k)), None)
        if kind is not None:
            return column, FORMED[kind]
    raise LookupError(f"{model.__name__}: no date its records are formed on")


@dataclass
class Counts:
    officials: int = 0
    items: int = 0
    due: int = 0
    # Officials who left (status 2-4) with no leaving date: nothing of theirs runs "from leaving".
    left_without_date: int = 0
    by_class: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"officials": self.officials, "items": self.items, "due": self.due,
                "left_without_date": self.left_without_date, "by_class": dict(sorted(self.by_class.items()))}


def _sources():
    """(table name, model, kind, section key, its class) for the catalogue and every section."""
    yield Material.__tablename__, Material, MATERIAL, None, None
    for model in SECTIONS:
        yield model.__tablename__, model, "record", model.section_key, model.catalogue_class


def _chunk_rows(session, rules, officials: dict, lo: int, hi: int, now: datetime, today: date, counts: Counts):
    rows = []
    for table, model, kind, section_key, section_class in _sources():
        column, convert = formed_column(model)
        extra = (Material.material_class,) if model is Material else ()
        statement = (select(model.id, model.official_id, column, *extra)
                     .where(model.official_id.between(lo, hi)).execution_options(**EVERYWHERE))
        for record_id, official_id, formed, *material_class in session.execute(statement):
            if official_id not in officials:
                continue  # an official not (yet) approved: not part of the dossier of record
            counts.items += 1
            item_class = material_class[0] if material_class else section_class
            rule = rule_for(rules, kind, section_key, item_class)
            due = due_date(rule, Dates(convert(formed), officials[official_id]))
            if due is not None and due <= today:
                rows.append({"official_id": official_id, "table_name": table, "record_id": record_id,
                             "material_class": item_class, "rule_id": rule.id, "due_on": due, "computed_at": now})
                counts.by_class[item_class or ""] = counts.by_class.get(item_class or "", 0) + 1
    return rows


def compute_due(session, today: date | None = None, chunk: int = CHUNK) -> Counts:
    """Rewrite the due list as of ``today``; returns what it judged and found."""
    today = today or date.today()
    now, counts = datetime.now(), Counts()
    rules = in_force(session)
    after = 0
    while True:
        officials = session.execute(
            select(Official.id, Official.status, Official.left_on).where(Official.id > after)
            .order_by(Official.id).limit(chunk).execution_options(**EVERYWHERE)).all()
        if not officials:
            break
        hi = officials[-1].id
        left = {o.id: (o.left_on if o.status in LEFT else None) for o in officials}
        counts.officials += len(officials)
        counts.left_without_date += sum(1 for o in officials if o.status in LEFT and o.left_on is None)
        rows = _chunk_rows(session, rules, left, after + 1, hi, now, today, counts)
        # The chunk's stretch of ids, officials gone or not approved included: their old rows go too.
        session.execute(delete(DUE).where(DUE.c.official_id > after, DUE.c.official_id <= hi))
        if rows:
            session.execute(insert(DUE), rows)
        counts.due += len(rows)
        session.commit()
        after = hi
    session.execute(delete(DUE).where(DUE.c.official_id > after))
    session.commit()
    return counts


def summary(session) -> list[tuple[int, str | None, int, date, date]]:
    """(official id, class, items due, earliest, latest due date) of the last run."""
    return session.execute(
        select(RetentionDue.official_id, RetentionDue.material_class, func.count(), func.min(RetentionDue.due_on),
               func.max(RetentionDue.due_on))
        .group_by(RetentionDue.official_id, RetentionDue.material_class)
        .order_by(RetentionDue.official_id, RetentionDue.material_class)).all()
