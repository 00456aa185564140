"""What a user reads when the product refuses: their language, the field named, the form kept.

Never a database error's text, never Werkzeug's English page.
"""

import pytest
from sqlalchemy.exc import IntegrityError

from models import Official
from models.evaluation import AnnualAssessment
from tests.helpers import form_data, messages, row_count

RAW = ("IntegrityError", "INSERT INTO", "UNIQUE constraint", "duplicate key", "Traceback", "sqlalchemy", ">None<")


def assert_no_raw_error(html):
    for raw in RAW:
        assert raw not in html, raw


def test_a_second_assessment_for_the_same_year_keeps_the_form_open_naming_the_year(db, login_as, make_record):
    first = make_record(AnnualAssessment)
    client = login_as("clerk")
    data = form_data(AnnualAssessment, {"year": first.year, "grade": "2", "comments": "第二次录入的评语",
                                        "source_channel": "hr", "received_on": None}, official_id=first.official.id)
    response = client.post(f"/annualassessmentview/add?_flt_0_official={first.official.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "年度：该官员已有此值的记录" in messages(html)
    assert "第二次录入的评语" in html
    assert_no_raw_error(html)
    assert row_count(db, AnnualAssessment) == 1


def test_a_citizen_id_already_registered_is_refused_in_chinese_and_the_form_is_kept(db, login_as, factory,
                                                                                    make_official, departments):
    existing = make_official()
    row = {**factory.official(), "citizen_id": existing.citizen_id, "birth_date": existing.birth_date,
           "gender": existing.gender, "department_id": departments[0].id, "name": "另一个名字"}
    response = login_as("clerk").post("/officialview/add", data=form_data(Official, row))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "公民身份号码：已登记在另一名官员名下" in messages(html)
    assert "另一个名字" in html
    assert_no_raw_error(html)
    assert row_count(db, Official) == 1


@pytest.mark.parametrize("locale,not_found,malformed,forbidden,wrong_method", [
    ("zh", "此处没有内容", "无法处理该请求", "您无权执行此操作", "不能以这种方式使用此页面"),
    ("zh_Hant", "此處沒有內容", "無法處理該請求", "您無權執行此操作", "不能以這種方式使用此頁面"),
    ("en", "There is nothing here", "The request could not be understood", "You are not allowed to do this",
     "This page cannot be used that way"),
])
def test_error_pages_speak_the_users_language(app, login_as, monkeypatch, locale, not_found, malformed,
                                              forbidden, wrong_method):
    from flask import abort

    # No screen of ours answers 403 today (FAB redirects with a flash); any that does gets this page.
    monkeypatch.setitem(app.view_functions, "MyDraftsView.list", lambda: abort(403))
    client = login_as("clerk")
    client.get(f"/lang/{locale}")
    pages = {
        not_found: client.get("/officialview/show/abc"),
        malformed: client.get("/officialview/list/?page_OfficialView=x"),
        forbidden: client.get("/mydrafts/"),
        wrong_method: client.get("/permissionrequests/1/decide"),
    }
    for expected, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code in (400, 403, 404, 405) and expected in html, (expected, response.status_code)
        assert "<title>404 Not Found</title>" not in html and "The requested URL" not in html

    # A form posted without its CSRF token (an expired page) is a 400 in the same language.
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/assessments/batch/", data={"year": "2020"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400 and malformed in response.get_data(as_text=True)


def test_an_unexpected_database_error_is_a_500_page_without_its_sql(app, login_as, monkeypatch):
    def broken():
        raise IntegrityError("INSERT INTO annual_assessment (year) VALUES (?)", (2020,),
                             Exception("UNIQUE constraint failed: annual_assessment.year"))

    monkeypatch.setitem(app.view_functions, "MyDraftsView.list", broken)
    client = login_as("clerk")
    response = client.get("/mydrafts/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统出现内部错误，未保存任何内容" in html
    assert_no_raw_error(html)
    monkeypatch.undo()
    # The next request is served normally.
    assert client.get("/mydrafts/").status_code == 200


def test_an_unknown_providing_department_is_not_a_valid_choice_in_chinese(db, login_as, factory, make_official):
    from tests.helpers import sample_rows

    official_row, row = sample_rows(factory)["reward"]
    official = make_official(**official_row)
    from models.rewards import Reward

    data = {**form_data(Reward, row, official_id=official.id), "source_department": "999999"}
    response = login_as("clerk").post(f"/rewardview/add?_flt_0_official={official.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "不是有效的选项" in html
    assert "Not a valid choice" not in html
    assert row_count(db, Reward) == 0


def test_record_pages_show_empty_fields_empty_and_entry_times_to_the_second(db, login_as, make_official):
    import re

    official = make_official(native_place=None, party_join_date=None, post=None)
    html = login_as("hr_reviewer").get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert ">None<" not in html and not re.search(r">\s*None\s*<", html)
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{6}", html)
    assert official.entered_at.strftime("%Y-%m-%d %H:%M:%S") in html
    listing = login_as("hr_reviewer").get("/officialview/list/").get_data(as_text=True)
    assert not re.search(r">\s*None\s*<", listing)


def test_a_change_that_becomes_a_permission_request_says_so_and_is_no_error(db, login_as, make_user, departments):
    clerk = make_user("clerk", "D01")
    response = login_as("sysadmin").post("/staffdepartmentview/add", follow_redirects=True,
                                         data={"user": str(clerk.id), "department": str(departments[2].id)})
    assert response.status_code == 200
    assert "须经另一名安全管理员批准" in " ".join(messages(response.get_data(as_text=True)))
