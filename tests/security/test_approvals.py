"""Permission approval (§5.1 权限审批) and the separation of the three security officers."""

import pytest
from sqlalchemy import func, select

from models import AuditEvent, PermissionRequest
from tests.apps import sign_in as _sign_in
from tests.matrix_forms import propose


def sign_in(client, user):
    assert _sign_in(client, user.username).status_code == 302
    return client


def roles_of(db, app, user_id):
    db.session.expire_all()
    return sorted(r.name for r in db.session.get(app.appbuilder.sm.user_model, user_id).roles)


def role_named(app, name):
    return app.appbuilder.sm.find_role(name)


def user_form(user, *roles):
    return {"first_name": user.first_name, "last_name": user.last_name or "", "username": user.username,
            "active": "y", "email": user.email, "roles": [str(r.id) for r in roles]}


def test_a_role_granted_in_the_user_screen_waits_for_a_second_officer(app, db, login_as, make_user, client):
    target = make_user("clerk")
    response = login_as("sysadmin").post(f"/users/edit/{target.id}", follow_redirects=True,
                                         data=user_form(target, role_named(app, "clerk"), role_named(app, "archivist")))
    assert response.status_code == 200
    assert roles_of(db, app, target.id) == ["clerk"]  # nothing granted yet
    request = db.session.scalars(select(PermissionRequest).where(PermissionRequest.target_id == target.id)
                                 .order_by(PermissionRequest.id.desc())).first()
    assert request.state == "pending" and request.kind == "user_roles"

    secadmin = login_as("secadmin")
    page = secadmin.get("/permissionrequests/").get_data(as_text=True)
    assert f'data-request="{request.id}"' in page and "档案管理员" in page and ">archivist<" not in page
    secadmin.post(f"/permissionrequests/{request.id}/decide", data={"decision": "approve"})
    assert roles_of(db, app, target.id) == ["archivist", "clerk"]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("permission_%"))
                                 .order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert actions == ["permission_approved", "permission_requested"]


def test_the_requesting_officer_cannot_approve_their_own_change(app, db, login_as, make_user, client):
    other_officer = make_user("secadmin")
    role = role_named(app, "inspector")
    before = sorted(p.id for p in role.permissions)
    extra = app.appbuilder.sm.find_permission_view_menu("can_list", "backups")  # the archivist's, not the inspector's
    assert extra not in role.permissions
    requester = login_as("secadmin")
    propose(requester, role, add=[("can_list", "backups")])
    db.session.expire_all()
    assert sorted(p.id for p in role_named(app, "inspector").permissions) == before
    request = db.session.scalars(select(PermissionRequest).order_by(PermissionRequest.id.desc())).first()

    requester.get("/lang/en")
    refused = requester.post(f"/permissionrequests/{request.id}/decide", data={"decision": "approve"}, follow_redirects=True)
    assert "needs a second officer" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PermissionRequest, request.id).state == "pending"
    assert sorted(p.id for p in role_named(app, "inspector").permissions) == before

    sign_in(client, other_officer).post(f"/permissionrequests/{request.id}/decide", data={"decision": "approve"})
    db.session.expire_all()
    assert extra.id in {p.id for p in role_named(app, "inspector").permissions}
    # Put the role back as it was, through the same path.
    propose(sign_in(client, other_officer), role_named(app, "inspector"), remove=[("can_list", "backups")])
    undo = db.session.scalars(select(PermissionRequest).order_by(PermissionRequest.id.desc())).first()
    login_as("secadmin").post(f"/permissionrequests/{undo.id}/decide", data={"decision": "approve"})
    db.session.expire_all()
    assert sorted(p.id for p in role_named(app, "inspector").permissions) == before


def test_a_new_account_gets_its_roles_only_on_approval_and_changes_its_password_first(app, db, login_as, client):
    name = "new_clerk_7"
    login_as("sysadmin").post("/users/add", data={
        "first_name": "新", "last_name": "录入员", "username": name, "active": "y", "email": f"{name}@dossier.local",
        "roles": [str(role_named(app, "clerk").id)], "password": "Harbour-Lantern-47", "conf_password": "Harbour-Lantern-47"})
    user = app.appbuilder.sm.find_user(username=name)
    assert user is not None and roles_of(db, app, user.id) == []
    request = db.session.scalars(select(PermissionRequest).where(PermissionRequest.target_id == user.id)
                                 .order_by(PermissionRequest.id.desc())).first()
    login_as("secadmin").post(f"/permissionrequests/{request.id}/decide", data={"decision": "approve"})
    assert roles_of(db, app, user.id) == ["clerk"]
    client.post("/logout/")
    client.post("/login/", data={"username": name, "password": "Harbour-Lantern-47"})
    assert "/resetmypassword/form" in client.get("/officialview/list/").headers["Location"]
    # Remove the account again (its roles first, as the test made them).
    user = db.session.get(app.appbuilder.sm.user_model, user.id)
    user.roles = []
    db.session.query(PermissionRequest).filter(PermissionRequest.target_id == user.id).delete()
    from models import AccountSecurity

    db.session.query(AccountSecurity).filter(AccountSecurity.user_id == user.id).delete()
    db.session.delete(user)
    db.session.commit()


def test_a_weak_password_for_a_new_account_is_refused(app, db, login_as):
    client = login_as("sysadmin")
    client.get("/lang/en")
    page = client.post("/users/add", data={
        "first_name": "弱", "last_name": "密码", "username": "weak_pw", "active": "y", "email": "weak@dossier.local",
        "roles": [str(role_named(app, "clerk").id)], "password": "password1", "conf_password": "password1"}
    ).get_data(as_text=True)
    assert "at least 12 characters" in page
    assert app.appbuilder.sm.find_user(username="weak_pw") is None


@pytest.mark.parametrize("method, path", [
    ("post", "/users/edit/{user}"),
    ("post", "/users/delete/{user}"),
    ("post", "/roles/edit/{role}"),
    ("post", "/roles/delete/{role}"),
    ("post", "/permissionrequests/{request}/decide"),
    ("post", "/resetpassword/form?pk={user}"),
    ("post", "/departmentview/delete/1"),
    ("post", "/staffdepartmentview/add"),
])
def test_the_auditor_reads_but_changes_nothing(app, db, login_as, make_user, method, path):
    target = make_user("clerk")
    role = role_named(app, "inspector")
    request = PermissionRequest(kind="user_roles", target_id=target.id, target_name=target.username,
                                before="[]", proposed="[]", requested_by_id=target.id, state="pending")
    db.session.add(request)
    db.session.commit()
    audit_count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    auditor = login_as("auditor")
    assert auditor.get("/auditeventview/list/").status_code == 200
    response = getattr(auditor, method)(path.format(user=target.id, role=role.id, request=request.id),
                                        data={"decision": "approve", "name": "x"})
    assert response.status_code in (302, 403, 404)
    db.session.expire_all()
    assert db.session.get(PermissionRequest, request.id).state == "pending"
    assert app.appbuilder.sm.find_role("inspector") is not None
    assert db.session.get(app.appbuilder.sm.user_model, target.id) is not None
    # Signing in (with the officer's second factor) and reading left their own events; nothing else.
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.seq > audit_count)).all()
    assert set(actions) <= {"login", "logout", "read", "second_factor_enabled", "second_factor_passed"}, actions
    db.session.delete(db.session.get(PermissionRequest, request.id))
    db.session.commit()


def test_a_role_cannot_be_renamed_into_another_roles_scope(app, db, login_as):
    role = role_named(app, "clerk")
    response = login_as("secadmin").post(f"/roles/edit/{role.id}", follow_redirects=True, data={
        "name": "archivist_2", "permissions": [str(p.id) for p in role.permissions]})
    assert response.status_code == 200
    db.session.expire_all()
    assert app.appbuilder.sm.find_role("clerk") is not None and app.appbuilder.sm.find_role("archivist_2") is None


def test_the_system_administrator_cannot_reset_a_security_administrators_password(app, db, login_as):
    officer = app.appbuilder.sm.find_user(username="secadmin2")
    before = officer.password
    client = login_as("sysadmin")
    client.get("/lang/en")
    page = client.post(f"/resetpassword/form?pk={officer.id}", data={
        "password": "Harbour-Lantern-47", "conf_password": "Harbour-Lantern-47"}).get_data(as_text=True)
    assert "Only another security administrator" in page
    db.session.expire_all()
    assert db.session.get(app.appbuilder.sm.user_model, officer.id).password == before


def test_placing_staff_in_a_department_widens_their_scope_only_on_approval(app, db, login_as, make_user,
                                                                           departments):
    from models import StaffDepartment

    clerk = make_user("clerk", "D01")
    admin = login_as("sysadmin")
    admin.post("/staffdepartmentview/add", data={"user": str(clerk.id), "department": str(departments[2].id)})

    def placed():
        db.session.expire_all()
        return sorted(db.session.scalars(select(StaffDepartment.department_id)
                                         .where(StaffDepartment.user_id == clerk.id)).all())

    assert placed() == [departments[0].id]
    request = db.session.scalars(select(PermissionRequest).where(PermissionRequest.kind == "user_departments")
                                 .order_by(PermissionRequest.id.desc())).first()
    login_as("secadmin").post(f"/permissionrequests/{request.id}/decide", data={"decision": "approve"})
    assert placed() == sorted([departments[0].id, departments[2].id])
