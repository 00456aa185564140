"""Department scope (§5.1): clerks and department heads reach only their departments' dossiers;
a guessed id outside the scope is a 404 and an audit event, never the data."""

import json

import pytest
from sqlalchemy import select

from models import AuditEvent, Official
from models.career import WorkExperience
from tests.helpers import form_data, messages, pending


def denied(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access_denied")
                              .order_by(AuditEvent.seq.desc())).first()


@pytest.fixture
def two_departments(make_official, make_record):
    """A dossier in the demo clerk's department (D01) and one in another (D03)."""
    ours, theirs = make_official(name="本部门甲"), make_official(department_code="D03", name="外部门乙")
    return {
        "ours": ours, "theirs": theirs,
        "our_record": make_record(WorkExperience, official=ours, start_date=ours.work_start_date, end_date=None),
        "their_record": make_record(WorkExperience, official=theirs, start_date=theirs.work_start_date, end_date=None),
    }


@pytest.mark.parametrize("role", ["clerk", "dept_head"])
def test_lists_show_only_the_users_departments(login_as, two_departments, role):
    client = login_as(role)
    officials = client.get("/officialview/list/").get_data(as_text=True)
    assert "本部门甲" in officials and "外部门乙" not in officials
    records = client.get("/workexperienceview/list/").get_data(as_text=True)
    assert f"/workexperienceview/show/{two_departments['our_record'].id}" in records
    assert f"/workexperienceview/show/{two_departments['their_record'].id}" not in records


@pytest.mark.parametrize("path", [
    "/officialview/show/{theirs}",
    "/workexperienceview/show/{their_record}",
    "/workexperienceview/edit/{their_record}",
    "/history/work_experience/{their_record}",
    "/history/official/{theirs}",
    "/materialview/catalogue/{theirs}",
])
def test_a_guessed_id_outside_the_scope_is_not_found_and_recorded(db, login_as, two_departments, users, path):
    url = path.format(theirs=two_departments["theirs"].id, their_record=two_departments["their_record"].id)
    response = login_as("clerk").get(url)
    assert response.status_code == 404
    assert "外部门乙" not in response.get_data(as_text=True)
    event = denied(db)
    assert event.actor_id == users["clerk"].id and json.loads(event.details)["path"] == url


def test_deleting_outside_the_scope_is_refused_and_recorded(db, login_as, two_departments, users):
    record = two_departments["their_record"]
    response = login_as("hr_reviewer").get("/")  # HR reaches every department ...
    assert login_as("hr_reviewer").get(f"/workexperienceview/show/{record.id}").status_code == 200
    response = login_as("clerk").post(f"/workexperienceview/delete/{record.id}")
    assert response.status_code in (403, 404)
    assert pending(db, WorkExperience, id=record.id)


def test_a_file_outside_the_scope_is_not_served(db, login_as, make_official, make_material):
    material = make_material(make_official(department_code="D03"))
    assert login_as("clerk").get(f"/materialview/download/{material.id}").status_code == 404
    assert denied(db).object_type == "material"
    assert login_as("archivist").get(f"/materialview/download/{material.id}").status_code == 200


def test_a_form_takes_only_an_official_in_scope(db, login_as, two_departments):
    """Forms offer the official they are for; one outside the user's departments is no choice at all."""
    clerk = login_as("clerk")
    row = {"unit": "市档案局", "post": "科员", "start_date": "2015-03-01", "end_date": "2016-03-01",
           "source_channel": "hr", "received_on": ""}
    theirs, ours = two_departments["theirs"], two_departments["ours"]
    refused = clerk.post("/workexperienceview/add", data={**row, "official": str(theirs.id)})
    assert refused.status_code == 200 and "外部门乙" not in refused.get_data(as_text=True)
    assert pending(db, WorkExperience, official_id=theirs.id, unit="市档案局") == []
    assert clerk.post("/workexperienceview/add", data={**row, "official": str(ours.id)}).status_code == 302
    assert len(pending(db, WorkExperience, official_id=ours.id, unit="市档案局")) == 1


def test_a_clerk_cannot_enter_an_official_into_another_department(db, login_as, factory, departments):
    row = {**factory.official(), "department_id": departments[2].id}
    client = login_as("clerk")
    client.get("/lang/en")
    response = client.post("/officialview/add", data=form_data(Official, row), follow_redirects=True)
    assert "only enter officials of your own departments" in " ".join(messages(response.get_data(as_text=True)))
    assert pending(db, Official, name=row["name"]) == []


def test_roles_without_dossier_scope_reach_no_official(login_as, two_departments):
    for role in ("sysadmin", "secadmin", "auditor"):
        assert login_as(role).get(f"/officialview/show/{two_departments['ours'].id}").status_code in (302, 403, 404)


def test_a_clerk_cannot_move_an_official_out_of_their_departments(db, login_as, two_departments, departments):
    from tests.helpers import form_data

    official = two_departments["ours"]
    official.review_state, official.entered_by_id = "draft", login_as("clerk") and None
    from models import Official as Model

    row = {c.key: getattr(official, c.key) for c in Model.__table__.columns if not c.key.endswith("_index")}
    row["department_id"] = departments[2].id
    client = login_as("clerk")
    response = client.post(f"/officialview/edit/{official.id}", data=form_data(Model, row), follow_redirects=True)
    db.session.expire_all()
    assert pending(db, Model, id=official.id)[0].department_id == departments[0].id
    assert response.status_code in (200, 404)
