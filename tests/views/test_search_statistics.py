"""The one search box (name, pinyin, citizen ID) and the statistics tables."""

import re
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy_continuum import version_class
from werkzeug.datastructures import MultiDict

from models import Official


def found(client, text):
    html = client.get("/search/", query_string={"q": text}).get_data(as_text=True)
    return re.findall(r'<a href="/officialview/show/\d+">([^<]+)</a>', html)


def test_pinyin_finds_by_initials_full_and_polyphonic_surnames(db, login_as, make_official):
    make_official(name="王小明")
    make_official(name="单雄信")
    make_official(name="曾国华")
    client = login_as("hr_reviewer")
    assert found(client, "wxm") == ["王小明"]
    assert found(client, "wangxm") == ["王小明"] and found(client, "WangXiaoming") == ["王小明"]
    assert found(client, "shan") == ["单雄信"] and found(client, "dan") == []
    assert found(client, "zengg") == ["曾国华"]
    assert found(client, "小明") == ["王小明"]


def test_a_citizen_id_finds_exactly_one_and_a_prefix_none(db, login_as, make_official):
    official = make_official(department_code="D02")
    make_official()
    client = login_as("hr_reviewer")
    assert found(client, official.citizen_id) == [official.name]
    assert found(client, official.citizen_id[:10]) == []
    assert found(client, official.citizen_id[:17]) == []
    # Out of the department head's scope (D01): not found.
    assert found(login_as("dept_head"), official.citizen_id) == []


def test_search_keys_follow_every_write_path(db, make_official):
    official = make_official(name="王小明")
    assert (official.name_pinyin, official.name_initials) == ("wangxiaoming", "wxm")
    official.name = "解缙"
    db.session.commit()
    assert official.name_initials == "xj"
    history = version_class(Official)
    latest = db.session.scalars(select(history).where(history.id == official.id)
                                .order_by(history.transaction_id.desc())).first()
    assert latest.name_pinyin == "xiejin"
    db.session.execute(update(Official).where(Official.id == official.id).values(name="单田芳"))
    db.session.commit()
    db.session.refresh(official)
    assert official.name_pinyin == "shantianfang"


def cells(html):
    body = re.search(r'<table[^>]*id="statistics-table".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_statistics_sum_to_the_list_count_in_scope(db, login_as, make_official):
    for code in ("D01", "D01", "D01", "D02", "D03"):
        make_official(department_code=code)
    make_official(review_state="draft")
    for role, expected in (("hr_reviewer", 5), ("dept_head", 3)):
        client = login_as(role)
        listed = client.get("/officialview/list/").get_data(as_text=True)
        rows = len(re.findall(r'href="/officialview/show/\d+"', listed))
        for dimension in ("gender", "ethnicity", "age_band", "education", "political_status", "status"):
            page = client.get("/statistics/", query_string={"dimension": dimension})
            assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
            table = cells(page.get_data(as_text=True))
            total = int(table[-1][-1])
            assert total == expected and sum(int(row[-1]) for row in table[:-1]) == total
        assert rows >= expected  # each official is linked at least once on the list


def test_changes_over_a_period_and_the_export(db, login_as, make_official, trail=None):
    from datetime import date

    official = make_official()
    official.status, official.left_on = "2", date.today()  # retired today, as entered with the status
    db.session.commit()
    client = login_as("hr_reviewer")
    page = client.get("/statistics/", query_string={"dimension": "changes"}).get_data(as_text=True)
    table = cells(page)
    header = re.findall(r"<th>(.*?)</th>", page)
    assert int(table[-1][header.index("进入")]) == 1 and int(table[-1][header.index("退休")]) == 1
    exported = client.post("/statistics/export", data=MultiDict(
        [("dimension", "gender"), ("on", date.today().isoformat()), ("purpose", "年报"), ("format", "csv")]))
    assert exported.status_code == 200 and exported.data.startswith("\ufeff".encode())
    assert login_as("inspector").get("/statistics/").status_code == 200
    assert login_as("inspector").post("/statistics/export", data={"format": "csv", "purpose": "x"}).status_code == 403


def test_a_former_name_finds_the_official_by_characters_and_pinyin_within_scope(db, login_as, make_official):
    official = make_official(department_code="D02", name="王小明", former_names="李建国、单田")
    make_official(name="李四")
    client = login_as("hr_reviewer")
    for text in ("建国", "李建国", "ljg", "lijianguo", "lijg", "st", "shantian"):
        assert found(client, text) == ["王小明"], text
    assert found(client, "jg") == []  # a key's start, not any part of it
    assert found(client, "李") == ["李四", "王小明"]
    # Out of the department head's scope (D01): not found, by characters or by pinyin.
    head = login_as("dept_head")
    assert found(head, "建国") == [] and found(head, "ljg") == []
    # The keys follow every write path: the ORM's and a bulk update's.
    client = login_as("hr_reviewer")
    official.former_names = "赵六"
    db.session.commit()
    assert found(client, "ljg") == [] and found(client, "zl") == ["王小明"]
    db.session.execute(update(Official).where(Official.id == official.id).values(former_names="钱七"))
    db.session.commit()
    assert found(client, "zl") == [] and found(client, "qianqi") == ["王小明"]


def test_statistics_by_post_level_sum_to_the_list_count(db, login_as, make_official, make_record):
    from models.career import WorkExperience
    from models.validation import add_years

    today = date.today()
    for code, level in (("D01", "141"), ("D01", "141"), ("D01", "131"), ("D02", "150"), ("D03", None)):
        official = make_official(department_code=code)
        start = max(official.work_start_date, add_years(today, -1))
        if level:
            make_record(WorkExperience, official=official, start_date=start, end_date=None, post_level=level)
    ended = make_official(department_code="D02", work_start_date=add_years(today, -2))
    # An ended post is not the current level.
    make_record(WorkExperience, official=ended, start_date=add_years(today, -2), end_date=add_years(today, -1),
                post_level="111")
    client = login_as("hr_reviewer")
    page = client.get("/statistics/", query_string={"dimension": "post_level"}).get_data(as_text=True)
    header = re.findall(r"<th>(.*?)</th>", page)
    table = cells(page)
    assert int(table[-1][-1]) == 6 and sum(int(row[-1]) for row in table[:-1]) == 6
    assert int(table[-1][header.index("乡科级正职")]) == 2 and int(table[-1][header.index("县处级正职")]) == 1
    assert int(table[-1][header.index("科员级")]) == 1 and int(table[-1][header.index("省部级正职")]) == 0
    assert int(table[-1][header.index("未填写")]) == 2
    head = cells(login_as("dept_head").get("/statistics/", query_string={"dimension": "post_level"})
                 .get_data(as_text=True))
    assert int(head[-1][-1]) == 3


def test_statistics_roll_sub_departments_up_into_their_top_department(db, login_as, make_official):
    from tests.helpers import sub_department

    for code in ("D03", "D04", "D04", "D05"):
        make_official(department_code=code)
    with sub_department(db, "D04", under="D03") as (parent, child):
        client = login_as("hr_reviewer")
        flat = {row[0]: int(row[-1]) for row in cells(client.get("/statistics/", query_string={
            "dimension": "gender"}).get_data(as_text=True))}
        rolled = {row[0]: int(row[-1]) for row in cells(client.get("/statistics/", query_string={
            "dimension": "gender", "rollup": "1"}).get_data(as_text=True))}
    assert flat[parent.name] == 1 and flat[child.name] == 2
    assert rolled[parent.name] == 3 and child.name not in rolled
    assert flat["合计"] == rolled["合计"] == 4
