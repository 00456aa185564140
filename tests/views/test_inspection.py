"""The inspection screens, opened and posted as their users: reports, rectification,
completeness, fixity and four-property results."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Official
from models.inspection import InspectionReport, RectificationItem
from tests.helpers import messages

TODAY = date.today()


@pytest.fixture(autouse=True)
def _no_reports_left(db):
    yield
    db.session.rollback()
    db.session.execute(RectificationItem.__table__.delete())
    db.session.execute(InspectionReport.__table__.delete())
    db.session.commit()


def reports(db) -> int:
    return db.session.scalar(select(func.count()).select_from(InspectionReport))


def generate(client, **form):
    data = {"start": TODAY.isoformat(), "end": TODAY.isoformat(), "department": "", **form}
    return client.post("/inspection/generate", data=data)


def test_the_inspector_generates_reads_prints_and_exports_a_report(db, login_as, make_official):
    make_official()  # a dossier with nothing in it: completeness findings
    client = login_as("inspector")
    assert client.get("/inspection/").status_code == 200
    response = generate(client)
    assert response.status_code == 302
    report = db.session.scalars(select(InspectionReport)).one()
    page = client.get(f"/inspection/report/{report.id}").get_data(as_text=True)
    assert "seal-ok" in page and 'data-key="content.completeness"' in page
    printed = client.get(f"/inspection/report/{report.id}/pdf")
    assert printed.status_code == 200 and printed.data.startswith(b"%PDF")
    exported = client.get(f"/inspection/report/{report.id}/xlsx")
    assert exported.status_code == 200 and exported.data.startswith(b"PK")


@pytest.mark.parametrize("form,message", [
    ({"start": "2026-13-01"}, "请以两个日期"),
    ({"start": "", "end": ""}, "请以两个日期"),
    ({"start": TODAY.isoformat(), "end": (TODAY - timedelta(days=3)).isoformat()}, "结束日期不得早于开始日期"),
    ({"end": (TODAY + timedelta(days=1)).isoformat()}, "不得晚于今天"),
    ({"department": "999999"}, "没有这个部门"),
    ({"department": "x"}, "没有这个部门"),
])
def test_bad_periods_are_refused_naming_what_is_wrong(db, login_as, form, message):
    client = login_as("hr_reviewer")
    response = generate(client, **form)
    assert response.status_code == 302
    assert any(message in m for m in messages(client.get("/inspection/").get_data(as_text=True)))
    assert reports(db) == 0


def test_a_finding_becomes_a_rectification_item_and_is_closed(db, login_as, make_official):
    make_official()
    client = login_as("inspector")
    generate(client)
    report = db.session.scalars(select(InspectionReport)).one()
    due = (TODAY + timedelta(days=10)).isoformat()
    refused = client.post(f"/rectification/create/{report.id}", data={
        "finding": "no.such", "title": "整改", "role": "hr_reviewer", "due_on": due})
    assert refused.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(RectificationItem)) == 0
    created = client.post(f"/rectification/create/{report.id}", data={
        "finding": "content.completeness", "title": "补齐档案材料", "role": "hr_reviewer", "due_on": due})
    assert created.status_code == 302
    item = db.session.scalars(select(RectificationItem)).one()
    assert "补齐档案材料" in client.get("/rectification/").get_data(as_text=True)
    client.post(f"/rectification/close/{item.id}", data={"note": "已补齐", "evidence": ""})
    db.session.refresh(item)
    assert item.state == "open"
    client.post(f"/rectification/close/{item.id}", data={"note": "已补齐", "evidence": "整改报告第3号"})
    db.session.refresh(item)
    assert item.state == "closed" and item.evidence == "整改报告第3号"
    assert client.post("/rectification/close/999999", data={"note": "x", "evidence": "y"}).status_code == 404


def test_hr_sees_completeness_by_department_and_on_the_official_page(db, login_as, make_official):
    official = make_official()
    client = login_as("hr_reviewer")
    page = client.get("/completeness/").get_data(as_text=True)
    assert official.name in page
    assert client.get(f"/completeness/?department={official.department_id}").status_code == 200
    assert client.get("/completeness/?department=abc").status_code == 400
    shown = client.get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert 'data-kind="missing_section"' in shown and "廉政情况报告" in shown


def test_the_official_page_keeps_findings_of_sections_a_reader_may_not_read(db, login_as, make_official):
    official = make_official()
    shown = login_as("dept_head").get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert 'data-kind="missing_section"' in shown
    # Department heads do not read the integrity file: its empty section is not theirs to see.
    assert "廉政情况报告" not in shown.split('id="completeness-findings"')[1].split("</div>")[0]


def test_the_archivist_reads_fixity_and_four_property_results(db, login_as, make_material):
    from jobs import four_property
    from jobs.fixity import run_fixity

    make_material()
    run_fixity("stored")
    check_run = four_property.run("command")
    client = login_as("archivist")
    assert "fixity-runs" in client.get("/fixity/").get_data(as_text=True)
    assert client.get("/four-property/").status_code == 200
    page = client.get(f"/four-property/{check_run.id}").get_data(as_text=True)
    assert 'data-item="numbering"' in page
    assert client.get("/four-property/999999").status_code == 404
    # The archive keeps; it does not inspect.
    assert client.get("/inspection/").status_code in (302, 403)
    assert db.session.scalar(select(func.count()).select_from(Official)) == 1


def test_hr_confirms_there_is_none_of_a_kind_and_the_finding_goes(db, login_as, make_official):
    from models import AuditEvent
    from models.inspection import CompletenessConfirmation

    official = make_official()
    client = login_as("hr_reviewer")
    assert client.post(f"/completeness/confirm/{official.id}", data={"section": "sanction"}).status_code == 302
    assert client.post(f"/completeness/confirm/{official.id}", data={"section": "nonsense"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(CompletenessConfirmation)) == 0
    assert client.post("/completeness/confirm/999999", data={"section": "duty_report"}).status_code == 404
    client.post(f"/completeness/confirm/{official.id}", data={"section": "duty_report", "note": "新任职"})
    client.post(f"/completeness/confirm/{official.id}", data={"section": "duty_report"})
    assert db.session.scalar(select(func.count()).select_from(CompletenessConfirmation)) == 1
    shown = client.get(f"/officialview/show/{official.id}").get_data(as_text=True)
    block = shown.split('id="completeness-findings"')[1].split("</ul>")[0]
    assert "述职述廉" not in block and "廉政情况报告" in block
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "completeness_confirmed")).first()
    db.session.execute(CompletenessConfirmation.__table__.delete())
    db.session.commit()
