"""The authorisation matrix: for every route the app registers, the roles that may use it.

``security/route_access.csv`` is the reviewed statement of intent (rule, methods,
roles; ``anonymous`` for routes open to everybody, an empty list for routes no
role may use). ``tests/security/test_route_matrix.py`` walks ``app.url_map`` and
fails on a route missing from the file and on any role that reaches a route the
file does not grant it, over HTTP. After a deliberate change of views or role
data, ``flask --app app dossier route-matrix`` rewrites the file from the role data
for review (the diff is the change of access).
"""

import csv
from pathlib import Path

from security.manager import view_named

PATH = Path(__file__).with_name("route_access.csv")
PUBLIC = "anonymous"
SKIPPED_ENDPOINTS = {"static", "appbuilder.static"}
# The attribute of a view method naming what it needs beside its guard.
ALSO_REQUIRES = "also_requires"


def routes(app):
    """(rule, methods) of every route but static files, in a stable order."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        found.append((rule.rule, " ".join(sorted(rule.methods - {"HEAD", "OPTIONS"})), rule.endpoint))
    return sorted(found)


def guards_of(app, endpoint: str):
    """The (permission, view) pairs of which one opens ``endpoint``; None for a public route."""
    view_name, _sep, method = endpoint.partition(".")
    view = view_named(app.appbuilder, view_name)
    if view is None:
        return None
    if method in ("action", "action_post"):
        # FAB checks the permission of the action named in the request, inside the route.
        return {(view.get_action_permission_name(name), view.class_permission_name)
                for name in getattr(view, "actions", {})}
    function = getattr(view, method, None)
    permission = getattr(function, "_permission_name", None)
    if permission is None:
        return None
    permission = view.method_permission_name.get(method, permission)
    return {(f"can_{permission}", view.class_permission_name)}


def also_required(app, endpoint: str) -> frozenset:
    """The (permission, view) pairs a route needs beside its guard, every one of them
    (a view method's ``also_requires``: exporting a list needs the list and the export)."""
    view_name, _sep, method = endpoint.partition(".")
    view = view_named(app.appbuilder, view_name)
    return frozenset(getattr(getattr(view, method, None), ALSO_REQUIRES, ()) if view is not None else ())


def derive(app) -> list[dict]:
    from security.roles import ROLE_LABELS, permissions_of

    grants = {role: permissions_of(role) for role in ROLE_LABELS}
    rows = []
    for rule, methods, endpoint in routes(app):
        guards, also = guards_of(app, endpoint), also_required(app, endpoint)
        roles = PUBLIC if guards is None else " ".join(r for r in ROLE_LABELS
                                                       if guards & grants[r] and also <= grants[r])
        rows.append({"rule": rule, "methods": methods, "roles": roles})
    return rows


def load() -> dict[tuple[str, str], set[str]]:
    with open(PATH, encoding="utf-8", newline="") as handle:
        return {(row["rule"], row["methods"]): set(row["roles"].split()) for row in csv.DictReader(handle)}


def write(rows) -> None:
    with open(PATH, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["rule", "methods", "roles"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

