"""The official picker wherever an official is chosen outside their own page: the user types,
the search answers with the officials of their scope, and what is posted is checked again."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from models import CollectionReceipt, Consultation
from models.career import WorkExperience
from tests.helpers import form_data, messages, pending, sample_rows

REFUSED_ZH = "请从列表中选择您范围内的官员"


@pytest.fixture
def namesakes(make_official):
    """Two officials called 张: one in the clerk's department (D01), one elsewhere (D03)."""
    return {"ours": make_official(name="张本部"), "theirs": make_official(department_code="D03", name="张外部")}


def picker_of(html: str, name="official") -> str:
    found = re.search(rf'<select id="{name}" name="{name}"[^>]*official-picker[^>]*>.*?</select>', html, re.S)
    assert found, f"no official picker named {name}"
    return found.group(0)


def test_the_search_answers_the_clerk_with_their_departments_officials_and_hr_with_all(login_as, namesakes):
    ours, theirs = namesakes["ours"], namesakes["theirs"]
    found = login_as("clerk").get("/officialpicker/search", query_string={"q": "张"}).get_json()
    assert [row["id"] for row in found] == [ours.id]
    assert found[0]["text"] == f"张本部（D01 {ours.department.name}，{ours.birth_date:%Y-%m}）"
    found = login_as("hr_reviewer").get("/officialpicker/search", query_string={"q": "zhang"}).get_json()
    assert {row["id"] for row in found} == {ours.id, theirs.id}
    assert login_as("hr_reviewer").get("/officialpicker/search").get_json() == []


def test_the_picker_is_named_and_speaks_the_readers_language(login_as):
    client = login_as("clerk")
    html = client.get("/receiptview/add").get_data(as_text=True)
    assert '<label for="official"' in html and 'aria-label="' in picker_of(html)
    assert "请输入姓名或拼音" in html and "正在搜索" in html and "/officialpicker/search" in picker_of(html)
    client.get("/lang/zh_Hant")
    assert "請輸入姓名或拼音" in client.get("/receiptview/add").get_data(as_text=True)
    client.get("/lang/en")
    html = client.get("/receiptview/add").get_data(as_text=True)
    assert "Type a name or pinyin" in html and "No official of your scope matches" in html


@pytest.mark.parametrize("role", ["clerk", "hr_reviewer"])
def test_a_receipt_registered_from_the_registers_form_lands_in_the_register(db, login_as, namesakes, role):
    client = login_as(role)
    assert "<option" not in picker_of(client.get("/receiptview/add").get_data(as_text=True)).replace(
        '<option value=""></option>', "")
    (picked,) = client.get("/officialpicker/search", query_string={"q": "张本"}).get_json()
    response = client.post("/receiptview/add", data={
        "official": str(picked["id"]), "section_key": "work_experience", "source_channel": "department",
        "source_department": "", "provider": "干部科 王明", "received_on": date.today().isoformat(),
        "description": "任职文件复印件"})
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    receipt = db.session.scalars(select(CollectionReceipt)).one()
    assert receipt.official_id == namesakes["ours"].id
    assert f"/receiptview/show/{receipt.id}" in client.get("/receiptview/list/").get_data(as_text=True)


def test_a_forged_official_outside_the_scope_is_a_form_error_and_nothing_is_saved(db, login_as, namesakes):
    response = login_as("clerk").post("/receiptview/add", data={
        "official": str(namesakes["theirs"].id), "section_key": "work_experience", "source_channel": "department",
        "provider": "干部科 王明", "received_on": date.today().isoformat(), "description": "伪造"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and any(REFUSED_ZH in m for m in messages(html))
    assert db.session.scalars(select(CollectionReceipt)).all() == []
    assert "张外部" not in html


def test_a_section_add_form_opened_from_its_list_offers_the_picker_and_saves(db, login_as, factory, make_official):
    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)
    client = login_as("clerk")
    picker_of(client.get("/workexperienceview/add").get_data(as_text=True))
    response = client.post("/workexperienceview/add", data=form_data(WorkExperience, row, official_id=official.id))
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    (record,) = pending(db, WorkExperience, official_id=official.id)
    assert record.review_state == "draft"


def test_a_consultation_refuses_a_picked_official_outside_the_applicants_scope(db, login_as, namesakes):
    client = login_as("clerk")
    picker_of(client.get("/consultation/apply").get_data(as_text=True))
    response = client.post("/consultation/apply", data={
        "official": str(namesakes["theirs"].id), "sections": ["official"], "purpose": "干部考察",
        "valid_from": date.today().isoformat(), "valid_until": date.today().isoformat()})
    assert any(REFUSED_ZH in m for m in messages(response.get_data(as_text=True)))
    assert db.session.scalars(select(Consultation)).all() == []
