"""A records clerk enters material through the generated forms; it starts as a draft."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy_continuum import version_class

from models import SECTIONS, ChangeRequest, Official
from models.career import WorkExperience
from models.training import Training
from tests.helpers import form_data, messages, pending, row_count, sample_rows


def view_url(model, action, *args):
    return f"/{model.__name__.lower()}view/{action}" + "".join(f"/{a}" for a in args)


@pytest.mark.parametrize("model", SECTIONS, ids=lambda m: m.section_key)
def test_clerk_adds_a_record_in_every_section(model, db, login_as, factory, make_official, users):
    official_row, row = sample_rows(factory)[model.__tablename__]
    official = make_official(**official_row)
    client = login_as("clerk")

    # The clerk starts from the official page and follows its "add material" link.
    page = client.get(f"/officialview/show/{official.id}").get_data(as_text=True)
    add_url = view_url(model, "add") + f"?_flt_0_official={official.id}"
    assert add_url in page

    response = client.post(add_url, data=form_data(model, row))
    assert response.status_code == 302, messages(response.get_data(as_text=True))

    (record,) = pending(db, model, official_id=official.id)
    assert record.entered_by_id == users["clerk"].id
    assert record.review_state == "draft"
    versions = record.versions.all()
    assert len(versions) == 1 and versions[0].transaction.user_id == users["clerk"].id


def test_official_added_through_the_form_is_a_draft_with_every_basic_field(db, login_as, factory, users,
                                                                          departments):
    row = {**factory.official(), "department_id": departments[0].id}  # the clerk's own department
    client = login_as("clerk")
    response = client.post("/officialview/add", data=form_data(Official, row))
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    (official,) = pending(db, Official, name=row["name"])
    assert official.citizen_id == row["citizen_id"]
    for key in ("name", "gender", "birth_date", "ethnicity", "department_id", "mobile", "email"):
        assert getattr(official, key) == row[key], key
    assert official.entered_by_id == users["clerk"].id and official.review_state == "draft"
    # Not yet in the dossier: the author opens its page from the drafts, nobody else can.
    assert client.get(f"/officialview/show/{official.id}").status_code == 200
    assert login_as("hr_reviewer").get(f"/officialview/show/{official.id}").status_code == 404


def test_invalid_citizen_id_is_refused_in_chinese_and_nothing_is_written(db, login_as, factory):
    row = factory.official()
    bad = row["citizen_id"][:17] + ("0" if row["citizen_id"][17] != "0" else "1")
    client = login_as("clerk")
    response = client.post("/officialview/add", data=form_data(Official, {**row, "citizen_id": bad}))
    shown = " ".join(messages(response.get_data(as_text=True)))
    assert response.status_code == 200
    assert "公民身份号码" in shown and "校验位错误" in shown
    assert row_count(db, Official) == 0


def test_end_before_start_is_refused_in_chinese_and_nothing_is_written(db, login_as, factory, make_official):
    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)
    end = row["start_date"] - timedelta(days=1)
    client = login_as("clerk")
    response = client.post(
        view_url(WorkExperience, "add"),
        data=form_data(WorkExperience, {**row, "end_date": end}, official_id=official.id),
    )
    shown = " ".join(messages(response.get_data(as_text=True)))
    assert "结束日期" in shown and "不能早于开始日期" in shown
    assert row_count(db, WorkExperience) == 0


def test_work_before_the_official_was_sixteen_is_refused(db, login_as, factory, make_official):
    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)
    too_early = official.birth_date + timedelta(days=365 * 10)
    client = login_as("clerk")
    response = client.post(
        view_url(WorkExperience, "add"),
        data=form_data(WorkExperience, {**row, "start_date": too_early, "end_date": None}, official_id=official.id),
    )
    shown = " ".join(messages(response.get_data(as_text=True)))
    assert "开始日期" in shown and "16" in shown
    assert row_count(db, WorkExperience) == 0


def test_every_edit_of_a_draft_leaves_a_version_with_actor_and_old_and_new_values(db, login_as, factory, make_official, users):
    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)
    client = login_as("clerk")
    client.post(view_url(WorkExperience, "add"), data=form_data(WorkExperience, row, official_id=official.id))
    (record,) = pending(db, WorkExperience)
    old_post = record.post

    response = client.post(view_url(WorkExperience, "edit", record.id),
                           data=form_data(WorkExperience, {**row, "post": "档案室主任"}))
    assert response.status_code == 302, messages(response.get_data(as_text=True))

    db.session.expire_all()
    history = version_class(WorkExperience)
    versions = db.session.scalars(select(history).where(history.id == record.id).order_by(history.transaction_id)).all()
    assert len(versions) == 2
    assert [v.transaction.user_id for v in versions] == [users["clerk"].id] * 2
    assert versions[1].changeset["post"] == [old_post, "档案室主任"]
    assert versions[1].transaction.remote_addr == "127.0.0.1"


def test_nobody_else_edits_or_deletes_a_clerks_draft(db, login_as, factory, make_official):
    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)
    login_as("clerk").post(view_url(WorkExperience, "add"), data=form_data(WorkExperience, row, official_id=official.id))
    (record,) = pending(db, WorkExperience)

    client = login_as("hr_reviewer")
    client.post(view_url(WorkExperience, "edit", record.id), data=form_data(WorkExperience, {**row, "post": "处长助理"}))
    client.post(view_url(WorkExperience, "delete", record.id))
    db.session.expire_all()
    (unchanged,) = pending(db, WorkExperience)
    assert unchanged.post == row["post"] and len(unchanged.versions.all()) == 1


def test_editing_approved_basic_information_makes_a_change_request(db, login_as, make_official, users):
    official = make_official()
    old_post = official.post
    client = login_as("clerk")
    data = form_data(Official, {c.key: getattr(official, c.key) for c in Official.__table__.columns})
    response = client.post(f"/officialview/edit/{official.id}", data={**data, "post": "一级调研员"},
                           follow_redirects=True)
    assert "变更申请" in " ".join(messages(response.get_data(as_text=True)))
    db.session.expire_all()
    assert db.session.get(Official, official.id).post == old_post
    (request,) = pending(db, ChangeRequest)
    assert request.proposed_values == {"post": "一级调研员"} and request.original_values == {"post": old_post}
    assert request.entered_by_id == users["clerk"].id


def test_the_add_form_offers_only_the_official_it_was_opened_for(db, login_as, make_official):
    """A select of every official would load the whole archive for each form (and each post)."""
    import re as _re

    mine = make_official()
    clerk = login_as("clerk")
    html = clerk.get("/trainingview/add").get_data(as_text=True)
    select = _re.search(r'<select[^>]*name="official".*?</select>', html, _re.S).group(0)
    assert not _re.findall(r'<option value="\d+"', select)
    # Nobody is listed: the clerk searches their scope as they type (views.official_picker).
    assert "official-picker" in select and "请输入姓名或拼音" in select
    # Posting names the official, and only that one is looked up and accepted.
    row = {"name": "档案业务培训", "start_date": "2024-03-01", "end_date": "2024-03-02", "hours": "16",
           "source_channel": "hr", "received_on": ""}
    assert clerk.post("/trainingview/add", data={**row, "official": str(mine.id)}).status_code == 302
    assert [t.official_id for t in pending(db, Training)] == [mine.id]
