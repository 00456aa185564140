"""An official sees their own approved dossier and nothing else, and sends material
and change requests for review (§3.1 channel 1)."""

import pytest

import io

from sqlalchemy import select

from models import AuditEvent, ChangeRequest, Department, Material
from models.career import WorkExperience
from models.training import Training
from tests import documents
from tests.helpers import form_data, messages, pending, sample_rows, stored_files


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


CLASS_ONE, CLASS_THREE = "履历材料", "考核鉴定材料"


def my_document(content: bytes, name: str = "学历证书.pdf", **fields) -> dict:
    """The self-service form of a document: no official, channel or date received is asked."""
    return {"material_class": "4-1", "title": "大学毕业证书", "formed_on": "2008-07-01", "forming_unit": "北京大学",
            "page_count": "", "upload": (io.BytesIO(content), name), **fields}


def send_document(client, data, query=""):
    return client.post(f"/mydossier/add/material{query}", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def test_an_official_reads_their_own_catalogue_and_no_one_elses(db, login_as, me, make_material, make_official):
    make_material(official=me, material_class="3", title="本人考核材料")
    make_material(official=me, material_class="1", title="本人干部履历表")
    make_material(official=me, material_class="1", title="本人待审材料", review_state="submitted")
    others = make_material(official=make_official(), title="他人的履历表")
    client = login_as("official")
    html = client.get("/mydossier/").get_data(as_text=True)
    catalogue = html.split('id="section-material"', 1)[1].split("</table>", 1)[0]
    # Class and catalogue number of each approved entry, in the catalogue's order (class 1 before 3).
    assert catalogue.index("本人干部履历表") < catalogue.index("本人考核材料")
    assert CLASS_ONE in catalogue and CLASS_THREE in catalogue
    assert "本人待审材料" not in catalogue
    assert "他人的履历表" not in html
    # No file is served to the official: the existing rules give their role no material screen.
    for url in (f"/materialview/download/{others.id}", f"/materialview/preview/{others.id}",
                f"/materialview/catalogue/{others.official_id}", "/materialview/list/"):
        assert client.get(url).status_code in (302, 403, 404), url
    assert client.get(f"/mydossier/change/material/{others.id}").status_code == 404


def test_an_officials_document_goes_to_first_review_never_straight_into_the_dossier(db, login_as, me, users):
    client = login_as("official")
    response = send_document(client, my_document(documents.pdf(2)))
    assert "已提交审核" in " ".join(messages(response.get_data(as_text=True)))
    (material,) = pending(db, Material, official_id=me.id)
    assert (material.review_state, material.source_channel, material.entered_by_id, material.sequence) == (
        "submitted", "self", users["official"].id, None)
    assert material.page_count == 2 and material.media_type == "application/pdf"
    assert [p.name for p in stored_files()] == [material.stored_sha256]
    # Shown among what they sent, not in the catalogue until both reviews approve it.
    html = client.get("/mydossier/").get_data(as_text=True)
    sent = html.split("<h3>")[-1]
    assert f'data-key="material:{material.id}"' in sent and "/materialview/preview/" not in sent
    assert "大学毕业证书" not in html.split('id="section-material"', 1)[1].split("</table>", 1)[0]
    # Their department head's first-review queue holds it; the final reviewer's does not yet.
    assert f"material:{material.id}" in login_as("dept_head").get("/review/first/").get_data(as_text=True)
    assert f"material:{material.id}" not in login_as("hr_reviewer").get("/review/final/").get_data(as_text=True)


@pytest.mark.parametrize("content, name, says", [
    (documents.windows_program(), "证书.pdf", "程序"),
    (documents.truncated_pdf(), "证书.pdf", "PDF"),
    (b"", "证书.pdf", "空"),
])
def test_a_bad_file_from_an_official_is_refused_and_nothing_is_saved(db, login_as, me, content, name, says):
    response = send_document(login_as("official"), my_document(content, name))
    assert response.status_code == 200
    assert any(says in m for m in messages(response.get_data(as_text=True))), messages(response.get_data(as_text=True))
    assert pending(db, Material) == [] and stored_files() == []


def test_a_document_refused_by_the_rules_after_its_file_was_stored_leaves_no_file(db, login_as, me):
    """The file is stored before the record's own rules run: their refusal takes it away again."""
    response = send_document(login_as("official"), my_document(documents.pdf(1), formed_on="2999-01-01"))
    assert response.status_code == 200 and messages(response.get_data(as_text=True))
    assert pending(db, Material) == [] and stored_files() == []


def test_another_officials_id_in_the_link_or_the_post_is_refused(db, login_as, me, make_official, make_record):
    other = make_official()
    others_record = make_record(WorkExperience, official=other, unit="别人的单位")
    client = login_as("official")
    for query, fields in ((f"?_flt_0_official={other.id}", {}), ("", {"official": str(other.id)})):
        response = send_document(client, my_document(documents.pdf(1), **fields), query)
        assert response.status_code == 404, (query, fields)
    assert pending(db, Material) == [] and stored_files() == []
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access_denied")).all()
    assert {event.object_id for event in denied} >= {str(other.id)}
    # A document attached to another official's record is refused with a message.
    response = send_document(client, my_document(documents.pdf(1)), f"?record=work_experience:{others_record.id}")
    assert any("不存在" in m or "档案" in m for m in messages(response.get_data(as_text=True)))
    assert pending(db, Material) == [] and stored_files() == []
