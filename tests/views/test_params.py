"""Malformed paging, ordering and ids, on every list and every route taking an id.

A list reached with a hand-edited address is a 400 page saying the request was
malformed, a route id that names nothing (not a number, beyond 64 bits) is a
404 page; either in the user's language, never a server error.
"""

import re

import pytest

from security import route_matrix
from tests.apps import DEMO_PASSWORD, sign_in

BAD_NUMBERS = ["abc", "", "1.5", "-1", "1e3", "99999999999999999999", "１", "0x10"]
BAD_IDS = ["abc", "1.5", "-1", str(2**63), str(2**64 + 1), "99999999999999999999", "%00"]
MALFORMED_ZH = "无法处理该请求"
NOTHING_ZH = "此处没有内容"


@pytest.fixture(scope="module")
def routes(app):
    matrix = route_matrix.load()
    found = []
    for rule, methods, endpoint in route_matrix.routes(app):
        roles = sorted(matrix[(rule, methods)] - {route_matrix.PUBLIC})
        if roles:
            found.append((rule, methods.split(), endpoint, roles[0]))
    return found


@pytest.fixture(scope="module")
def clients(app):
    signed_in = {}

    def _client(role):
        if role not in signed_in:
            client = app.test_client()
            assert sign_in(client, role, DEMO_PASSWORD).status_code == 302
            signed_in[role] = client
        return signed_in[role]

    return _client


def test_malformed_paging_and_ordering_are_a_400_page_in_chinese_on_every_list(routes, clients):
    lists = [(rule, endpoint.split(".")[0], role) for rule, _m, endpoint, role in routes if rule.endswith("/list/")]
    assert len(lists) >= 20
    for rule, view, role in lists:
        client = clients(role)
        bad = [f"page_{view}={value}" for value in BAD_NUMBERS] + [f"psize_{view}={value}" for value in BAD_NUMBERS]
        bad += [f"psize_{view}=0", f"_oc_{view}=no_such_column&_od_{view}=asc", f"_oc_{view}=id&_od_{view}=sideways",
                f"_oc_{view}=_reason&_od_{view}=asc", f"_oc_{view}=citizen_id&_od_{view}=desc"]
        for query in bad:
            response = client.get(f"{rule}?{query}")
            assert response.status_code == 400, (rule, query, response.status_code)
            assert MALFORMED_ZH in response.get_data(as_text=True), (rule, query)
        assert client.get(f"{rule}?page_{view}=3&psize_{view}=10").status_code == 200


def test_a_page_size_beyond_a_hundred_shows_a_hundred_rows(app, clients):
    # The national code tables: about two hundred items in any installation.
    client = clients("hr_reviewer")
    html = client.get("/codeitemview/list/?psize_CodeItemView=1000000").get_data(as_text=True)
    rows = len(re.findall(r"<tr\b", html)) - 1  # the header row
    assert rows == 100


def test_ids_that_name_nothing_are_a_404_page_on_every_route_taking_one(routes, clients):
    with_ids = [(rule, methods, role) for rule, methods, _e, role in routes if re.search(r"<(int:)?\w*(pk|_id)>", rule)]
    assert len(with_ids) >= 14
    for rule, methods, role in with_ids:
        client = clients(role)
        for bad in BAD_IDS:
            url = re.sub(r"<(int:)?(\w*(pk|_id))>", bad, rule)
            url = re.sub(r"<(?:\w+:)?(\w+)>", "work_experience", url)
            for method in methods:
                response = client.open(url, method=method)
                assert response.status_code == 404, (method, url, response.status_code)
                assert NOTHING_ZH in response.get_data(as_text=True), (method, url)
