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
    official = make_official()
    official.status = "2"
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
