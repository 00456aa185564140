"""The authorisation matrix (security/route_access.csv) holds for every route, role and method, over HTTP."""

import re
from collections import defaultdict

import pytest

from security import route_matrix
from tests.conftest import ROLE_KEYS

DENIED_FLASHES = ("Access is Denied", "访问被拒绝", "拒絕訪問", "拒绝访问")


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


@pytest.fixture
def sample_ids(db, make_official, make_record, make_material, users):
    """One real row behind every kind of id a route takes, so a refusal is not a mere 404."""
    from models.career import WorkExperience
    from models.consultation import Consultation

    official = make_official()
    record = make_record(WorkExperience, official=official, start_date=official.work_start_date, end_date=None)
    material = make_material(official)
    consultation = Consultation(applicant_id=users["clerk"].id, official_id=official.id, sections="work_experience",
                                purpose="test", valid_from=official.birth_date, valid_until=official.birth_date,
                                state="submitted")
    db.session.add(consultation)
    db.session.commit()
    return {"official": official.id, "record": record.id, "material": material.id, "consultation": consultation.id,
            "user": users["inspector"].id}


def fill(rule: str, ids: dict) -> str:
    values = {
        "pk": str(ids["record"]), "record_id": str(ids["record"]), "official_id": str(ids["official"]),
        "material_id": str(ids["material"]), "application_id": str(ids["consultation"]),
        "request_id": "1", "table": "work_experience", "section_key": "work_experience", "locale": "en",
        "filename": "x.pdf", "name": "resetpasswords",
    }
    if rule.startswith("/materialview/"):
        values["pk"] = str(ids["material"])
    if rule.startswith("/officialview/"):
        values["pk"] = str(ids["official"])
    if rule.startswith("/users/") or rule.startswith("/resetpassword"):
        values["pk"] = str(ids["user"])

    def replace(match):
        return values.get(match.group(2), "1")

    return re.sub(r"<(?:(\w+):)?(\w+)>", replace, rule)


def reached(client, method, url) -> bool:
    # FAB's action_post names its action in the form.
    data = {"action": "resetpasswords", "rowid": "1"} if url.endswith("/action_post") else {}
    try:
        response = client.open(url, method=method, data=data)
    except Exception as error:  # a crash is no refusal
        return f"{type(error).__name__}: {error}"
    with client.session_transaction() as session:
        flashes = [message for _category, message in session.pop("_flashes", [])]
    if response.status_code in (401, 403, 404, 405):
        return False
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        if "/login/" in location or any(denied in message for message in flashes for denied in DENIED_FLASHES):
            return False
    return f"{response.status_code} {response.headers.get('Location', '')}"


def test_no_role_reaches_a_route_the_matrix_does_not_grant_it(app, matrix, sample_ids, login_as):
    from tests.conftest import DEMO_PASSWORD, sign_in

    breaches = defaultdict(list)
    checked = 0
    for role in (*ROLE_KEYS, route_matrix.PUBLIC):
        client = app.test_client()
        if role != route_matrix.PUBLIC:
            assert sign_in(client, role, DEMO_PASSWORD).status_code == 302
        for (rule, methods), allowed in sorted(matrix.items()):
            if role in allowed or route_matrix.PUBLIC in allowed or rule.startswith("/logout"):
                continue
            url = fill(rule, sample_ids)
            for method in methods.split():
                checked += 1
                outcome = reached(client, method, url)
                if outcome:
                    breaches[role].append(f"{method} {url}" + (f" ({outcome})" if isinstance(outcome, str) else ""))
    assert checked > 1000
    assert not breaches, "\n".join(f"{role}: {hit}" for role, hits in breaches.items() for hit in hits)
