"""The collection register, the backlog it makes visible (§3.2), and batch assessment entry."""

from datetime import date, timedelta

from sqlalchemy import select

from models import CollectionReceipt, Department
from models.career import WorkExperience
from models.evaluation import AnnualAssessment
from tests.helpers import form_data, messages, pending, sample_rows


def register(client, official, section="work_experience", received=None, **extra):
    received = received or date.today()
    return client.post("/receiptview/add", data={
        "official": str(official.id), "section_key": section, "source_channel": "department",
        "source_department": "", "provider": "干部科 王明", "received_on": received.isoformat(),
        "description": "任职文件复印件", **extra,
    })


def test_a_receipt_gets_the_configured_deadline(db, login_as, make_official, app):
    official = make_official()
    received = date.today() - timedelta(days=3)
    response = register(login_as("clerk"), official, received=received)
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    receipt = db.session.scalars(select(CollectionReceipt)).one()
    assert receipt.deadline == received + timedelta(days=app.config["DOSSIER_ENTRY_DEADLINE_DAYS"])


def test_material_entered_from_a_receipt_links_back_and_takes_its_source(db, login_as, factory, make_official):
    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)
    client = login_as("clerk")
    register(client, official, received=date.today() - timedelta(days=2))
    receipt = db.session.scalars(select(CollectionReceipt)).one()
    show = client.get(f"/receiptview/show/{receipt.id}").get_data(as_text=True)
    entry = f"/workexperienceview/add?_flt_0_official={official.id}&amp;receipt={receipt.id}"
    assert entry in show
    response = client.post(entry.replace("&amp;", "&"), data=form_data(WorkExperience, {**row, "source_channel": "hr"}))
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    (record,) = pending(db, WorkExperience)
    assert record.receipt_id == receipt.id
    assert record.source_channel == "department" and record.received_on == receipt.received_on


def test_backlog_shows_an_overdue_receipt_and_an_overdue_entry_by_department(db, login_as, make_official, make_record, draft_of, users):
    late = make_official()
    register(login_as("clerk"), late, section="reward", received=date.today() - timedelta(days=40))
    register(login_as("clerk"), late, section="training", received=date.today() - timedelta(days=1))
    stale = draft_of(make_record(WorkExperience, received_on=date.today() - timedelta(days=30)), users["clerk"])
    fresh = draft_of(make_record(WorkExperience, received_on=date.today()), users["clerk"])

    html = login_as("hr_reviewer").get("/backlog/").get_data(as_text=True)
    receipts = html.split('class="table table-condensed overdue-receipts"')
    assert len(receipts) == 2 and "奖励" in receipts[1].split("</table>")[0]
    assert "培训项目" not in receipts[1].split("</table>")[0]  # not yet due
    entries = html.split('class="table table-condensed overdue-entries"')[1].split("</table>")[0]
    assert stale.official.name in entries and fresh.official.name not in entries
    assert str(db.session.get(Department, late.department_id)) in html


def test_the_backlog_is_empty_when_nothing_is_late(login_as):
    assert 'id="no-backlog"' in login_as("archivist").get("/backlog/").get_data(as_text=True)


def test_hr_enters_a_years_assessments_for_a_department_in_one_batch(db, login_as, make_official, departments, users):
    department = departments[4]
    officials = [make_official(department_code=department.code, status="1") for _ in range(3)]
    year = date.today().year - 1
    client = login_as("hr_reviewer")
    page = client.get(f"/assessments/batch/?year={year}&department={department.id}").get_data(as_text=True)
    assert all(o.name in page for o in officials)
    grades = {f"grade_{o.id}": g for o, g in zip(officials, ("1", "2", "2"))}
    response = client.post("/assessments/batch/", data={"year": year, "department": department.id,
                                                        "submit_now": "1", **grades}, follow_redirects=True)
    assert "已录入3条" in " ".join(messages(response.get_data(as_text=True)))
    entered = pending(db, AnnualAssessment, year=year)
    assert {(a.official_id, a.grade, a.review_state) for a in entered} == {
        (o.id, g, "submitted") for o, g in zip(officials, ("1", "2", "2"))}
    assert all(a.entered_by_id == users["hr_reviewer"].id for a in entered)


def test_a_batch_with_one_bad_row_writes_nothing(db, login_as, make_official, departments):
    department = departments[5]
    first, second = make_official(department_code=department.code), make_official(department_code=department.code)
    while first.birth_date.year == second.birth_date.year:
        second = make_official(department_code=department.code)
    old, young = sorted((first, second), key=lambda o: o.birth_date)
    year = old.birth_date.year + 16  # fine for the elder, before the younger could work
    response = login_as("hr_reviewer").post("/assessments/batch/", data={
        "year": year, "department": department.id, f"grade_{young.id}": "1", f"grade_{old.id}": "2"},
        follow_redirects=True)
    shown = messages(response.get_data(as_text=True))
    assert any(young.name in m for m in shown) and not any(old.name in m for m in shown)
    assert pending(db, AnnualAssessment) == []


def test_clerks_cannot_use_the_batch_screen(db, login_as, make_official):
    """Refused, and a complete, valid batch posted directly writes nothing."""
    official = make_official(status="1")
    clerk = login_as("clerk")
    assert clerk.get("/assessments/batch/").status_code in (302, 403)
    year = date.today().year - 1
    response = clerk.post("/assessments/batch/", data={"year": year, "department": official.department_id,
                                                       "submit_now": "1", f"grade_{official.id}": "1"})
    assert response.status_code in (302, 403) and "/login/" not in response.headers.get("Location", "")
    db.session.expire_all()
    assert pending(db, AnnualAssessment) == []
