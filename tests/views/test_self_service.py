"""An official sees their own approved dossier and nothing else, and sends material
and change requests for review (§3.1 channel 1)."""

import pytest

from models import ChangeRequest, Department
from models.career import WorkExperience
from models.training import Training
from tests.helpers import form_data, messages, pending, sample_rows


@pytest.fixture
def me(db, factory, make_official, users, departments):
    """The official behind the `official` account, in the department headed by `dept_head`."""
    d01 = next(d for d in departments if d.code == "D01")
    official_row, _ = sample_rows(factory)["training"]
    return make_official(**{**official_row, "department_id": d01.id, "account_id": users["official"].id})


def test_an_official_sees_their_own_approved_dossier_only(db, login_as, me, make_record, draft_of, users):
    mine = make_record(WorkExperience, official=me, unit="本人单位", start_date=me.work_start_date, end_date=None)
    draft_of(make_record(WorkExperience, official=me, unit="他人录入的草稿", start_date=me.work_start_date,
                         end_date=None), users["clerk"])
    other = make_record(WorkExperience, unit="别人的单位")
    client = login_as("official")
    html = client.get("/mydossier/").get_data(as_text=True)
    assert me.name in html and mine.unit in html
    assert "他人录入的草稿" not in html
    assert other.official.name not in html and "别人的单位" not in html
    for url in ("/officialview/list/", f"/officialview/show/{me.id}", "/workexperienceview/list/",
                f"/history/work_experience/{mine.id}", "/review/first/"):
        assert client.get(url).status_code in (302, 403, 404), url
    assert client.get(f"/mydossier/change/work_experience/{other.id}").status_code == 404


def test_an_official_submits_material_and_follows_it(db, login_as, me, factory, users):
    _, row = sample_rows(factory)["training"]
    row = {**row, "start_date": me.work_start_date, "end_date": me.work_start_date}
    client = login_as("official")
    response = client.post("/mydossier/add/training", data=form_data(Training, row), follow_redirects=True)
    assert "已提交审核" in " ".join(messages(response.get_data(as_text=True)))
    (record,) = pending(db, Training, official_id=me.id)
    assert (record.review_state, record.source_channel, record.entered_by_id) == (
        "submitted", "self", users["official"].id)
    assert "已提交" in client.get("/mydossier/").get_data(as_text=True)
    # Their own department head reviews it first.
    assert f"training:{record.id}" in login_as("dept_head").get("/review/first/").get_data(as_text=True)


def test_an_officials_change_request_leaves_the_record_until_approved(db, login_as, me, make_record):
    record = make_record(WorkExperience, official=me, post="科员", start_date=me.work_start_date, end_date=None)
    data = form_data(WorkExperience, {c.key: getattr(record, c.key) for c in WorkExperience.__table__.columns})
    client = login_as("official")
    client.post(f"/mydossier/change/work_experience/{record.id}", data={**data, "post": "副主任科员"})
    (request,) = pending(db, ChangeRequest)
    assert request.review_state == "submitted" and request.proposed_values == {"post": "副主任科员"}
    db.session.expire_all()
    assert db.session.get(WorkExperience, record.id).post == "科员"
    head = login_as("dept_head")
    head.post("/review/first/decide", data={"item": f"change_request:{request.id}", "decision": "reject",
                                            "reason": "请附任职文件"})
    assert "请附任职文件" in login_as("official").get("/mydossier/").get_data(as_text=True)


def test_an_official_never_sees_others_review_comments(db, login_as, me, make_record, draft_of, users):
    others = draft_of(make_record(WorkExperience, unit="他人条目"), users["clerk"])
    login_as("clerk").post("/mydrafts/submit", data={"item": f"work_experience:{others.id}"})
    login_as("dept_head").post("/review/first/decide", data={"item": f"work_experience:{others.id}",
                                                             "decision": "reject", "reason": "保密的审核意见"})
    client = login_as("official")
    for url in ("/mydossier/", "/mydrafts/"):
        html = client.get(url).get_data(as_text=True)
        assert "保密的审核意见" not in html and "他人条目" not in html


def test_bad_material_from_an_official_is_refused_with_nothing_written(db, login_as, me, factory):
    _, row = sample_rows(factory)["training"]
    before_birth = me.birth_date.replace(year=me.birth_date.year - 1)
    response = login_as("official").post("/mydossier/add/training",
                                         data=form_data(Training, {**row, "start_date": before_birth}))
    assert any("开始日期" in m for m in messages(response.get_data(as_text=True)))
    assert pending(db, Training) == []
    assert db.session.get(Department, me.department_id) is not None
