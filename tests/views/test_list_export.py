"""Export of any list screen (views.list_export): the rows the list shows on all its pages,
as it shows them, within the reader's scope and read rule, behind the export permission,
with its audit event; forged input refused with nothing written."""

import csv
import hashlib
import html
import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from security.audit_tables import AuditEvent
from security.roles import LIST_EXPORT

OFFICIALS = "/officialview"


def list_rows(page: str) -> list[list[str]]:
    """The cells of a FAB list page, as the reader reads them (the row's buttons left out)."""
    table = page.split("</thead>", 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells if "<center>" not in c])
    return rows


def list_headers(page: str) -> list[str]:
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
    return [c for c in cells if c]


def every_page(client, path: str, args: list, view: str, size: int = 5) -> list[list[str]]:
    rows, page = [], 0
    while True:
        found = list_rows(client.get(f"{path}/list/", query_string=[*args, (f"psize_{view}", str(size)),
                                                                     (f"page_{view}", str(page))]).get_data(as_text=True))
        rows += found
        if len(found) < size:
            return rows
        page += 1


def csv_rows(data: bytes) -> list[list[str]]:
    """The header and data rows of an exported CSV (after its title and exporter lines)."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[2:]


def filter_index(app, view: str, column: str, arg_name: str) -> int:
    """Where FAB offers a filter of ``column`` (the index its search form posts)."""
    from security.manager import view_named

    filters = view_named(app.appbuilder, view)._filters.get_search_filters()[column]
    return next(i for i, flt in enumerate(filters) if flt.arg_name == arg_name)


def last_export(db):
    db.session.rollback()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")
                              .order_by(AuditEvent.seq.desc())).first()


def audit_count(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export"))


@pytest.fixture
def grant_export(app, db):
    """``grant_export("dept_head")``: the role holds the export permission for the test."""
    sm = app.appbuilder.sm
    granted = []

    def _grant(role_name: str, permission=LIST_EXPORT):
        role, pv = sm.find_role(role_name), sm.find_permission_view_menu(*permission)
        sm.add_permission_role(role, pv)
        granted.append((role, pv))

    yield _grant
    for role, pv in granted:
        sm.del_permission_role(role, pv)


@pytest.fixture
def wangs(make_official):
    """Twelve approved 王 in D01 and three in D02, others beside them, and a pending 王."""
    made = {"D01": [make_official(name=f"王{n:02d}") for n in range(12)],
            "D02": [make_official(department_code="D02", name=f"王二{n}") for n in range(3)]}
    make_official(name="李四")
    make_official(department_code="D02", name="张三")
    made["draft"] = make_official(name="王草稿", review_state="draft")
    return made


def test_a_filtered_list_exports_its_rows_of_every_page_as_the_list_shows_them(app, db, login_as, wangs):
    from openpyxl import load_workbook

    client = login_as("hr_reviewer")
    args = [(f"_flt_{filter_index(app, 'OfficialView', 'name', 'sw')}_name", "王"),
            ("_oc_OfficialView", "birth_date"), ("_od_OfficialView", "desc")]
    shown = every_page(client, OFFICIALS, args, "OfficialView")
    assert len(shown) == 15 and all(row[0].startswith("王") for row in shown)
    assert "王草稿" not in {row[0] for row in shown}

    # The list carries its filters and order into the export menu; the page number stays behind.
    page = client.get(f"{OFFICIALS}/list/", query_string=[*args, ("page_OfficialView", "1")]).get_data(as_text=True)
    link = html.unescape(re.search(r'href="([^"]+)" class="list-export-csv"', page).group(1))
    assert link.startswith(f"{OFFICIALS}/export/csv?") and "_oc_OfficialView=birth_date" in link
    assert "page_OfficialView" not in link
    form = client.get(link)
    assert form.status_code == 200 and "15" in form.get_data(as_text=True)

    exported = client.post(link, data={"purpose": "干部名单核对"})
    assert exported.status_code == 200, exported.get_data(as_text=True)[:400]
    assert exported.data.startswith("\ufeff".encode())
    header, *rows = csv_rows(exported.data)
    assert header == list_headers(page) and rows == shown

    xlsx = client.post(link.replace("/export/csv", "/export/xlsx"), data={"purpose": "干部名单核对"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert len(cells) == 15
    birth = shown[0][2]
    assert cells[0][2].date() == date.fromisoformat(birth)  # a real date cell
    assert [[c.date().isoformat() if hasattr(c, "date") else "" if c is None else str(c) for c in row]
            for row in cells] == shown

    pdf = client.post(link.replace("/export/csv", "/export/pdf"), data={"purpose": "打印核对"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_export_is_an_audit_event_with_the_file_hash_and_the_filters(app, db, login_as, wangs):
    client = login_as("hr_reviewer")
    name, gender = (f"_flt_{filter_index(app, 'OfficialView', 'name', 'sw')}_name",
                    f"_flt_{filter_index(app, 'OfficialView', 'gender', 'eq')}_gender")
    gender_code = wangs["D01"][0].gender
    exported = client.post(f"{OFFICIALS}/export/csv", query_string=[(name, "王"), (gender, gender_code)],
                           data={"purpose": "年度统计"})
    assert exported.status_code == 200
    event = last_export(db)
    details = json.loads(event.details)
    # The screen by its permission name (the official list is the basic section's), and its view.
    assert event.object_type == "basic" and details["list"] == "OfficialView" and event.actor_name == "hr_reviewer"
    assert details["sha256"] == hashlib.sha256(exported.data).hexdigest()
    assert details["purpose"] == "年度统计" and details["format"] == "csv"
    assert details["rows"] == len(csv_rows(exported.data)) - 1 == sum(
        1 for o in wangs["D01"] + wangs["D02"] if o.gender == gender_code)
    assert details["columns"] == ["name", "gender", "birth_date", "department", "post", "status"]
    # Filters as given; the name typed is kept out of the trail, as for rosters.
    assert sorted(details["filters"]) == sorted([["name", "sw", "…"], ["gender", "eq", gender_code]])
    assert "王" not in event.details

    trail = login_as("auditor").get("/auditeventview/list/", query_string={"_flt_0_action": "export"})
    assert re.search(rf">\s*{event.seq}\s*<", trail.get_data(as_text=True))


def test_the_export_keeps_to_the_readers_scope_and_needs_the_export_permission(app, db, login_as, wangs, grant_export):
    client = login_as("dept_head")
    before = audit_count(db)
    for method in ("get", "post"):
        refused = getattr(client, method)(f"{OFFICIALS}/export/csv", data={"purpose": "核对"})
        assert refused.status_code == 403
    assert "list-export" not in client.get(f"{OFFICIALS}/list/").get_data(as_text=True)
    assert audit_count(db) == before

    grant_export("dept_head")
    exported = client.post(f"{OFFICIALS}/export/csv", data={"purpose": "本部门核对"})
    assert exported.status_code == 200
    names = {row[0] for row in csv_rows(exported.data)[1:]}
    assert names == {o.name for o in wangs["D01"]} | {"李四"}  # D01 only, approved only


def test_the_list_screens_base_filters_hold_in_the_export(app, db, login_as, make_official, make_material,
                                                          grant_export):
    """A clerk adds sanctions without reading them: their documents (class 8) are not listed, nor exported."""
    official = make_official()
    make_material(official, material_class="1", title="干部履历表")
    make_material(official, material_class="8", title="处分决定")
    grant_export("clerk")
    client = login_as("clerk")
    shown = every_page(client, "/materialview", [], "MaterialView")
    assert [row[3] for row in shown] == ["干部履历表"]
    exported = client.post("/materialview/export/csv", data={"purpose": "目录核对"})
    assert exported.status_code == 200
    assert csv_rows(exported.data)[1:] == shown


def test_sensitive_free_text_never_exports_even_with_the_identity_tier(app, db, login_as, make_record):
    from models.integrity_file import IntegrityRisk

    record = make_record(IntegrityRisk)
    client = login_as("hr_reviewer")  # holds the identity tier: it opens identity fields, not free text
    (shown,) = every_page(client, "/integrityriskview", [], "IntegrityRiskView")
    assert record.risk_point in shown
    (row,) = csv_rows(client.post("/integrityriskview/export/csv", data={"purpose": "廉政核对"}).data)[1:]
    assert record.risk_point not in row and "******" in row
    assert [c for c in row if c != "******"] == [c for c in shown if c not in (record.risk_point, record.controls)]


@pytest.mark.parametrize("args", [
    [("_flt_0_citizen_id", "110105")],        # a column the list does not filter by
    [("_flt_5_department", "1")],             # a filter the column does not have
    [("_flt_10_name", "王")],                  # FAB reads one digit and would ignore it
    [("_flt_x_name", "王")],
    [("_flt_0_", "王")],
])
def test_a_forged_filter_is_refused_by_name_and_writes_nothing(app, db, login_as, wangs, args):
    client = login_as("hr_reviewer")
    before = audit_count(db)
    for method in ("get", "post"):
        refused = getattr(client, method)(f"{OFFICIALS}/export/xlsx", query_string=args, data={"purpose": "核对"})
        assert refused.status_code == 400
        page = refused.get_data(as_text=True)
        assert "无法按此条件筛选" in page and html.escape(args[0][0]) in page
    assert audit_count(db) == before


def test_bad_input_is_a_translated_refusal_and_writes_nothing(app, db, login_as, wangs):
    client = login_as("hr_reviewer")
    before = audit_count(db)
    unknown = client.post(f"{OFFICIALS}/export/docx", data={"purpose": "核对"})
    assert unknown.status_code == 400 and "docx" in unknown.get_data(as_text=True)
    # A section list does not filter by official: the form's _flt_0_official is not the list's.
    section = client.get("/workexperienceview/export/csv", query_string={"_flt_0_official": str(wangs["D01"][0].id)})
    assert section.status_code == 400
    assert client.get(f"{OFFICIALS}/export/csv", query_string={"_oc_OfficialView": "citizen_id"}).status_code == 400
    no_purpose = client.post(f"{OFFICIALS}/export/csv", data={"purpose": "  "})
    assert no_purpose.status_code == 400 and "用途" in no_purpose.get_data(as_text=True)
    assert audit_count(db) == before


def test_english_readers_get_english_headers(app, db, login_as, wangs):
    client = login_as("hr_reviewer")
    client.get("/lang/en")
    exported = client.post(f"{OFFICIALS}/export/csv", data={"purpose": "check"})
    header = csv_rows(exported.data)[0]
    page = client.get(f"{OFFICIALS}/list/").get_data(as_text=True)
    assert header == list_headers(page) and header[0] == "Full name" and "> Export <" in re.sub(r"\s+", " ", page)
    client.get("/lang/zh")
