"""Rosters (花名册): officials chosen by filters, shown in chosen columns (§2, §5.2.2).

What may be offered is read from the section registry: each section's
``roster_columns`` (``models.roster_fields``), for the sections the reader may read
(``models.reading.closed_to``). Identifiers (citizen ID, phones, e-mail) need the
identifiers permission and are masked unless the reader holds the identity tier
(``models.identity``). The query is one
SELECT over ``official`` with a correlated subquery per derived column; the session's
hooks (``models.visibility``) keep it inside the reader's department scope, and every
part of it reads approved content only.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_appbuilder import Model
from flask_babel import gettext as _
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, func, or_, select
from sqlalchemy.orm import relationship

from . import codes, identity, roster_filters
from .reading import closed_to, has_permission
from .roster_fields import Age, OpenSince

ROSTER_VIEW = "roster"
IDENTIFIERS = ("can_identifiers", ROSTER_VIEW)
MAX_CONTAINS = 50
# The form's section-field filters: one (field, operation, value) per row, in order.
FIELD, FIELD_OP, FIELD_VALUE = "sf", "sf_op", "sf_value"


class RosterError(ValueError):
    """A roster that cannot be run as asked; the message names what is wrong."""


class SavedRoster(Model):
    """A named filter and column set that HR shares and reruns."""

    __tablename__ = "saved_roster"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    spec = Column(Text, nullable=False)
    shared = Column(Boolean, nullable=False, default=True)
    owner_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    owner = relationship("User")
    created_at = Column(DateTime, nullable=False, default=datetime.now)

    def __repr__(self):
        return self.name


@dataclass
class Spec:
    columns: list[str]
    # (column key, operation, value)
    filters: list[tuple] = field(default_factory=list)
    sort: str | None = None
    descending: bool = False
    group: bool = False
    on: date | None = None
    # (section.field, FAB operation, value as typed): models.roster_filters
    fields: list[tuple] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "filters": [list(f) for f in self.filters], "sort": self.sort,
                           "descending": self.descending, "group": self.group,
                           "fields": [list(f) for f in self.fields]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Spec":
        data = json.loads(text)
        return cls(list(data["columns"]), [tuple(f) for f in data["filters"]], data.get("sort"),
                   bool(data.get("descending")), bool(data.get("group")),
                   fields=[tuple(f) for f in data.get("fields", ())])

    def query_args(self) -> list[tuple[str, str]]:
        """The spec as the roster page's own query string (export and save forms post it back)."""
        args = [("column", key) for key in self.columns]
        for key, op, value in self.filters:
            for item in (value if isinstance(value, list) else [value]):
                args.append((f"f.{key}.{op}", "1" if item is True else "0" if item is False else str(item)))
        if self.sort:
            args += [("sort", self.sort), ("descending", "1" if self.descending else "")]
        if self.group:
            args.append(("group", "1"))
        if self.on:
            args.append(("on", self.on.isoformat()))
        for key, op, value in self.fields:
            args += [(FIELD, key), (FIELD_OP, op), (FIELD_VALUE, value)]
        return args


def offer(user) -> dict:
    """column key → (section model, column) the user may put in a roster."""
    from .sections import DOSSIER_MODELS

    _classes, tables = closed_to(user)
    # Whether a roster lists identifiers at all is the roster's own permission; clear or
    # masked is the identity tier's (a clerk reads them clear, one official at a time, and
    # still lists none).
    identifiers = has_permission(user, IDENTIFIERS)
    offered = {}
    for model in DOSSIER_MODELS:
        if model.__tablename__ in tables:
            continue
        for column in model.roster_columns:
            if column.identifier and not identifiers:
                continue
            offered[column.key] = (model, column)
    return offered


def identifiers_clear(user) -> bool:
    """Identifiers in clear: the one identity tier of every screen (models.identity)."""
    return identity.reads_clear(user)


def parse(args) -> Spec:
    """A spec from the roster form (a MultiDict); a value that cannot be read is a RosterError."""
    filters = []
    for name in args:
        if not name.startswith("f."):
            continue
        parts = name.split(".")
        if len(parts) != 3:
            raise RosterError(_("Unknown filter: %(name)s", name=name))
        _prefix, key, op = parts
        values = [v.strip() for v in args.getlist(name) if v.strip()]
        if values:
            filters.append((key, op, _filter_value(key, op, values)))
    on = args.get("on", "").strip()
    try:
        on_date = date.fromisoformat(on) if on else None
    except ValueError:
        raise RosterError(_("The roster date is not a date: %(value)s", value=on)) from None
    return Spec(columns=list(dict.fromkeys(args.getlist("column"))), filters=filters,
                sort=args.get("sort") or None, descending=bool(args.get("descending")),
                group=bool(args.get("group")), on=on_date, fields=_field_filters(args))


def _field_filters(args) -> list[tuple]:
    keys, ops, values = args.getlist(FIELD), args.getlist(FIELD_OP), args.getlist(FIELD_VALUE)
    if not len(keys) == len(ops) == len(values):
        raise RosterError(_("Each field filter needs a field, an operation and a value."))
    # A row left empty (no field or no value) is no filter, as an empty filter box is none.
    return [(key.strip(), op.strip(), value.strip()) for key, op, value in zip(keys, ops, values)
            if key.strip() and value.strip()]


def _filter_value(key, op, values):
    try:
        if op == "in":
            return [int(v) for v in values]
        if op in ("min", "max"):
            number = int(values[0])
            if not 0 <= number <= 150:
                raise ValueError
            return number
    except ValueError:
        raise RosterError(_("The filter %(name)s needs a whole number between 0 and 150.", name=key)) from None
    if op == "contains" and len(values[0]) > MAX_CONTAINS:
        raise RosterError(_("The filter %(name)s takes at most %(max)s characters.", name=key, max=MAX_CONTAINS))
    return values[0]


def check(spec: Spec, offered: dict, fields: dict | None = None) -> None:
    """Refuse what is not offered to this reader (a forged request names it too);
    ``fields``: the section fields the reader may filter by (``models.roster_filters.fields``)."""
    from .labels import label

    for key, op, value in spec.fields:
        try:
            roster_filters.check(fields or {}, key, op, value)
        except roster_filters.FieldFilterError as error:
            raise RosterError(str(error)) from None
    if not spec.columns:
        raise RosterError(_("Choose at least one column."))
    for key in spec.columns:
        if key not in offered:
            raise RosterError(_("This column is not available to you: %(name)s", name=label(key)))
    for index, (key, op, value) in enumerate(spec.filters):
        if key not in offered or op not in offered[key][1].filters:
            raise RosterError(_("This filter is not available to you: %(name)s", name=label(key)))
        column = offered[key][1]
        if op == "eq" and column.kind == "code" and not codes.is_valid(column.code_table, value):
            raise RosterError(_("Unknown value for %(name)s: %(value)s", name=label(key), value=value))
        if op == "eq" and column.kind == "bool":
            if value not in ("1", "0", True, False):
                raise RosterError(_("Unknown value for %(name)s: %(value)s", name=label(key), value=value))
            spec.filters[index] = (key, op, value in ("1", True))
    if spec.group and "department" not in spec.columns:
        raise RosterError(_("Grouping by department needs the department column."))
    if spec.sort and (spec.sort not in spec.columns or offered[spec.sort][1].identifier):
        raise RosterError(_("A roster is sorted by one of its columns (not an identifier)."))


def statement(spec: Spec, offered: dict, on: date):
    from .official import Official

    columns = [Official.id.label("official_id")]
    for key in spec.columns:
        model, column = offered[key]
        columns.append(column.expression(model, on).label(key))
    query = select(*columns).where(Official.review_state == "approved")
    for key, op, value in spec.filters:
        model, column = offered[key]
        query = query.where(column.condition(model, op, value, on))
    for key, op, value in spec.fields:
        query = query.where(roster_filters.condition(key, op, value))
    order = []
    if spec.group:
        order.append(offered_department(offered, on))
    if spec.sort:
        model, column = offered[spec.sort]
        descending = spec.descending != _counts_back(column)
        expr = column.expression(model, on)
        order.append(expr.desc() if descending else expr.asc())
    return query.order_by(*order, Official.name, Official.id)


def _counts_back(column) -> bool:
    # Years since a date grow as the date goes back: sorting by age sorts birth dates the other way.
    return isinstance(column, Age) or (isinstance(column, OpenSince) and column.options["years"])


def offered_department(offered, on):
    from .official import Official
    from .organisation import Department

    return select(Department.name).where(Department.id == Official.department_id).scalar_subquery()


def count(session, spec: Spec, offered: dict, on: date) -> int:
    return session.scalar(select(func.count()).select_from(statement(spec, offered, on).order_by(None).subquery()))


def headers(spec: Spec, offered: dict) -> list[str]:
    return [str(offered[key][1].label) for key in spec.columns]


def rows(session, spec: Spec, offered: dict, on: date, clear: bool = False, limit: int | None = None,
         chunk: int = 1000):
    """The roster's rows as readers read them: code names, yes/no, identifiers masked
    unless ``clear``, dates as dates. A generator over a streamed result (server-side
    cursor on PostgreSQL): memory stays flat whatever the row count."""
    query = statement(spec, offered, on)
    if limit is not None:
        query = query.limit(limit)
    result = session.execute(query, execution_options={"yield_per": chunk})
    readers = [_reader(*offered[key], on, clear) for key in spec.columns]
    for row in result:
        official_id = row[0]
        yield [read(value, official_id) for read, value in zip(readers, row[1:])]


def _reader(model, column, on, clear):
    if column.identifier:
        mask = None if clear else MASKS[column.mask]
        return lambda blob, official_id: _identifier(column.key, blob, official_id, mask)
    # Names in the reader's language, looked up once per export rather than once per cell.
    if column.kind == "code":
        locale = codes.current_locale()
        names = {code: item.name(locale) for code, item in codes.table(column.code_table).items()}
        return lambda value, _id: names.get(value, value) if value else None
    if column.kind == "bool":
        yes, no = _("Yes"), _("No")
        return lambda value, _id: yes if value else no
    return lambda value, _id: column.convert(value, on)


class _OfficialRow:
    """What decrypting a field of the official's row needs: its table, id and data key's owner."""

    __tablename__ = "official"

    def __init__(self, official_id):
        self.id = self.official_id = official_id


def _identifier(key, blob, official_id, mask):
    from .encryption import sensitive_fields
    from .official import Official

    if blob is None:
        return None
    value = sensitive_fields(Official)[key]._decrypt(_OfficialRow(official_id), bytes(blob))
    if not isinstance(value, str):
        return str(value)  # a destroyed key or a failed authentication, said in words
    return mask(value) if mask else value


MASKS = identity.MASKS


def saved_for(session, user) -> list:
    """Saved rosters the user may rerun: their own and those shared."""
    query = select(SavedRoster).where(or_(SavedRoster.owner_id == user.id, SavedRoster.shared.is_(True)))
    return list(session.scalars(query.order_by(SavedRoster.name)))
