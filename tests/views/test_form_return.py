"""After a save, or a delete, the user is back where they were: the official's page the
form was opened from, or the list with its filters (views.returning). Another screen
opened meanwhile (a second tab) does not change that; an address of another site is
never followed."""

import html as html_lib
import re
from urllib.parse import quote

import pytest

from models.career import WorkExperience
from tests.helpers import form_data, messages, pending, sample_rows

SITE = "http://localhost"
EVIL = ["https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
        "http://localhost.evil.example/x", "https:evil.example", "/\tevil", " //evil.example"]


def return_to(page_html: str) -> str:
    (value,) = re.findall(r'id="return_to" name="return_to" type="hidden" value="([^"]*)"', page_html)
    return html_lib.unescape(value)


def link(page_html: str, pattern: str) -> str:
    return html_lib.unescape(re.search(rf'href="({pattern}[^"]*)"', page_html).group(1))


def edit_data(row) -> dict:
    return {k: v for k, v in form_data(WorkExperience, row).items() if k != "official"}


@pytest.fixture
def entered(db, factory, make_official):
    """An official and a work-experience row fitting them, not yet entered."""
    official_row, row = sample_rows(factory)["work_experience"]
    return make_official(**official_row), row


def test_a_record_added_from_the_officials_page_returns_to_that_page(db, login_as, entered):
    official, row = entered
    client = login_as("clerk")
    page = f"/officialview/show/{official.id}"
    add_url = link(client.get(page).get_data(as_text=True), "/workexperienceview/add")  # the page's own link
    form = client.get(add_url, headers={"Referer": SITE + page}).get_data(as_text=True)
    assert return_to(form) == page
    # Meanwhile, in another tab, another screen: FAB's one history per session now names it.
    assert client.get("/educationview/list/").status_code == 200

    saved = client.post(add_url, data={**form_data(WorkExperience, row, official_id=official.id),
                                       "return_to": return_to(form)}, headers={"Referer": SITE + add_url})
    assert saved.status_code == 302, messages(saved.get_data(as_text=True))
    assert saved.headers["Location"] == page
    assert len(pending(db, WorkExperience, official_id=official.id)) == 1


def test_a_refused_form_keeps_where_it_returns_to(db, login_as, entered):
    official, row = entered
    client = login_as("clerk")
    page = f"/officialview/show/{official.id}"
    add_url = f"/workexperienceview/add?_flt_0_official={official.id}"
    form = client.get(add_url, headers={"Referer": SITE + page}).get_data(as_text=True)
    data = {**form_data(WorkExperience, row, official_id=official.id), "return_to": return_to(form)}
    refused = client.post(add_url, data={**data, "start_date": "2999-01-01"}, headers={"Referer": SITE + add_url})
    assert refused.status_code == 200 and return_to(refused.get_data(as_text=True)) == page
    assert client.post(add_url, data=data).headers["Location"] == page


def test_an_edit_opened_from_a_filtered_list_returns_to_that_list(db, login_as, make_record):
    record = make_record(WorkExperience)  # approved: the edit becomes a change request
    client = login_as("clerk")
    list_url = f"/workexperienceview/list/?_flt_0_unit={quote(record.unit[:2])}&_oc_WorkExperienceView=start_date"
    listed = client.get(list_url).get_data(as_text=True)
    edit_url = link(listed, f"/workexperienceview/edit/{record.id}")  # FAB's edit link, with the filters
    form = client.get(edit_url, headers={"Referer": SITE + list_url}).get_data(as_text=True)
    assert return_to(form) == list_url
    assert client.get(f"/officialview/show/{record.official_id}").status_code == 200  # another tab

    row = {c.key: getattr(record, c.key) for c in WorkExperience.__table__.columns}
    saved = client.post(edit_url, data={**edit_data(row), "post": "副处长（改）", "return_to": return_to(form)})
    assert saved.status_code == 302, messages(saved.get_data(as_text=True))
    assert saved.headers["Location"] == list_url


def test_a_delete_returns_to_the_list_it_was_asked_from_and_never_to_the_deleted_record(db, login_as,
                                                                                          make_record):
    first, second = make_record(WorkExperience), make_record(WorkExperience)
    client = login_as("hr_reviewer")
    list_url = f"/workexperienceview/list/?_flt_0_unit={quote(first.unit[:1])}"
    client.get(list_url)
    deleted = client.post(f"/workexperienceview/delete/{first.id}", headers={"Referer": SITE + list_url})
    assert deleted.status_code == 302 and deleted.headers["Location"] == list_url

    show = f"/workexperienceview/show/{second.id}"
    client.get(show)
    deleted = client.post(f"/workexperienceview/delete/{second.id}", headers={"Referer": SITE + show})
    assert deleted.status_code == 302 and deleted.headers["Location"] != show
    assert not deleted.headers["Location"].startswith(show)


def test_an_address_of_another_site_is_never_followed(db, login_as, users, make_record, draft_of):
    record = draft_of(make_record(WorkExperience), users["clerk"])
    client = login_as("clerk")
    edit_url = f"/workexperienceview/edit/{record.id}"
    row = {c.key: getattr(record, c.key) for c in WorkExperience.__table__.columns}
    for evil in EVIL:
        form = client.get(edit_url + f"?next={quote(evil)}", headers={"Referer": evil}).get_data(as_text=True)
        assert "evil" not in return_to(form), evil

        saved = client.post(edit_url + f"?next={quote(evil)}", data={**edit_data(row), "return_to": evil},
                            headers={"Referer": evil})
        assert saved.status_code == 302, messages(saved.get_data(as_text=True))
        location = saved.headers["Location"]
        assert "evil" not in location and location.startswith("/") and not location.startswith("//"), evil
