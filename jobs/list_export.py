"""What the export of a list screen holds: its columns, each cell as the list shows it,
sensitive fields masked, and the filters as the audit trail keeps them (§5.2.2).

The screen (``views.list_export``) gives the rows of its own query, filtered as the
list is; this module knows nothing of FAB's request arguments. The files themselves and
their audit event are ``jobs.exports``'.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, Text

from models.identity import MASKS

# Sensitive fields without a mask of their own (free text, an integrity-file text): nothing of
# them shows in an export, whoever exports. They are read one record at a time on screen, by
# the section's read rule; the identity tier (models.identity) is about identity fields only.
HIDDEN = "******"
# What the audit trail keeps of typed text about an official (as for rosters): not the text.
LEFT_OUT = "…"


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: str
    formatter: object = None   # the list's own formatter, or None
    mask: object = None        # for a sensitive field read without the clear permission


def sensitive_fields(model) -> dict[str, str | None]:
    """Field name → its format (``citizen_id``, ``mobile``…) of every encrypted field of ``model``."""
    return {c.info["plain"]: c.info.get("format") for c in model.__table__.columns if "plain" in c.info}


def mask_of(kind: str | None, clear: bool = False, texts: bool = False):
    """How a sensitive field of format ``kind`` exports: an identity field clear or masked,
    free text hidden unless ``texts``."""
    if kind in MASKS:
        return None if clear else MASKS[kind]
    return None if texts else (lambda _value: HIDDEN)


def columns(model, keys, labels: dict, formatters: dict, clear: bool, texts: bool = False) -> list[ListColumn]:
    """The list's columns with their labels and formatters; an identity field masked unless
    ``clear`` (the identity tier), a sensitive free text shown only with ``texts`` (one
    official's printed dossier, whose sections the read rule has already chosen)."""
    sensitive = sensitive_fields(model)
    return [ListColumn(key, str(labels.get(key, key)), formatters.get(key),
                       mask_of(sensitive[key], clear, texts) if key in sensitive else None)
            for key in keys]


def cell(column: ListColumn, value):
    """One value as the list shows it, as a cell: a date stays a date (a real date cell in
    xlsx) and a number a number; a code is its name, a related row its name, empty is empty."""
    if column.mask is not None and isinstance(value, str) and value:
        return column.mask(value)
    if column.formatter is not None:
        value = column.formatter(value)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (date, int, float)) and not isinstance(value, bool):
        return value
    # Anything else (a related row, a yes/no, an unreadable field's notice) reads as the list prints it.
    return str(value)


def rows(values, cols: list[ListColumn]):
    """Cells of each row from ``values`` (dicts of column → value, as FAB's ``get_values``
    yields them): a generator, so a streamed query stays streamed."""
    for item in values:
        yield [cell(column, item[column.key]) for column in cols]


def personal(model) -> bool:
    """A table of the dossier's content: an official, or a record that belongs to one."""
    names = model.__table__.columns.keys()
    return model.__tablename__ == "official" or "official_id" in names


def described(model, filters) -> list[list]:
    """The filters as given, as the audit event keeps them: [column, operation, value];
    typed text about an official is left out (its column and operation stay)."""
    table = model.__table__.columns
    free_text = {key for key, column in table.items()
                 if isinstance(column.type, (String, Text)) and "code_table" not in column.info and personal(model)}
    kept = []
    for column, operation, value in filters:
        if column in free_text:
            value = LEFT_OUT
        kept.append([column, operation, value])
    return kept
