"""The authorisation matrix (security/route_access.csv) holds for every route, role and method, over HTTP:
every role reaches, on real rows, each page the matrix grants it, and nothing else."""

import re
from pathlib import Path

import pytest
from babel.support import Translations

from security import route_matrix
from security.manager import view_named
from tests.apps import DEMO_PASSWORD, ROLE_KEYS, sign_in

# FAB refuses an action by flashing "Access is Denied" and sending the user back: that
# message, in each of the product's languages as its catalogues translate it, is a refusal.
_CATALOGUES = Path(__file__).resolve().parents[2] / "babel" / "translations"
DENIED_FLASHES = {"Access is Denied"} | {
    Translations.load(str(_CATALOGUES), [locale]).gettext("Access is Denied") for locale in ("zh", "zh_Hant")}
# Pages whose whole job is to send the reader on (a language switch, "back", signing out).
REDIRECTING = {"/lang/<string:locale>", "/back", "/logout/"}
# ... and, for someone already signed in without a second factor pending, the sign-in pages.
SIGNED_IN_REDIRECTING = {"/login/", "/account/verify"}


@pytest.fixture(scope="module")
def matrix():
    return route_matrix.load()


def test_every_route_is_in_the_matrix_and_nothing_else(app, matrix):
    registered = {(rule, methods) for rule, methods, _endpoint in route_matrix.routes(app)}
    assert sorted(registered - set(matrix)) == [], "routes missing from security/route_access.csv"
    assert sorted(set(matrix) - registered) == [], "the matrix names routes the app does not have"


def test_the_matrix_names_only_known_roles(matrix):
    known = set(ROLE_KEYS) | {route_matrix.PUBLIC}
    assert set().union(*matrix.values()) <= known


def _view(app, endpoint):
    return view_named(app.appbuilder, endpoint.partition(".")[0])


def _row_of(db, model, ids) -> int:
    """A real row of the view's own table: one the fixture made, or the table's first."""
    from sqlalchemy import func, inspect, select

    table = model.__tablename__
    if table in ids:
        return ids[table]
    key = inspect(model).primary_key[0]
    found = db.session.scalar(select(func.min(key)))
    assert found is not None, f"no row in {table} to try its routes with"
    return found


def fill(app, db, rule: str, endpoint: str, ids: dict, role: str | None = None) -> str | None:
    """The rule with every placeholder replaced by the id of a real row of what it names;
    None for an action route of a view that has no actions (there is nothing to reach)."""
    view = _view(app, endpoint)
    model = getattr(getattr(view, "datamodel", None), "obj", None)
    history = rule.startswith("/history/")  # the history of basic information: every reader of history has it
    grant = ids["grants"].get(role, ids["consultation"])
    values = {
        "record_id": str(ids["official"] if history else ids["own_work_experience"]),
        "table": "official" if history else "work_experience", "section_key": "work_experience", "section": "training", "locale": "en",
        "official_id": str(ids["official"]), "application_id": str(grant),
        "material_id": str(ids["subject_material"]), "request_id": str(ids["permission_request"]),
        "filename": "x.pdf", "report_id": str(ids["inspection_report"]), "run_id": str(ids["four_property_run"]),
        "item_id": str(ids["rectification_item"]), "fmt": "xlsx", "hold_id": str(ids["hold"]),
        "list_id": str(ids["destruction_list"]), "entry_id": str(ids["destruction_item"]),
        "register_id": str(ids["destruction_register"]),
        "role_id": str(app.appbuilder.sm.find_role("clerk").id),
    }
    if "<pk>" in rule or "<int:pk>" in rule:
        assert model is not None, f"{rule}: no table behind its pk"
        values["pk"] = str(_row_of(db, model, ids))
    if "<string:name>" in rule or rule.endswith("/action_post"):
        if not first_action(view):
            return None
        values["name"] = first_action(view)
    url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: values[m.group(2)], rule)
    if rule == "/resetpassword/form":
        url += f"?pk={ids['ab_user']}"
    return url


def first_action(view) -> str | None:
    return min(getattr(view, "actions", {}) or {}, default=None)


def outcome(client, method, url, data=None):
    """("reached" | "refused" | "missing" | "crashed", detail) of one request."""
    try:
        response = client.open(url, method=method, data=data or {})
    except Exception as error:  # noqa: BLE001 — a crash is neither a refusal nor a page
        return "crashed", f"{type(error).__name__}: {error}"
    with client.session_transaction() as session:
        flashes = [message for _category, message in session.pop("_flashes", [])]
    detail = f"{response.status_code} {response.headers.get('Location', '')}".strip()
    if response.status_code >= 500:
        return "crashed", detail
    if response.status_code == 404:
        return "missing", detail
    if response.status_code in (401, 403, 405):
        return "refused", detail
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        if "/login/" in location or any(denied in message for message in flashes for denied in DENIED_FLASHES):
            return "refused", detail
    return "reached", detail


def signed_in(app, role):
    client = app.test_client()
    if role != route_matrix.PUBLIC:
        assert sign_in(client, role, DEMO_PASSWORD).status_code == 302
    return client


@pytest.fixture
def ids(real_rows, users):
    return {**real_rows, "ab_user": users["inspector"].id}


# One test per role, so that the suite's workers share the matrix between them.
EVERYONE = (*ROLE_KEYS, route_matrix.PUBLIC)


@pytest.mark.parametrize("role", EVERYONE)
def test_every_role_opens_every_page_the_matrix_grants_it_on_real_rows(app, db, matrix, ids, role):
    """The allowed side: a granted GET on a row of the view's own table renders (200),
    edit forms included; a 404 there is a row the page should have found."""
    endpoints = {(rule, methods): endpoint for rule, methods, endpoint in route_matrix.routes(app)}
    failures, checked = [], 0
    client = signed_in(app, role)
    for (rule, methods), allowed in sorted(matrix.items(), key=lambda item: item[0][0] == "/logout/"):
        if "GET" not in methods.split() or not (role in allowed or route_matrix.PUBLIC in allowed):
            continue
        if "/delete/" in rule or "/action/" in rule:
            continue  # a delete or an action, not a page; they have their own tests
        url = fill(app, db, rule, endpoints[(rule, methods)], ids, role)
        kind, detail = outcome(client, "GET", url)
        redirecting = REDIRECTING | (SIGNED_IN_REDIRECTING if role != route_matrix.PUBLIC else set())
        response_ok = kind == "reached" and (detail.startswith("200") or
                                             (rule in redirecting and detail.startswith("302")))
        checked += 1
        if not response_ok:
            failures.append(f"{role}: GET {url} → {kind} {detail}")
    # Everyone has pages: the public the sign-in page, the home page and the language switch.
    assert checked >= 3
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", EVERYONE)
def test_no_role_reaches_a_route_the_matrix_does_not_grant_it(app, db, matrix, ids, role):
    """The refused side: every route the role is not granted, tried with a real row of the
    view's own table, so that a 404 would be a row the guard failed to find — not a refusal."""
    endpoints = {(rule, methods): endpoint for rule, methods, endpoint in route_matrix.routes(app)}
    breaches, untested = [], []
    checked = 0
    client = signed_in(app, role)
    for (rule, methods), allowed in sorted(matrix.items()):
        if role in allowed or route_matrix.PUBLIC in allowed or rule.startswith("/logout"):
            continue
        url = fill(app, db, rule, endpoints[(rule, methods)], ids, role)
        if url is None:
            continue  # an action route of a view without actions answers 404 for every name
        for method in methods.split():
            # FAB's action_post names its action in the form.
            view = _view(app, endpoints[(rule, methods)])
            data = {"action": first_action(view), "rowid": str(_row_of(db, view.datamodel.obj, ids))} \
                if url.endswith("/action_post") else None
            kind, detail = outcome(client, method, url, data)
            checked += 1
            if kind == "missing":
                untested.append(f"{role}: {method} {url}")
            elif kind != "refused":
                breaches.append(f"{method} {url} ({kind} {detail})")
    # Every role, the widest included, is refused a good part of the product.
    assert checked > 50
    assert not breaches, f"{role}:\n" + "\n".join(breaches)
    assert not untested, "a 404 on a real row is no refusal:\n" + "\n".join(untested)
