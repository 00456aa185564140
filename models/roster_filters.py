"""Any field of any section as a roster filter: section · field · operation · value.

The operations are those FAB's ``SQLAFilterConverter`` offers for the column's type
(the filters of every FAB list: starts with, contains, equal to, greater than…), named
by their ``arg_name`` (``sw``, ``ct``, ``eq``, ``gt``…), and the condition is the FAB
filter class's own ``apply()`` on ``SELECT official_id FROM <section>`` over approved
records: an official is in the roster when one of their approved records matches.

What may be filtered is what the reader may read (``models.reading.closed_to``): the
labelled content fields of the basic information and of the sections, never an
encrypted field (the database holds only its ciphertext), a key or a search column.
Everything a request names is checked before a query is built: a forged section,
field, operation or value is a ``RosterError`` naming it, never a database error.
"""

import re
from datetime import date
from functools import cache

from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from sqlalchemy import Date, DateTime, Integer, select

from . import codes
from .labels import labels_of
from .reading import closed_to

MAX_VALUE = 50
MAX_VALUES = 20
# Columns of the workflow and of provenance, which every record has: the dossier's
# content is the section's own fields (the history screens answer who entered what).
COMMON = frozenset({"id", "official_id", "source_channel", "source_department_id", "received_on", "review_state",
                    "entered_at", "entered_by_id", "changed_at", "changed_by_id", "receipt_id"})
# Operations whose value is a list (FilterIn, FilterNotIn), typed as several values.
LIST_OPERATIONS = frozenset({"in", "not_in"})
SEPARATORS = re.compile(r"[、,，;；]+")
INT_RANGE = (-(2**31), 2**31 - 1)


class FieldFilterError(ValueError):
    """A field filter that cannot be applied; ``models.rosters`` tells it as a RosterError."""


def _models():
    from .official import Official
    from .sections import SECTIONS

    # The catalogue's documents are not here: their classes are guarded one by one.
    return (Official, *SECTIONS)


def _filterable(model, column) -> bool:
    if column.key in COMMON or "plain" in column.info or column.foreign_keys:
        return False
    return column.key in labels_of(model)


def fields(user) -> dict:
    """``section.field`` → (section model, column key) the user may filter a roster by."""
    _classes, tables = closed_to(user)
    offered = {}
    for model in _models():
        if model.__tablename__ in tables:
            continue
        for column in model.__table__.columns:
            if _filterable(model, column):
                offered[f"{model.section_key}.{column.key}"] = (model, column.key)
    return offered


@cache
def _datamodel(model):
    return SQLAInterface(model)


def operations(model, key) -> dict:
    """arg_name → FAB filter instance, as FAB's converter offers them for this column."""
    return {f.arg_name: f for f in (SQLAFilterConverter(_datamodel(model)).convert(key) or ())}


def operation_names() -> dict:
    """arg_name → FAB's (translated) name of the operation, over every filterable column's type."""
    names = {}
    for model in _models():
        for column in model.__table__.columns:
            if _filterable(model, column):
                for arg, instance in operations(model, column.key).items():
                    names.setdefault(arg, instance.name)
    return names


def label_of(offered: dict, key: str) -> str:
    model, column = offered[key]
    return f"{model.section_label} · {labels_of(model).get(column, column)}"


def typed(model, key: str, op: str, raw: str):
    """The value as the column's type holds it; a FieldFilterError names what is wrong."""
    column = model.__table__.columns[key]
    if op in LIST_OPERATIONS:
        values = [v.strip() for v in SEPARATORS.split(raw) if v.strip()]
        if not values or len(values) > MAX_VALUES:
            raise FieldFilterError(_("give between 1 and %(max)s values, separated by 、 or commas", max=MAX_VALUES))
        return [_one(column, op, v) for v in values]
    return _one(column, op, raw)


def _one(column, op, raw):
    if isinstance(column.type, (Date, DateTime)):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise FieldFilterError(_("is not a date (YYYY-MM-DD): %(value)s", value=raw)) from None
    if isinstance(column.type, Integer):
        try:
            number = int(raw)
        except ValueError:
            raise FieldFilterError(_("is not a whole number: %(value)s", value=raw)) from None
        if not INT_RANGE[0] <= number <= INT_RANGE[1]:
            raise FieldFilterError(_("is not a whole number: %(value)s", value=raw))
        return number
    if len(raw) > MAX_VALUE:
        raise FieldFilterError(_("takes at most %(max)s characters", max=MAX_VALUE))
    table = column.info.get("code_table")
    if table and op in ("eq", "neq", *LIST_OPERATIONS) and not codes.is_valid(table, raw):
        raise FieldFilterError(_("is not a code of its table: %(value)s", value=raw))
    return raw


def check(offered: dict, key: str, op: str, raw: str):
    """The typed value of a filter the user may apply; a FieldFilterError otherwise."""
    if key not in offered:
        raise FieldFilterError(_("This field is not available to you: %(name)s", name=key))
    model, column = offered[key]
    if op not in operations(model, column):
        raise FieldFilterError(_("Unknown operation for %(name)s: %(op)s", name=label_of(offered, key), op=op))
    try:
        return typed(model, column, op, raw)
    except FieldFilterError as error:
        raise FieldFilterError(f"{label_of(offered, key)}：{error}") from None


def resolve(key: str) -> dict:
    """``{key: (model, column)}`` for a key already checked against what the reader may filter."""
    from .sections import BY_KEY

    section, _dot, column = key.partition(".")
    return {key: (BY_KEY[section], column)}


def condition(key: str, op: str, raw: str):
    """``official.id IN (the officials one of whose approved records matches)``, by FAB's filter."""
    from .official import Official

    offered = resolve(key)
    model, column = offered[key]
    value = check(offered, key, op, raw)
    owner = model.id if model is Official else model.official_id
    matching = operations(model, column)[op].apply(select(owner).where(model.review_state == "approved"), value)
    return Official.id.in_(matching)
