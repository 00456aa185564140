"""What a roster (花名册) may show of a section and filter it by: the building blocks a
section declares in its ``roster_columns`` (``models.base.SectionRecord``).

A column is one value per official. The official's own fields are read as they are;
a section holding many records per official offers derived values (the latest
assessment grade, the current post's start, the highest education), computed in SQL
from its approved records only. ``models.rosters`` reads the declarations through the
section registry; nothing here names a section.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, func, or_, select

from .labels import LABELS


def years_between(start: date | None, on: date) -> int | None:
    """Whole years from ``start`` to ``on`` (an age, years in post)."""
    if start is None:
        return None
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def years_before(on: date, years: int) -> date:
    """The same day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def _approved(model):
    return model.review_state == "approved"


def _owned(model):
    from .official import Official

    return and_(model.official_id == Official.id, _approved(model))


@dataclass(frozen=True)
class RosterColumn:
    """One value per official. ``kind``: text, date, int, bool, code (of ``code_table``) or an
    identifier (citizen ID, phone, e-mail: offered only with the identifiers permission)."""

    key: str
    label_key: str | None = None
    kind: str = "text"
    code_table: str | None = None
    # Filter operations this column offers: eq (a code or yes/no), contains, min, max, in.
    filters: tuple = ()
    mask: str | None = None
    options: dict = field(default_factory=dict)

    @property
    def label(self):
        return LABELS.get(self.label_key or self.key, self.key)

    @property
    def identifier(self) -> bool:
        return self.mask is not None

    def expression(self, model, on: date):
        raise NotImplementedError

    def convert(self, value, on: date):
        return value

    def condition(self, model, op: str, value, on: date):
        expr = self.expression(model, on)
        if op == "eq":
            if self.kind == "bool":
                return expr if value else ~expr
            return expr == value
        if op == "contains":
            return expr.like(f"%{_escape(value)}%", escape="\\")
        raise ValueError(op)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Field(RosterColumn):
    """A field of the official's own row. ``mask`` names an identifier's format (citizen_id,
    phone, mobile, email): shown masked unless the reader may see it clear."""

    def __init__(self, key, kind="text", code_table=None, filters=(), mask=None, label_key=None):
        kind = "identifier" if mask else ("code" if code_table else kind)
        super().__init__(key, label_key, kind, code_table, tuple(filters), mask)

    def expression(self, model, on):
        from .official import Official
        from .organisation import Department

        if self.key == "department":
            return select(Department.name).where(Department.id == Official.department_id).scalar_subquery()
        if self.identifier:
            return Official.__table__.c[self.key]  # the ciphertext; models.rosters decrypts it
        return getattr(Official, self.key)

    def condition(self, model, op, value, on):
        from .official import Official

        if op == "in":
            # A department stands for its whole subtree (models.organisation).
            from .organisation import subtree

            return Official.department_id.in_(subtree(value))
        return super().condition(model, op, value, on)


class Age(RosterColumn):
    """Whole years since a date of the official's row, on the roster's date."""

    def __init__(self, key, of="birth_date", filters=("min", "max")):
        super().__init__(key, kind="int", filters=filters, options={"of": of})

    def expression(self, model, on):
        from .official import Official

        return getattr(Official, self.options["of"])

    def convert(self, value, on):
        return years_between(value, on)

    def condition(self, model, op, value, on):
        return _years_condition(self.expression(model, on), op, value, on)


def _years_condition(start, op, years: int, on: date):
    # At least n years: started on or before the day n years ago; at most n: after the day n+1 years ago.
    if op == "min":
        return start <= years_before(on, years)
    if op == "max":
        return start > years_before(on, years + 1)
    raise ValueError(op)


class Member(RosterColumn):
    """Whether a code field of the official holds one of ``codes`` (party member: 01, 02)."""

    def __init__(self, key, of, codes, filters=("eq",)):
        super().__init__(key, kind="bool", filters=filters, options={"of": of, "codes": tuple(codes)})

    def expression(self, model, on):
        from .official import Official

        return getattr(Official, self.options["of"]).in_(self.options["codes"])


class Latest(RosterColumn):
    """The value of ``of`` in the section's latest approved record (by ``by``)."""

    def __init__(self, key, of, by, code_table=None, filters=()):
        super().__init__(key, kind="code" if code_table else "text", code_table=code_table, filters=tuple(filters),
                         options={"of": of, "by": by})

    def expression(self, model, on):
        return (select(getattr(model, self.options["of"])).where(_owned(model))
                .order_by(getattr(model, self.options["by"]).desc(), model.id.desc()).limit(1).scalar_subquery())


class Lowest(RosterColumn):
    """The lowest code of ``of`` over the section's approved records: in GB/T 4658 the
    lower the code the higher the education."""

    def __init__(self, key, of, code_table, filters=()):
        super().__init__(key, kind="code", code_table=code_table, filters=tuple(filters), options={"of": of})

    def expression(self, model, on):
        return select(func.min(getattr(model, self.options["of"]))).where(_owned(model)).scalar_subquery()


class OpenSince(RosterColumn):
    """The start of the section's open record (no end): the current post's since-when;
    with ``years`` the whole years since then (任职年限)."""

    def __init__(self, key, start="start_date", end="end_date", years=False, filters=()):
        super().__init__(key, kind="int" if years else "date", filters=tuple(filters),
                         options={"start": start, "end": end, "years": years})

    def expression(self, model, on):
        start, end = getattr(model, self.options["start"]), getattr(model, self.options["end"])
        return select(func.max(start)).where(_owned(model), or_(end.is_(None), end >= on), start <= on) \
            .scalar_subquery()

    def convert(self, value, on):
        return years_between(value, on) if self.options["years"] else value

    def condition(self, model, op, value, on):
        return _years_condition(self.expression(model, on), op, value, on)


class Current(RosterColumn):
    """The value of ``of`` in the section's record open on the date (started, not ended):
    the current post's level. Of two open records, the later started counts."""

    def __init__(self, key, of, code_table=None, start="start_date", end="end_date", filters=()):
        super().__init__(key, kind="code" if code_table else "text", code_table=code_table, filters=tuple(filters),
                         options={"of": of, "start": start, "end": end})

    def expression(self, model, on):
        start, end = getattr(model, self.options["start"]), getattr(model, self.options["end"])
        return (select(getattr(model, self.options["of"])).where(_owned(model), start <= on, or_(end.is_(None), end >= on))
                .order_by(start.desc(), model.id.desc()).limit(1).scalar_subquery())


class InForce(RosterColumn):
    """Whether the official has an approved record of the section in force on the date
    (started, and not ended)."""

    def __init__(self, key, start, end, filters=("eq",)):
        super().__init__(key, kind="bool", filters=tuple(filters), options={"start": start, "end": end})

    def expression(self, model, on):
        start, end = getattr(model, self.options["start"]), getattr(model, self.options["end"])
        return exists().where(_owned(model), start <= on, or_(end.is_(None), end >= on))


class Total(RosterColumn):
    """The sum of ``of`` (or, without it, the number) of the section's approved records."""

    def __init__(self, key, of=None, filters=()):
        super().__init__(key, kind="int", filters=tuple(filters), options={"of": of})

    def expression(self, model, on):
        of = self.options["of"]
        value = func.coalesce(func.sum(getattr(model, of)), 0) if of else func.count()
        return select(value).where(_owned(model)).scalar_subquery()


__all__ = ["RosterColumn", "Field", "Age", "Member", "Latest", "Lowest", "OpenSince", "Current", "InForce", "Total",
           "years_between", "years_before"]
