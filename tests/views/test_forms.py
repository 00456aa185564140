"""Every section's add and edit forms, opened and posted by a user allowed to use them.

The section list comes from ``models.sections``: a new section is covered the day
it is added. A refused post re-renders the form with what was typed and writes
nothing; an accepted one is stored; the edit form of the stored draft opens and
saves. On PostgreSQL this is what catches a route id compared as a string.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import String, Text

from models import SECTIONS
from tests.apps import ROLE_KEYS
from tests.helpers import form_data, messages, pending, row_count, sample_rows

MARK = "表单保留测试"


def view_url(model, action, *args):
    return f"/{model.__name__.lower()}view/{action}" + "".join(f"/{a}" for a in args)


def author_role(model) -> str:
    """The first role the role data allows both to add and to edit the section's records."""
    from security.roles import permissions_of

    view = model.section_key
    return next(r for r in ROLE_KEYS if {("can_add", view), ("can_edit", view)} <= permissions_of(r))


def typed_field(model) -> str:
    """A free-text field of the form, to see that what was typed comes back."""
    for column in model.__table__.columns:
        plain = column.info.get("plain")
        if plain:
            return plain
        if isinstance(column.type, (String, Text)) and not column.foreign_keys and "code_table" not in column.info \
                and column.key not in ("review_state",):
            return column.key
    raise AssertionError(f"{model.__name__} has no text field")


@pytest.mark.parametrize("model", SECTIONS, ids=lambda m: m.section_key)
def test_every_section_form_opens_refuses_keeps_what_was_typed_and_saves(model, db, app, factory,
                                                                         make_official):
    official_row, row = sample_rows(factory)[model.__tablename__]
    official = make_official(**official_row)
    client = app.test_client()
    from tests.apps import DEMO_PASSWORD

    role = author_role(model)
    assert client.post("/login/", data={"username": role, "password": DEMO_PASSWORD}).status_code == 302
    add_url = view_url(model, "add") + f"?_flt_0_official={official.id}"
    assert client.get(add_url).status_code == 200

    field = typed_field(model)
    data = {**form_data(model, row, official_id=official.id), field: MARK}
    # Material received tomorrow cannot be entered today: the form says so and keeps the input.
    refused = client.post(add_url, data={**data, "received_on": (date.today() + timedelta(days=1)).isoformat()})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "收集日期：不能晚于今天" in messages(html)
    assert MARK in html
    assert row_count(db, model) == 0

    saved = client.post(add_url, data=data)
    assert saved.status_code == 302, messages(saved.get_data(as_text=True))
    (record,) = pending(db, model, official_id=official.id)
    assert getattr(record, field) == MARK

    edit_url = view_url(model, "edit", record.id)
    page = client.get(edit_url)
    assert page.status_code == 200 and MARK in page.get_data(as_text=True)
    edit = {k: v for k, v in form_data(model, row).items() if k != "official"}
    refused = client.post(edit_url, data={**edit, field: MARK + "改",
                                          "received_on": (date.today() + timedelta(days=2)).isoformat()})
    assert refused.status_code == 200 and MARK + "改" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert getattr(db.session.get(model, record.id, execution_options={"include_pending": True}), field) == MARK

    saved = client.post(edit_url, data={**edit, field: MARK + "改"})
    assert saved.status_code == 302, messages(saved.get_data(as_text=True))
    db.session.expire_all()
    assert getattr(db.session.get(model, record.id, execution_options={"include_pending": True}), field) == MARK + "改"


def test_an_add_form_sent_twice_creates_one_record(db, login_as, factory, make_official):
    """A double click, or the browser resending the page, must not make two drafts."""
    import re

    from models.career import WorkExperience

    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)
    client = login_as("clerk")
    add_url = view_url(WorkExperience, "add") + f"?_flt_0_official={official.id}"
    html = client.get(add_url).get_data(as_text=True)
    (token,) = re.findall(r'name="submission_id" type="hidden" value="([0-9a-f]{32})"', html) or \
        re.findall(r'id="submission_id" name="submission_id" type="hidden" value="([0-9a-f]{32})"', html)
    data = {**form_data(WorkExperience, row, official_id=official.id), "submission_id": token}

    # Refused first (received tomorrow): the id comes back with the form, and the fixed form is saved.
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    refused = client.post(add_url, data={**data, "received_on": tomorrow}).get_data(as_text=True)
    assert token in refused and row_count(db, WorkExperience) == 0
    assert client.post(add_url, data=data).status_code == 302
    again = client.post(add_url, data=data, follow_redirects=True)
    assert "已经提交过" in " ".join(messages(again.get_data(as_text=True)))
    assert row_count(db, WorkExperience) == 1
    # A fresh form is a fresh record.
    fresh = re.findall(r'value="([0-9a-f]{32})"', client.get(add_url).get_data(as_text=True))
    assert fresh and fresh[0] != token
