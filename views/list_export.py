"""Export of any list screen as it is filtered (§5.2.2): one route on the base of every
dossier list (``views.base.DossierModelView``), ``/<view>/export/<format>``.

The rows are those of the list itself, every page of them: FAB's own filter parsing of the
request (``get_filter_args``) joined with the screen's base filters (which FAB's actions
and downloads skip), FAB's ordering, and the query hooks (approved content, the reader's
scope) that every ORM query passes. What the list would silently ignore (a filter on a
column it does not offer, a filter index it does not have) is refused by name instead:
the audit event must name the filters the file was made with. The export needs the
screen's list permission and the export permission (``security.roles.LIST_EXPORT``); it
asks for the purpose first, then streams the rows into the file (``jobs.exports``) and
writes the audit event with the file's SHA-256.
"""

import re
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from flask import abort, current_app, flash, g, render_template, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext as _

from jobs import exports, list_export
from models import identity, reading, rosters
from models.db import db
from security.manager import view_named
from security.roles import LIST_EXPORT
from security.route_matrix import ALSO_REQUIRES

from .rosters import unit_name

FILTER_ARG = re.compile(r"_flt_([0-9]+)_(.*)")
# Rows fetched at a time from the cursor (server-side on PostgreSQL).
CHUNK = 500


class ExportRefused(ValueError):
    """A request the list cannot honour as given; the message names what."""


def requires_also(permission: tuple):
    """A route needing ``permission`` (name, view) beside its own guard: without it, 403.
    The route matrix reads the same declaration (``security.route_matrix.also_required``)."""

    def decorate(function):
        @wraps(function)
        def checked(self, *args, **kwargs):
            if not self.appbuilder.sm.has_access(*permission):
                abort(403)
            return function(self, *args, **kwargs)

        setattr(checked, ALSO_REQUIRES, frozenset({permission}))
        return checked

    return decorate


def check_filter_args(view) -> None:
    """Every ``_flt_<n>_<column>`` of the request is one the list applies (FAB reads one
    digit and the columns it offers, and ignores the rest without a word)."""
    offered = view._filters.get_search_filters()
    for arg in request.args:
        match = FILTER_ARG.fullmatch(arg)
        if not arg.startswith("_flt_"):
            continue
        if match is None or len(match.group(1)) != 1 or match.group(2) not in offered \
                or int(match.group(1)) >= len(offered[match.group(2)]):
            raise ExportRefused(_("This list cannot be filtered that way: %(name)s", name=arg[:80]))


def too_long() -> str:
    return _("A printout holds at most %(max)s rows: narrow the list or export xlsx or CSV.", max=exports.PDF_MAX_ROWS)


def _value(values):
    return values[0] if isinstance(values, list) and len(values) == 1 else values


class ListExport:
    """Mixin of the list screens: the export route and what it needs."""

    def _export_query(self):
        """(query, row count, filters as given, order) of the list as the request shows it, every page."""
        check_filter_args(self)
        get_filter_args(self._filters)
        order = get_order_args().get(self.__class__.__name__) or self.base_order or ("", "")
        joined = self._filters.get_joined_filters(self._base_filters)
        base = self.datamodel.session.query(self.datamodel.obj)
        query = self.datamodel.apply_all(base, joined, order[0], order[1])
        given = [(flt.column_name, flt.arg_name, _value(values)) for flt, values in self._filters.get_filters_values()]
        count = self.datamodel.query_count(self.datamodel.session.query(self.datamodel.obj), joined)
        return query, count, given, order

    def _export_page(self, fmt, count, order, code=200):
        """The purpose form, saying what the file will hold."""
        labels = self.label_columns
        filters = [(labels.get(flt.column_name, flt.column_name), flt.name, _value(values))
                   for flt, values in self._filters.get_filters_values()]
        args = list(request.args.items(multi=True))
        return self.render_template(
            "dossier/list_export.html", title=_("Export: %(list)s", list=str(self.list_title)), fmt=fmt,
            count=count, filters=filters, columns=[labels.get(c, c) for c in self.list_columns],
            order=(labels.get(order[0], order[0]), order[1]) if order[0] else None,
            action=request.full_path, too_long=too_long() if fmt == "pdf" and count > exports.PDF_MAX_ROWS else None,
            back=url_for(f"{self.__class__.__name__}.list") + ("?" + urlencode(args) if args else "")), code

    @expose("/export/<fmt>", methods=["GET", "POST"])
    @has_access
    @requires_also(LIST_EXPORT)
    @permission_name("list")
    def export(self, fmt):
        def refused(message):
            db.session.rollback()
            return render_template("dossier/refused.html", message=message, appbuilder=self.appbuilder,
                                   base_template=self.appbuilder.base_template), 400

        if fmt not in exports.FORMATS:
            return refused(_("Unknown export format: %(name)s", name=fmt[:20]))
        # Listed with the list permission alone, a section the reader may not read exports nothing.
        if self.datamodel.obj.__tablename__ in reading.closed_to(g.user)[1]:
            abort(403)
        try:
            query, count, given, order = self._export_query()
        except ExportRefused as error:
            return refused(str(error))
        if request.method == "GET":
            return self._export_page(fmt, count, order)
        model = self.datamodel.obj
        try:
            if fmt == "pdf" and count > exports.PDF_MAX_ROWS:
                raise exports.ExportError(too_long())
            purpose = exports.check_purpose(request.form.get("purpose", ""))
            title = str(self.list_title)
            heading = exports.Heading(unit_name(), title, g.user.get_full_name(), datetime.now())
            cols = list_export.columns(model, self.list_columns, self.label_columns, self.formatters_columns,
                                       clear=identity.reads_clear(g.user))
            values = self.datamodel.get_values(query.yield_per(CHUNK), self.list_columns)
            export = exports.write(fmt, heading, [c.label for c in cols], list_export.rows(values, cols))
        except exports.ExportError as error:
            db.session.rollback()
            flash(str(error), "danger")
            return self._export_page(fmt, count, order, code=400)
        exports.record(export, what=self.class_permission_name, purpose=purpose,
                       subject={"list": self.__class__.__name__, "filters": list_export.described(model, given),
                                "order": list(order) if order[0] else None},
                       columns=list(self.list_columns))
        db.session.commit()
        return send_file(export.file, mimetype=export.media_type, as_attachment=True,
                         download_name=exports.file_name(title, export, heading.at))


def export_links() -> list[tuple[str, str]]:
    """(format, address) of exports of the list being shown, with its filters, order and
    search; none unless the reader holds the export permission."""
    view_name = (request.endpoint or "").partition(".")[0]
    view = view_named(current_app.appbuilder, view_name)
    if not isinstance(view, ListExport) or not current_app.appbuilder.sm.has_access(*LIST_EXPORT):
        return []
    # Every page is exported: the page number and size stay behind.
    args = [(k, v) for k, v in request.args.items(multi=True) if not k.startswith(("page_", "psize_"))]
    query = "?" + urlencode(args) if args else ""
    return [(kind, url_for(f"{view_name}.export", fmt=kind) + query) for kind in exports.FORMATS]
