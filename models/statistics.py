"""The standard tables an organisation department reports (统计): officials counted by
department against one dimension, and the changes of a period.

Counts come from approved content only, within the reader's scope: the statements go
through the session, whose hooks (``models.visibility``) add both. Every table sums
to the number of officials the official list shows the same reader.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from . import codes
from .roster_fields import years_before

UNRECORDED = "-"
# Age bands of the standard tables: upper bounds, inclusive.
AGE_BANDS = (30, 35, 40, 45, 50, 55)


def _code_dimension(field_name, table):
    def expression(on):
        from .official import Official

        return func.coalesce(getattr(Official, field_name), UNRECORDED)

    def categories(on):
        return [(code, item.name(codes.current_locale())) for code, item in codes.table(table).items()]

    return expression, categories


def _ethnic_group(on):
    from .official import Official

    return case((Official.ethnicity == "01", "han"), (Official.ethnicity.is_(None), UNRECORDED), else_="minority")


def _ethnic_categories(on):
    return [("han", codes.name("ethnicity", "01")), ("minority", _("Ethnic minorities"))]


def _age_band(on):
    from .official import Official

    whens = [(Official.birth_date > years_before(on, upper + 1), str(upper)) for upper in AGE_BANDS]
    return case(*whens, else_="older")


def _age_categories(on):
    bands, lower = [], None
    for upper in AGE_BANDS:
        bands.append((str(upper), _("%(upper)s and under", upper=upper) if lower is None
                      else _("%(lower)s to %(upper)s", lower=lower, upper=upper)))
        lower = upper + 1
    return bands + [("older", _("%(lower)s and over", lower=lower))]


def _post_level(on):
    """The level of the post held on the date: the approved work-experience record open then."""
    from .career import WorkExperience
    from .roster_fields import Current

    column = Current("current_post_level", of="post_level", code_table="post_level")
    return func.coalesce(column.expression(WorkExperience, on), UNRECORDED)


def _post_level_categories(on):
    return _code_dimension("post_level", "post_level")[1](on)


@dataclass(frozen=True)
class Dimension:
    label: object
    expression: object
    categories: object


DIMENSIONS = {
    "gender": Dimension(_l("Gender"), *_code_dimension("gender", "gender")),
    "ethnicity": Dimension(_l("Ethnicity"), _ethnic_group, _ethnic_categories),
    "age_band": Dimension(_l("Age band"), _age_band, _age_categories),
    "education": Dimension(_l("Education"), *_code_dimension("education", "education")),
    "political_status": Dimension(_l("Political status"), *_code_dimension("political_status", "political_status")),
    "status": Dimension(_l("Status"), *_code_dimension("status", "official_status")),
    "post_level": Dimension(_l("Post level"), _post_level, _post_level_categories),
}


@dataclass
class Table:
    title: str
    columns: list          # (category key, label)
    rows: list             # (department name, [count per column], total)
    totals: list
    total: int

    def headers(self) -> list[str]:
        return [_("Department"), *[label for _key, label in self.columns], _("Total")]

    def cells(self):
        for name, counts, total in self.rows:
            yield [name, *counts, total]
        yield [_("Total"), *self.totals, self.total]


def table(session, dimension: str, on: date, rollup: bool = False) -> Table:
    """Officials by department × ``dimension`` on ``on``; with ``rollup`` a department's
    row counts its sub-departments' officials too, and only the top departments are rows."""
    from .official import Official
    from .organisation import Department, roots_of

    spec = DIMENSIONS[dimension]
    # Each official's category first, then the counts: PostgreSQL groups by a correlated
    # subquery (the current post's level) only once it is a column of a derived table.
    each = (select(Official.department_id.label("department_id"), spec.expression(on).label("category"))
            .where(Official.review_state == "approved").subquery())
    query = select(each.c.department_id, each.c.category, func.count()).group_by(each.c.department_id, each.c.category)
    names = dict(session.execute(select(Department.id, Department.name)).all())
    roots = roots_of(session) if rollup else {}
    counts: dict[str, dict[str, int]] = {}
    for department_id, key, number in session.execute(query):
        row = counts.setdefault(names[roots.get(department_id, department_id)], {})
        row[key] = row.get(key, 0) + number
    columns = list(spec.categories(on))
    if any(UNRECORDED in row for row in counts.values()):
        columns.append((UNRECORDED, _("Not recorded")))
    return _assemble(str(spec.label), columns, counts)


def _assemble(title, columns, counts) -> Table:
    rows = []
    for department in sorted(counts):
        values = [counts[department].get(key, 0) for key, _label in columns]
        rows.append((department, values, sum(values)))
    totals = [sum(row[1][i] for row in rows) for i in range(len(columns))]
    return Table(title, columns, rows, totals, sum(totals))


# Changes of a period: the officials whose status first became one of these in it.
CHANGES = {"2": _l("Retired"), "3": _l("Transferred out"), "4": _l("Deceased")}


def changes(session, start: date, end: date) -> Table:
    """Per department: officials who joined the dossier, retired, left or died between the dates."""
    from sqlalchemy_continuum import version_class, versioning_manager

    from .official import Official
    from .organisation import Department

    version = version_class(Official).__table__
    earlier = aliased(version)
    transaction = versioning_manager.transaction_cls.__table__
    since, until = datetime.combine(start, time.min), datetime.combine(end, time.max)
    in_period = and_(transaction.c.id == version.c.transaction_id, transaction.c.issued_at.between(since, until),
                     version.c.review_state == "approved")
    # The officials of the reader's scope, approved (the hooks add both to this subquery).
    reachable = select(Official.id).where(Official.review_state == "approved")
    department = (select(Department.name).join(Official, Official.department_id == Department.id)
                  .where(Official.id == version.c.id).scalar_subquery())
    counts: dict[str, dict[str, int]] = {}
    first_approved = ~exists().where(earlier.c.id == version.c.id,
                                     earlier.c.transaction_id < version.c.transaction_id,
                                     earlier.c.review_state == "approved")
    status_first = ~exists().where(earlier.c.id == version.c.id, earlier.c.transaction_id < version.c.transaction_id,
                                   earlier.c.review_state == "approved", earlier.c.status == version.c.status)
    kinds = {"joined": first_approved, **{code: and_(version.c.status == code, status_first) for code in CHANGES}}
    for key, condition in kinds.items():
        query = (select(department.label("department"), func.count(func.distinct(version.c.id)))
                 .select_from(version).join(transaction, in_period)
                 .where(condition, version.c.id.in_(reachable)).group_by("department"))
        for name, number in session.execute(query):
            counts.setdefault(name, {})[key] = number
    columns = [("joined", _("Joined")), *((code, str(label)) for code, label in CHANGES.items())]
    return _assemble(_("Changes from %(start)s to %(end)s", start=start.isoformat(), end=end.isoformat()),
                     columns, counts)
