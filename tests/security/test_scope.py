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


@pytest.fixture
def clerks_may_delete(app, db):
    """Grant the clerk role deletion of work experience, as a security administrator could:
    the scope, not a missing permission, is then all that stands between a clerk and
    another department's records."""
    from flask_appbuilder.security.sqla.models import PermissionView, Role

    sm = app.appbuilder.sm
    role, grant = sm.find_role("clerk"), sm.find_permission_view_menu("can_delete", "work_experience")
    assert grant is not None and grant not in role.permissions
    sm.add_permission_role(role, grant)
    yield
    role = db.session.get(Role, role.id)
    role.permissions.remove(db.session.get(PermissionView, grant.id))
    db.session.commit()


def test_deleting_outside_the_scope_is_refused_and_recorded(db, login_as, two_departments, users, draft_of,
                                                             make_record, clerks_may_delete):
    theirs = draft_of(two_departments["their_record"], users["clerk"])  # the clerk's own draft, even
    ours = draft_of(make_record(WorkExperience, official=two_departments["ours"],
                                start_date=two_departments["ours"].work_start_date, end_date=None), users["clerk"])
    theirs_id, ours_id = theirs.id, ours.id
    clerk = login_as("clerk")
    response = clerk.post(f"/workexperienceview/delete/{theirs_id}")
    assert response.status_code == 404
    event = denied(db)
    assert event is not None and event.actor_id == users["clerk"].id
    assert (event.object_type, str(event.object_id)) == ("work_experience", str(theirs_id))
    assert json.loads(event.details) == {"path": f"/workexperienceview/delete/{theirs_id}", "method": "POST"}
    assert pending(db, WorkExperience, id=theirs_id)
    # The same clerk, with the same grant, deletes a draft of their own department.
    assert clerk.post(f"/workexperienceview/delete/{ours_id}").status_code == 302
    assert pending(db, WorkExperience, id=ours_id) == []


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


def test_a_clerk_cannot_move_an_official_out_of_their_departments(db, login_as, two_departments, departments,
                                                                   users, draft_of):
    """The clerk's own draft of an official (so the edit would be saved in place) cannot be
    moved to a department outside theirs."""
    official = draft_of(two_departments["ours"], users["clerk"])
    ours, elsewhere = departments[0], departments[2]
    db.session.expire_all()
    (before,) = pending(db, Official, id=official.id)
    assert (before.review_state, before.entered_by_id, before.department_id) == ("draft", users["clerk"].id, ours.id)
    row = {c.key: getattr(before, c.key) for c in Official.__table__.columns if not c.key.endswith("_index")}
    row.update(citizen_id=before.citizen_id, mobile=before.mobile, email=before.email,
               office_phone=before.office_phone, department_id=elsewhere.id)
    client = login_as("clerk")
    client.get("/lang/en")
    response = client.post(f"/officialview/edit/{official.id}", data=form_data(Official, row), follow_redirects=True)
    assert "only enter officials of your own departments" in " ".join(messages(response.get_data(as_text=True)))
    db.session.expire_all()
    assert pending(db, Official, id=official.id)[0].department_id == ours.id
    # The same form, kept in the department, is saved: the refusal is the department's.
    row["department_id"], row["post"] = ours.id, "副科长"
    client.post(f"/officialview/edit/{official.id}", data=form_data(Official, row))
    db.session.expire_all()
    assert pending(db, Official, id=official.id)[0].post == "副科长"
