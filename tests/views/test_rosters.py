"""Rosters (花名册): filters over three sections, derived columns, scope, pending content,
what is offered, and exports that read back as the page shows them."""

import csv
import hashlib
import io
import json
import re
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from security.audit_tables import AuditEvent
from models.career import WorkExperience
from models.evaluation import AnnualAssessment
from models.validation import add_years
from tests.helpers import messages

COLUMNS = ["name", "department", "birth_date", "age", "latest_grade", "years_in_post", "post_since"]
FILTERS = {"f.status.eq": "1", "f.latest_grade.eq": "1", "f.years_in_post.min": "2"}


def table_of(html: str) -> list[list[str]]:
    body = re.search(r'<table[^>]*id="roster-table".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in rows]


def query(columns=COLUMNS, **filters):
    return [("column", c) for c in columns] + list({**FILTERS, **filters}.items())


def in_post(make_official, make_record, department_code="D01", years=5, grade="1", **overrides):
    """An official in office, in the current post for ``years``, whose latest approved grade is ``grade``."""
    while True:
        official = make_official(department_code=department_code, status="1", **overrides)
        if official.work_start_date <= add_years(date.today(), -years - 1):
            break
    make_record(WorkExperience, official=official, start_date=add_years(date.today(), -years), end_date=None,
                post="科长", unit="市财政局")
    make_record(AnnualAssessment, official=official, year=date.today().year - 1, grade=grade)
    return official


def test_three_sections_and_derived_columns_give_the_approved_rows_in_scope(
        db, login_as, make_official, make_record, draft_of, users):
    mine = in_post(make_official, make_record, name="甲一")
    # A pending later assessment (不称职) must not become the latest grade.
    draft_of(make_record(AnnualAssessment, official=mine, year=date.today().year, grade="4"), users["clerk"])
    in_post(make_official, make_record, grade="2", name="乙二")           # latest grade 称职: filtered out
    in_post(make_official, make_record, years=1, name="丙三")             # one year in post: filtered out
    elsewhere = in_post(make_official, make_record, department_code="D02", name="丁四")
    make_official(review_state="draft", status="1", name="戊五")          # not yet part of the dossier

    rows = table_of(login_as("hr_reviewer").get("/rosters/run", query_string=query()).get_data(as_text=True))
    assert sorted(r[0] for r in rows) == sorted([mine.name, elsewhere.name])
    row = next(r for r in rows if r[0] == mine.name)
    assert row[2] == mine.birth_date.isoformat()
    assert row[3] == str(date.today().year - mine.birth_date.year
                         - ((date.today().month, date.today().day) < (mine.birth_date.month, mine.birth_date.day)))
    assert row[4] == "优秀" and row[5] == "5" and row[6] == add_years(date.today(), -5).isoformat()

    rows = table_of(login_as("dept_head").get("/rosters/run", query_string=query()).get_data(as_text=True))
    assert [r[0] for r in rows] == [mine.name]


def test_a_column_the_user_may_not_read_is_not_offered_nor_accepted(db, login_as, make_official):
    make_official()
    # A clerk adds sanctions without reading them back, and holds no identifiers permission.
    client = login_as("clerk")
    builder = client.get("/rosters/").get_data(as_text=True)
    assert 'value="latest_grade"' in builder
    for forbidden in ("sanction_in_force", "citizen_id", "mobile"):
        assert f'value="{forbidden}"' not in builder
        forged = client.get("/rosters/run", query_string=[("column", "name"), ("column", forbidden)])
        assert forged.status_code == 400
        assert 'id="roster-table"' not in forged.get_data(as_text=True)
    forged = client.get("/rosters/run", query_string=[("column", "name"), ("f.sanction_in_force.eq", "1")])
    assert forged.status_code == 400 and 'id="roster-table"' not in forged.get_data(as_text=True)
    assert client.post("/rosters/export", data={"column": "name", "purpose": "x", "format": "csv"}).status_code == 403
    assert 'value="sanction_in_force"' in login_as("hr_reviewer").get("/rosters/").get_data(as_text=True)


def test_exports_read_back_as_the_page_shows_them(db, login_as, make_official, make_record, app):
    from openpyxl import load_workbook

    official = in_post(make_official, make_record, name="单雄信")
    columns = ["name", "birth_date", "citizen_id", "latest_grade", "years_in_post"]
    client = login_as("hr_reviewer")
    args = query(columns)
    page = table_of(client.get("/rosters/run", query_string=args).get_data(as_text=True))
    assert page[0][0] == "单雄信"
    assert page[0][2] == official.citizen_id  # HR holds the identity tier

    xlsx = client.post("/rosters/export", data=MultiDict([*args, ("purpose", "年度干部统计"), ("format", "xlsx"), ("name", "科长名册")]))
    assert xlsx.status_code == 200, xlsx.get_data(as_text=True)[:500]
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=False).active
    assert sheet.freeze_panes == "A4"
    assert sheet.cell(1, 1).value == "科长名册"
    assert [c.value for c in sheet[3]] == ["姓名", "出生日期", "公民身份号码", "最近年度考核等次", "任职年限"]
    (cells,) = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert cells[0] == "单雄信" and cells[1].date() == official.birth_date
    assert [cells[2], cells[3], str(cells[4])] == page[0][2:]
    assert "科长名册" not in sheet.oddFooter.left.text and "导出" in sheet.oddFooter.left.text

    exported = client.post("/rosters/export", data=MultiDict([*args, ("purpose", "年度干部统计"), ("format", "csv")]))
    assert exported.data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert lines[3] == page[0]

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")
                               .order_by(AuditEvent.seq.desc())).first()
    details = json.loads(event.details)
    assert details["sha256"] == hashlib.sha256(exported.data).hexdigest()
    assert details["purpose"] == "年度干部统计" and details["rows"] == 1 and details["columns"] == columns
    assert official.citizen_id not in event.details and "单雄信" not in event.details

    # The auditor finds it by its action.
    trail = login_as("auditor").get("/auditeventview/list/", query_string={"_flt_0_action": "export"})
    assert trail.status_code == 200 and re.search(rf">\s*{event.seq}\s*<", trail.get_data(as_text=True))
    client = login_as("hr_reviewer")
    pdf = client.post("/rosters/export", data=MultiDict([*args, ("purpose", "打印"), ("format", "pdf")]))
    assert pdf.data.startswith(b"%PDF")


def test_an_export_without_a_purpose_is_refused_and_leaves_no_event(db, login_as, make_official):
    make_official()
    client = login_as("hr_reviewer")
    before = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    refused = client.post("/rosters/export", data=MultiDict([*query(["name"]), ("purpose", "  "), ("format", "xlsx")]),
                          follow_redirects=True)
    assert "用途" in refused.get_data(as_text=True)
    after = db.session.scalar(select(AuditEvent.seq).where(AuditEvent.action == "export").order_by(AuditEvent.seq.desc()).limit(1))
    assert after is None or after <= before


def test_identifiers_clear_only_with_the_identity_tier(db, login_as, make_official, app):
    from models.identity import READ_CLEAR

    official = make_official()
    client = login_as("hr_reviewer")
    args = [("column", "name"), ("column", "citizen_id"), ("column", "mobile")]
    (row,) = table_of(client.get("/rosters/run", query_string=args).get_data(as_text=True))
    assert row[1] == official.citizen_id and row[2] == official.mobile
    sm = app.appbuilder.sm
    role = sm.find_role("hr_reviewer")
    permission = sm.find_permission_view_menu(*READ_CLEAR)
    sm.del_permission_role(role, permission)
    try:
        (row,) = table_of(client.get("/rosters/run", query_string=args).get_data(as_text=True))
        assert official.citizen_id not in row and row[1].count("*") == 8 and row[2].count("*") == 4
        exported = client.post("/rosters/export", data=MultiDict([*args, ("purpose", "核对"), ("format", "csv")]))
        lines = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
        assert [official.name, row[1], row[2]] in lines and official.citizen_id not in exported.data.decode("utf-8-sig")
    finally:
        sm.add_permission_role(role, permission)


def test_a_saved_roster_is_shared_and_reruns(db, login_as, make_official, make_record):
    official = in_post(make_official, make_record)
    client = login_as("hr_reviewer")
    saved = client.post("/rosters/save", data=MultiDict([*query(["name", "latest_grade"]), ("name", "优秀科长"), ("shared", "1")]))
    assert saved.status_code == 302
    rerun = login_as("dept_head").get(saved.headers["Location"])
    assert [r[0] for r in table_of(rerun.get_data(as_text=True))] == [official.name]
    assert "优秀科长" in login_as("dept_head").get("/rosters/").get_data(as_text=True)
    assert login_as("dept_head").get("/rosters/run?saved=999999").status_code == 404
    roster_id = int(saved.headers["Location"].rsplit("=", 1)[1])
    assert login_as("dept_head").post("/rosters/forget", data={"roster": roster_id}).status_code == 404
    assert login_as("hr_reviewer").post("/rosters/forget", data={"roster": roster_id}).status_code == 302
    assert "优秀科长" not in login_as("hr_reviewer").get("/rosters/").get_data(as_text=True)


def test_bad_roster_input_is_refused_with_its_name(db, login_as):
    client = login_as("hr_reviewer")
    for args in ([("column", "name"), ("f.age.min", "abc")], [("column", "name"), ("on", "2024-13-01")],
                 [("column", "name"), ("f.gender.eq", "7")], [("sort", "name")], [("column", "name"), ("sort", "citizen_id")]):
        response = client.get("/rosters/run", query_string=args)
        assert response.status_code == 400
        assert 'class="alert' in response.get_data(as_text=True)


def posts(make_official, make_record, department_code="D01", name=None, levels=(("141", "市财政局"),)):
    """An official whose career is ``levels`` (post level, unit), one after another, the last still open."""
    while True:
        official = make_official(department_code=department_code, status="1", **({"name": name} if name else {}))
        if official.work_start_date <= add_years(date.today(), -len(levels) * 2 - 1):
            break
    for i, (level, unit) in enumerate(levels):
        start = add_years(date.today(), -2 * (len(levels) - i))
        end = None if i == len(levels) - 1 else add_years(date.today(), -2 * (len(levels) - i - 1)) - timedelta(days=1)
        make_record(WorkExperience, official=official, start_date=start, end_date=end, unit=unit, post="科长",
                    post_level=level)
    return official


FIELD_QUERY = [("column", "name"), ("column", "current_post_level"), ("f.current_post_level.eq", "141"),
               ("sf", "work_experience.unit"), ("sf_op", "ct"), ("sf_value", "财政")]


def test_a_section_field_and_the_post_level_filter_give_the_approved_rows_in_scope(
        db, login_as, make_official, make_record, draft_of, users):
    mine = posts(make_official, make_record, name="甲一")
    elsewhere = posts(make_official, make_record, department_code="D02", name="丁四")
    posts(make_official, make_record, name="乙二", levels=(("131", "市财政局"),))           # another level
    # Was 乡科级正职 in 财政局 before; the open post is 县处级副职: not the current level.
    posts(make_official, make_record, name="丙三", levels=(("141", "市财政局"), ("132", "市教育局")))
    # Only a pending record says 财政局: pending content is no part of the dossier.
    pending = posts(make_official, make_record, name="戊五", levels=(("141", "市教育局"),))
    draft_of(make_record(WorkExperience, official=pending, start_date=add_years(date.today(), -3),
                         end_date=add_years(date.today(), -2) - timedelta(days=1), unit="市财政局", post="科员", post_level="150"),
             users["clerk"])

    rows = table_of(login_as("hr_reviewer").get("/rosters/run", query_string=FIELD_QUERY).get_data(as_text=True))
    assert sorted(rows) == sorted([[mine.name, "乡科级正职"], [elsewhere.name, "乡科级正职"]])
    rows = table_of(login_as("dept_head").get("/rosters/run", query_string=FIELD_QUERY).get_data(as_text=True))
    assert rows == [[mine.name, "乡科级正职"]]

    # A date field through FAB's "smaller than" (the pending post started on that very day).
    before = add_years(date.today(), -3).isoformat()
    client = login_as("hr_reviewer")
    rows = table_of(client.get("/rosters/run", query_string=[
        ("column", "name"), ("sf", "work_experience.start_date"), ("sf_op", "lt"), ("sf_value", before)])
        .get_data(as_text=True))
    assert rows == [["丙三"]]
    # The basic information's own field, and two filters on one section.
    rows = table_of(client.get("/rosters/run", query_string=[
        ("column", "name"), ("sf", "basic.name"), ("sf_op", "sw"), ("sf_value", "甲"),
        ("sf", "work_experience.post_level"), ("sf_op", "in"), ("sf_value", "141、131")]).get_data(as_text=True))
    assert rows == [["甲一"]]


def test_the_department_filter_includes_sub_departments(db, login_as, make_official, departments):
    from tests.helpers import sub_department

    top = make_official(department_code="D03", name="上级")
    make_official(department_code="D05", name="别处")
    with sub_department(db, "D04", under="D03") as (parent, _child):
        below = make_official(department_code="D04", name="下级")
        rows = table_of(login_as("hr_reviewer").get("/rosters/run", query_string=[
            ("column", "name"), ("f.department.in", str(parent.id))]).get_data(as_text=True))
        assert sorted(r[0] for r in rows) == sorted([top.name, below.name])


def test_forged_field_filters_are_refused_with_their_name(db, login_as, make_official):
    make_official()
    hr = login_as("hr_reviewer")
    for row, named in (
        (("sanction.reason", "ct", "x"), "sanction.reason"),                     # encrypted
        (("work_experience.unit", "gt", "x"), "gt"),                             # not an operation of text
        (("work_experience.start_date", "gt", "2024-13-01"), "2024-13-01"),       # not a date
        (("annual_assessment.year", "eq", "abc"), "abc"),                        # not a number
        (("work_experience.post_level", "eq", "999"), "999"),                    # not a code
        (("work_experience.official_id", "eq", "1"), "work_experience.official_id"),
        (("nosuch.field", "eq", "1"), "nosuch.field"),
    ):
        args = [("column", "name"), ("sf", row[0]), ("sf_op", row[1]), ("sf_value", row[2])]
        response = hr.get("/rosters/run", query_string=args)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and 'id="roster-table"' not in html, row
        assert any(named in m for m in messages(html)), (row, messages(html))
    # A clerk adds sanctions without reading them: not offered, and refused when forged.
    assert 'value="sanction.kind"' in hr.get("/rosters/").get_data(as_text=True)
    clerk = login_as("clerk")
    assert 'value="sanction.kind"' not in clerk.get("/rosters/").get_data(as_text=True)
    forged = clerk.get("/rosters/run", query_string=[("column", "name"), ("sf", "sanction.kind"), ("sf_op", "eq"),
                                                     ("sf_value", "1")])
    assert forged.status_code == 400 and "sanction.kind" in " ".join(messages(forged.get_data(as_text=True)))
    # Rows that do not line up cannot be read as filters.
    hr = login_as("hr_reviewer")
    assert hr.get("/rosters/run", query_string=[("column", "name"), ("sf", "work_experience.unit"),
                                                ("sf_value", "x")]).status_code == 400
