"""FAB's model interface for dossier screens: prefix filters an index answers, filters made
once per model, related rows loaded with the list, and a list's count read with its rows
where the lists are small (the official page's tabs)."""

from contextlib import contextmanager
from contextvars import ContextVar

from flask_appbuilder._compat import as_unicode
from flask_appbuilder.models.sqla.filters import FilterStartsWith, SQLAFilterConverter, get_field_setup_query
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from flask_babel import get_locale
from sqlalchemy import func
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import MANYTOONE


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class FilterPrefix(FilterStartsWith):
    """"Starts with" as LIKE 'value%', which an index in pattern order answers
    (FAB's ILIKE makes PostgreSQL read the archive in name order and filter).
    Names are Chinese: letter case only matters for the rare Latin one, and
    SQLite's LIKE ignores it anyway."""

    def apply(self, query, value):
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field.like(escape_like(value) + "%", escape="\\"))


class DossierFilters(SQLAFilterConverter):
    """FAB builds the filters of every column of a model for each ``Filters`` it makes, four per
    list on a page: the filters of a column are stateless, so they are made once per model."""

    def convert(self, col_name):
        made = self.datamodel.__dict__.setdefault("_dossier_filters", {})
        if col_name not in made:
            made[col_name] = [FilterPrefix(col_name, self.datamodel) if type(f) is FilterStartsWith else f
                              for f in super().convert(col_name) or ()]
        return made[col_name]


class DossierInterface(SQLAInterface):
    """FAB's model interface, loading the related rows a list shows with the list
    itself instead of one query per row (a page of 25 officials names 25
    departments): joined for a many-to-one, one more query for a collection."""

    eager: tuple = ()
    # What a tab of the official page shows of its relations: its list's, but the official's
    # own (the page's official, already loaded: no statement).
    tab_eager: tuple = ()
    filter_converter_class = DossierFilters

    def query(self, filters=None, order_column="", order_direction="", page=None, page_size=None,
              select_columns=None, outer_default_load=False):
        """In a block of ``counted_with_rows()`` (the official page's tabs: a few rows each), the
        count comes with the rows, ``count(*) OVER ()``, one statement instead of two. Elsewhere
        FAB's count and page: over a whole archive the window would read every row."""
        if not _WITH_ROWS.get() or select_columns:
            return super().query(filters, order_column, order_direction, page, page_size, select_columns,
                                 outer_default_load)
        query = self.session.query(self.obj, func.count().over())
        rows = self.apply_all(query, filters, order_column, order_direction, page, page_size).all()
        if rows:
            return rows[0][1], [row[0] for row in rows]
        # A page past the end says nothing of the count.
        return (self.query_count(self.session.query(self.obj), filters) if page else 0), []

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        relationships = sa_inspect(self.obj).relationships
        return query.options(*(
            (joinedload if relationships[name].direction is MANYTOONE else selectinload)(getattr(self.obj, name))
            for name in (self.tab_eager if _WITH_ROWS.get() else self.eager)))


_WITH_ROWS = ContextVar("dossier_count_with_rows", default=False)


@contextmanager
def counted_with_rows():
    """Lists read in this block count their rows in the statement that reads them (DossierInterface.query)."""
    token = _WITH_ROWS.set(True)
    try:
        yield
    finally:
        _WITH_ROWS.reset(token)


class DossierSearchWidget(SearchWidget):
    """FAB's search widget, its selects of national code tables (static, shipped with the product)
    and the names of each column's filters drawn once per language rather than on every list
    page; every other field is drawn live."""

    _drawn: dict = {}

    def __call__(self, **kwargs):
        form, model = self.template_args["form"], self.filters.datamodel.obj
        columns = model.__table__.columns
        dict_filters = self.filters.get_search_filters()
        label_columns, form_fields, search_filters = {}, {}, {}
        for col in self.template_args["include_cols"]:
            field = form[col]
            label_columns[col] = as_unicode(field.label.text)
            if col in columns and "code_table" in columns[col].info and field.data in (None, ""):
                key = (model, col, str(get_locale()))
                if key not in self._drawn:
                    self._drawn[key] = field()
                form_fields[col] = self._drawn[key]
            else:
                form_fields[col] = field()
            names = (model, col, "filters", str(get_locale()))
            if names not in self._drawn:
                self._drawn[names] = [as_unicode(flt.name) for flt in dict_filters[col]]
            search_filters[col] = self._drawn[names]
        kwargs.update(label_columns=label_columns, form_fields=form_fields, search_filters=search_filters,
                      active_filters=self.filters.get_filters_values_tojson())
        return RenderTemplateWidget.__call__(self, **kwargs)
