"""Request parameters a view reads, parsed once before any view runs.

FAB takes route ids as strings and paging and ordering from the query string
with a bare ``int()``: a pk compared as a string (PostgreSQL refuses
``integer = character varying``), a 20-digit id (SQLite's ``OverflowError``),
``page_X=abc`` or ``_oc_X=<no such column>`` were each a server error. Here a
route id becomes an integer or the page is a 404; paging and ordering are
checked against the view they name or the request is a 400; page sizes are
capped.
"""

import re
from datetime import date

from flask import abort, current_app, request
from werkzeug.datastructures import ImmutableMultiDict

from security.manager import view_named

# Ids are 64-bit signed integers in every table.
MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 100
# Far beyond any list, and page × size still fits an SQL OFFSET.
MAX_PAGE = 10**9
DIGITS = re.compile(r"[0-9]{1,19}")
LIST_ARG = re.compile(r"(page|psize|_oc|_od)_(.+)")
FILTER_ARG = re.compile(r"_flt_[0-9]+_(.+)")


def route_id(value) -> int:
    """A route's id as the integer the tables hold; anything else names nothing (404)."""
    text = str(value)
    if not DIGITS.fullmatch(text) or not 0 < int(text) <= MAX_ID:
        abort(404)
    return int(text)


def parse_route_ids() -> None:
    """``pk`` and every ``<int:…>`` of a route, as integers within the id range.

    The view is called with ``request.view_args`` after the before-request hooks."""
    values = request.view_args or {}
    for name, value in values.items():
        if name == "pk" or (isinstance(value, int) and not isinstance(value, bool)):
            values[name] = route_id(value)


def _view(name: str):
    return view_named(current_app.appbuilder, name)


def _check_filter(column: str, value: str) -> None:
    """A filter value the column can hold: a relation or an integer takes a number, a date a date.

    Forms read the official they are opened for from ``_flt_0_official``."""
    view = _view((request.endpoint or "").partition(".")[0])
    datamodel = getattr(view, "datamodel", None)
    if datamodel is None or not hasattr(datamodel, "is_relation"):
        return
    try:
        if datamodel.is_relation(column) and not (DIGITS.fullmatch(value) and 0 < int(value) <= MAX_ID):
            abort(400)
        if datamodel.is_integer(column) and not (re.fullmatch(r"-?[0-9]{1,18}", value)):
            abort(400)
        if datamodel.is_date(column):
            date.fromisoformat(value)
    except (KeyError, AttributeError):  # not a column of the model: FAB ignores it
        return
    except ValueError:
        abort(400)


def check_list_args() -> None:
    """``page_<View>``, ``psize_<View>``, ``_oc_<View>`` and ``_od_<View>`` that a list can honour."""
    capped = False
    args = []
    for key, value in request.args.items(multi=True):
        match = LIST_ARG.fullmatch(key)
        if match:
            kind, view_name = match.groups()
            if kind in ("page", "psize"):
                if not DIGITS.fullmatch(value) or int(value) > MAX_PAGE or (kind == "psize" and int(value) == 0):
                    abort(400)
                if kind == "psize" and int(value) > MAX_PAGE_SIZE:
                    value, capped = str(MAX_PAGE_SIZE), True
            elif kind == "_od" and value not in ("asc", "desc"):
                abort(400)
            elif kind == "_oc":
                view = _view(view_name)
                if view is None or value not in getattr(view, "order_columns", ()):
                    abort(400)
        filtered = FILTER_ARG.fullmatch(key)
        if filtered:
            _check_filter(filtered.group(1), value)
        args.append((key, value))
    if capped:
        # Werkzeug's cached property takes the replacement for the rest of the request.
        request.args = ImmutableMultiDict(args)


def init_app(app) -> None:
    app.before_request(parse_route_ids)
    app.before_request(check_list_args)
