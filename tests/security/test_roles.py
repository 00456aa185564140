"""Each role sees exactly the menus and buttons its permissions give (§5.1 分级授权)."""

import re

import pytest
from flask import url_for

from models import SECTIONS
from models.career import WorkExperience
from security import menu
from security.roles import ROLE_LABELS, permissions_of
from tests.apps import ROLE_KEYS


def menu_links(html: str) -> set[str]:
    left = html.split('<ul class="nav navbar-nav">', 1)[1].split("navbar-right", 1)[0]
    return set(re.findall(r'<a tabindex="-1" href="([^"]+)"', left))


def expected_menu_links(app, role: str) -> set[str]:
    """The list screens whose permission and menu entry the role data grants."""
    grants = permissions_of(role)
    entries = {entry.view: entry for entry in (*menu.entries(), *menu.SECURITY)}
    links = set()
    with app.test_request_context():
        for view in app.appbuilder.baseviews:
            entry = entries.get(view.class_permission_name)
            if entry and (entry.opens, view.class_permission_name) in grants and ("menu_access", entry.name) in grants:
                links.add(url_for(f"{view.endpoint}.{view.default_view}"))
    return links


def test_every_role_of_the_design_exists_with_an_account(users):
    assert set(ROLE_LABELS) == set(ROLE_KEYS)
    for key, user in users.items():
        assert [r.name for r in user.roles] == [key]


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_each_role_sees_exactly_its_menus(app, login_as, role):
    client = login_as(role)
    html = client.get("/").get_data(as_text=True)
    assert menu_links(html) == expected_menu_links(app, role)


def test_menus_follow_the_separation_of_duties(app, login_as):
    """Spot checks of the intended access, independent of how menus are computed."""
    seen = {role: menu_links(login_as(role).get("/").get_data(as_text=True)) for role in ROLE_KEYS}
    assert "/officialview/list/" in seen["clerk"]
    assert "/sanctionview/list/" not in seen["clerk"]
    assert "/integrityreportview/list/" not in seen["clerk"]
    assert "/integrityreportview/list/" in seen["hr_reviewer"]
    assert "/users/list/" in seen["sysadmin"] and "/officialview/list/" not in seen["sysadmin"]
    assert "/roles/list/" in seen["secadmin"] and "/officialview/list/" not in seen["secadmin"]
    assert not any("official" in link for link in seen["auditor"])
    assert seen["official"] == {"/mydossier/", "/mydrafts/", "/account/security"}
    assert "/review/first/" in seen["dept_head"] and "/review/first/" not in seen["clerk"]
    assert "/review/final/" in seen["hr_reviewer"] and "/review/final/" not in seen["dept_head"]


BUTTONS = {
    "can_add": lambda html, view: f'href="/{view}/add' in html,
    "can_edit": lambda html, view: f'/{view}/edit/' in html,
    "can_delete": lambda html, view: f'/{view}/delete/' in html,
}


@pytest.mark.parametrize("role", ["clerk", "dept_head", "hr_reviewer", "archivist", "inspector"])
def test_list_buttons_match_permissions(app, login_as, make_record, role):
    make_record(WorkExperience)

    client = login_as(role)
    grants = permissions_of(role)
    response = client.get("/workexperienceview/list/")
    if ("can_list", "work_experience") not in grants:
        assert response.status_code in (302, 403)
        return
    html = response.get_data(as_text=True)
    for permission, shown in BUTTONS.items():
        assert shown(html, "workexperienceview") == ((permission, "work_experience") in grants), permission


def test_clerk_adds_to_the_integrity_file_but_cannot_read_it(login_as):
    client = login_as("clerk")
    assert client.get("/integrityreportview/add").status_code == 200
    assert client.get("/integrityreportview/list/").status_code in (302, 403)


def test_official_page_hides_sections_the_reader_may_not_list(login_as, make_official):
    official = make_official()
    clerk_page = login_as("clerk").get(f"/officialview/show/{official.id}").get_data(as_text=True)
    hr_page = login_as("hr_reviewer").get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert 'href="#SanctionView"' not in clerk_page
    assert 'href="#SanctionView"' in hr_page
    for model in SECTIONS:
        assert f'href="#{model.__name__}View"' in hr_page


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor", "official"])
def test_roles_without_dossier_access_are_refused_the_official_list(login_as, role):
    response = login_as(role).get("/officialview/list/")
    assert response.status_code in (302, 403)
