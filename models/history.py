"""The history of a record (§7.3): every version, field by field, as its reader may read it.

Continuum keeps each version as the row was stored: a sensitive field as its ciphertext
(``_citizen_id``), the blind index of the citizen ID, the pinyin search keys, the
transaction's ids and operation code. A reader sees none of these: only the fields the
forms label (models.labels), each under that label, a sensitive value decrypted with the
official's data key (models.encryption), and an identity field masked unless the reader
holds the identity tier (models.identity). A field whose ciphertext changed but whose
plaintext did not (sealed anew) is no change.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy_continuum import version_class

from . import codes, identity, workflow
from .db import db
from .encryption import SHREDDED, TAMPERED, open_stored
from .labels import labels_of

# Columns every record has that the page shows elsewhere (who and when: the version's own).
NOT_CHANGES = frozenset({"id", "changed_at", "changed_by_id", "entered_at", "entered_by_id"})
OPERATIONS = {0: _l("Created"), 1: _l("Changed"), 2: _l("Deleted")}


def display(model, key, value) -> str:
    """A stored (plaintext) value as the reader should see it."""
    if value is None or value == "":
        return ""
    if key == "review_state":
        return workflow.state_label(value)
    column = model.__table__.columns.get(key)
    if column is not None and "code_table" in column.info:
        return codes.name(column.info["code_table"], value)
    if column is not None and column.foreign_keys and key.endswith("_id"):
        target = next(iter(column.foreign_keys)).column.table.name
        from . import Department, Official

        related = {"department": Department, "official": Official}.get(target)
        if related is not None:
            obj = db.session.get(related, value, execution_options={"include_pending": True})
            return str(obj) if obj else str(value)
    return str(value)


def field_label(model, key) -> str:
    """A column's label; a foreign key is labelled as its relation (official_id → 官员)."""
    labels = labels_of(model)
    return str(labels.get(key[:-3] if key.endswith("_id") and key[:-3] in labels else key, key))


@dataclass(frozen=True)
class Shown:
    """A column of the version table the page shows: its attribute on the version, the
    field's name (a sensitive one's plaintext name) and whether it is stored sealed."""

    attr: str
    name: str
    sealed: bool


def shown_columns(model) -> list[Shown]:
    """The version table's columns a reader may see, in the model's order: labelled fields
    only, so no ciphertext column, index, search key or transaction column ever shows."""
    labels = labels_of(model)
    columns = []
    for attr, column in inspect(version_class(model)).columns.items():
        own = model.__table__.columns.get(column.name)
        if own is None:  # transaction_id, end_transaction_id, operation_type: Continuum's
            continue
        name = own.info.get("plain", own.key)
        label_key = name[:-3] if own.foreign_keys and name.endswith("_id") else name
        if name in NOT_CHANGES or name.startswith("_") or name.endswith("_index") or label_key not in labels:
            continue
        columns.append(Shown(attr, name, "plain" in own.info))
    return columns


@dataclass
class Entry:
    at: datetime | None
    actor: object
    address: str | None
    operation: str
    changes: list = field(default_factory=list)  # (label, old, new), each as the reader reads it


def _plain(model, version, columns) -> dict:
    """The version's values as stored, sealed ones opened (or the notice why they cannot be)."""
    official_id = getattr(version, "official_id", None) or version.id
    values = {}
    for column in columns:
        value = getattr(version, column.attr)
        if column.sealed:
            value = open_stored(model.__tablename__, column.name, version.id, official_id, value)
        values[column.name] = None if value == "" else value
    return values


def _shown(model, name, value, clear: bool) -> str:
    if value is SHREDDED or value is TAMPERED:
        return str(value)
    return display(model, name, identity.shown(model, name, value, clear))


def entries(session, model, record_id: int, clear: bool) -> list[Entry]:
    """Every version of the record, oldest first, with what changed in it; ``clear``: the
    reader holds the identity tier."""
    versions = session.scalars(
        select(version_class(model)).where(version_class(model).id == record_id)
        .order_by(version_class(model).transaction_id)
    ).all()
    columns = shown_columns(model)
    previous: dict = {}
    result = []
    for version in versions:
        values = _plain(model, version, columns)
        # Compared in plaintext: a value sealed anew is no change, a masked change still is one.
        changes = [(field_label(model, c.name), _shown(model, c.name, previous.get(c.name), clear),
                    _shown(model, c.name, values[c.name], clear))
                   for c in columns if values[c.name] != previous.get(c.name)]
        result.append(Entry(version.transaction.issued_at, version.transaction.user,
                            version.transaction.remote_addr, str(OPERATIONS[version.operation_type]), changes))
        previous = values
    return result
