"""Separation of duties (三员分立, §5.1 权限审批): every way we know for one person to get the
second signature on their own permission request is tried here, and none works.

The story: an officer files a request (here, for the inspector role to read the audit
trail) and then tries to have it approved without a second person: by resetting
another officer's password (the id spelled in every way), by resetting their second
factor, by creating an account whose password they chose, by renaming or copying
roles, through FAB's groups and JSON API, and by posting the decision directly.
"""

import pyotp
import pytest
from sqlalchemy import func, select

from models import AccountSecurity, AuditEvent, PermissionRequest
from tests.apps import DEMO_PASSWORD, sign_in
from tests.helpers import messages
from tests.matrix_forms import propose

NEW_PASSWORD = "Harbour-Lantern-47"


def role_named(app, name):
    return app.appbuilder.sm.find_role(name)


def fresh(db, model, pk):
    db.session.expire_all()
    return db.session.get(model, pk)


@pytest.fixture
def pending_request(app, db, login_as):
    """secadmin asks for the inspector role to read the audit trail: his request, which
    only another security administrator may approve."""
    role = role_named(app, "inspector")
    before = [p.id for p in role.permissions]
    extra = app.appbuilder.sm.find_permission_view_menu("can_list", "audit_trail")
    propose(login_as("secadmin"), role, add=[("can_list", "audit_trail")])
    request = db.session.scalars(select(PermissionRequest).order_by(PermissionRequest.id.desc())).first()
    assert request.kind == "role_permissions" and request.state == "pending"
    yield request
    db.session.rollback()
    request = db.session.get(PermissionRequest, request.id)
    if request is not None:
        db.session.delete(request)
    role = role_named(app, "inspector")
    role.permissions = [pv for pv in role.permissions if pv.id != extra.id]
    db.session.commit()


def still_pending(db, request) -> bool:
    return fresh(db, PermissionRequest, request.id).state == "pending"


def decide(client, request, decision="approve"):
    return client.post(f"/permissionrequests/{request.id}/decide", data={"decision": decision},
                       follow_redirects=True)


# --- 1. password resets, by id in any spelling ----------------------------------------------

@pytest.mark.parametrize("spelling", ["%20{id}", "{id}%20", "+{id}", "{id}.0", "0x{id}", "{id}%00", ""])
def test_no_spelling_of_an_id_lets_the_system_administrator_reset_a_security_officer(app, db, login_as, spelling):
    officer = app.appbuilder.sm.find_user(username="secadmin2")
    before = officer.password
    admin = login_as("sysadmin")
    url = "/resetpassword/form?pk=" + spelling.format(id=officer.id)
    assert admin.get(url).status_code == 404
    posted = admin.post(url, data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert posted.status_code == 404
    assert fresh(db, app.appbuilder.sm.user_model, officer.id).password == before


def test_the_plain_id_is_refused_on_the_account_it_names(app, db, login_as):
    officer = app.appbuilder.sm.find_user(username="secadmin2")
    before = officer.password
    admin = login_as("sysadmin")
    admin.get("/lang/en")
    page = admin.post(f"/resetpassword/form?pk={officer.id}",
                      data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}).get_data(as_text=True)
    assert "Only another security administrator" in page
    assert fresh(db, app.appbuilder.sm.user_model, officer.id).password == before


def test_a_reset_password_does_not_pass_the_second_factor(app, db, client, login_as, make_user, pending_request):
    """secadmin resets secadmin2's password (allowed: one security administrator resets
    another's) and signs in with it: the second factor, which no reset touches, stops him."""
    approver = make_user("secadmin")
    sign_in(app.test_client(), approver.username)  # the real owner enrols a second factor
    login_as("secadmin").post(f"/resetpassword/form?pk={approver.id}",
                              data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    intruder = app.test_client()
    intruder.post("/login/", data={"username": approver.username, "password": NEW_PASSWORD})
    assert "/account/verify" in intruder.get("/permissionrequests/").headers["Location"]
    decided = intruder.post(f"/permissionrequests/{pending_request.id}/decide", data={"decision": "approve"})
    assert decided.status_code == 302 and "/account/verify" in decided.headers["Location"]
    assert intruder.post("/account/verify", data={"code": "000000"}).status_code == 200
    assert still_pending(db, pending_request)


def test_whoever_chose_an_officers_password_can_never_be_approved_by_that_account(
        app, db, login_as, make_user, pending_request):
    """An officer without a second factor yet (a new account): secadmin resets its password,
    signs in as it, changes the password and enrols his own authenticator. Still refused."""
    approver = make_user("secadmin")
    login_as("secadmin").post(f"/resetpassword/form?pk={approver.id}",
                              data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    state = fresh(db, AccountSecurity, approver.id)
    assert state.credentials_set_by_id == app.appbuilder.sm.find_user(username="secadmin").id
    intruder = app.test_client()
    assert sign_in(intruder, approver.username, NEW_PASSWORD).status_code == 302
    intruder.post("/resetmypassword/form", data={"password": "Quiet-Orchard-83", "conf_password": "Quiet-Orchard-83"})
    intruder.get("/lang/en")
    refused = decide(intruder, pending_request).get_data(as_text=True)
    assert "last set by the requester" in refused
    assert still_pending(db, pending_request)


def test_an_account_created_with_a_chosen_password_cannot_approve_its_creator(app, db, login_as, client):
    """The system administrator creates an account he knows the password of, has it made a
    security administrator (a legitimate approval by secadmin), then signs in as it to
    approve his own request."""
    sm = app.appbuilder.sm
    name = "planted_officer"
    login_as("sysadmin").post("/users/add", data={
        "first_name": "新", "last_name": "管理员", "username": name, "active": "y", "email": f"{name}@dossier.local",
        "roles": [str(role_named(app, "secadmin").id)], "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    planted = sm.find_user(username=name)
    creation = db.session.scalars(select(PermissionRequest).where(PermissionRequest.kind == "user_roles",
                                                                  PermissionRequest.target_id == planted.id)).one()
    decide(login_as("secadmin"), creation)
    # His own request: the clerk role for a new member of staff (any request of his will do).
    sysadmin = sm.find_user(username="sysadmin")
    own = PermissionRequest(kind="user_departments", target_id=sm.find_user(username="clerk").id, target_name="clerk",
                            before="[]", proposed="[]", requested_by_id=sysadmin.id, state="pending")
    db.session.add(own)
    db.session.commit()
    try:
        intruder = app.test_client()
        assert sign_in(intruder, name, NEW_PASSWORD).status_code == 302
        intruder.post("/resetmypassword/form", data={"password": "Quiet-Orchard-83", "conf_password": "Quiet-Orchard-83"})
        intruder.get("/lang/en")
        assert "last set by the requester" in decide(intruder, own).get_data(as_text=True)
        assert still_pending(db, own)
    finally:
        db.session.rollback()
        for request in db.session.scalars(select(PermissionRequest).where(
                ((PermissionRequest.kind == "user_roles") & (PermissionRequest.target_id == planted.id))
                | (PermissionRequest.id == own.id))):
            db.session.delete(request)
        user = db.session.get(sm.user_model, planted.id)
        user.roles = []
        db.session.query(AccountSecurity).filter(AccountSecurity.user_id == planted.id).delete()
        from models import PasswordHistory

        db.session.query(PasswordHistory).filter(PasswordHistory.user_id == planted.id).delete()
        db.session.delete(user)
        db.session.commit()


# --- 2. the second factor --------------------------------------------------------------------

def test_a_second_factor_reset_waits_for_an_officer_who_is_neither_requester_nor_target(
        app, db, login_as, make_user, client):
    target = make_user("secadmin")
    sign_in(app.test_client(), target.username)  # enrols
    assert fresh(db, AccountSecurity, target.id).totp_secret is not None
    login_as("sysadmin").post("/users/action_post", data={"action": "resetsecondfactor", "rowid": [str(target.id)]})
    request = db.session.scalars(select(PermissionRequest).where(PermissionRequest.kind == "second_factor_reset",
                                                                 PermissionRequest.target_id == target.id)).one()
    assert fresh(db, AccountSecurity, target.id).totp_secret is not None  # nothing yet
    # The target cannot approve the reset of his own factor; the security administrator can.
    as_target = app.test_client()
    sign_in(as_target, target.username)
    as_target.get("/lang/en")
    assert "your own account" in decide(as_target, request).get_data(as_text=True)
    assert still_pending(db, request)
    decide(login_as("secadmin"), request)
    state = fresh(db, AccountSecurity, target.id)
    assert state.totp_secret is None
    assert state.credentials_set_by_id == app.appbuilder.sm.find_user(username="sysadmin").id
    # Every session of the account ended with the reset.
    assert as_target.get("/permissionrequests/").status_code == 302


def test_officers_must_enrol_a_second_factor_and_cannot_turn_it_off(app, db, make_user):
    officer = make_user("auditor")
    client = app.test_client()
    client.post("/login/", data={"username": officer.username, "password": DEMO_PASSWORD})
    held = client.get("/auditeventview/list/")
    assert held.status_code == 302 and "/account/security" in held.headers["Location"]
    sign_in(client, officer.username)  # enrols through the page, as a person would
    assert client.get("/auditeventview/list/").status_code == 200
    from tests.apps import SECOND_FACTORS

    secret = SECOND_FACTORS[(app.config["SQLALCHEMY_DATABASE_URI"], officer.username)]
    client.get("/lang/en")
    page = client.post("/account/security/disable", data={"code": pyotp.TOTP(secret).now()},
                       follow_redirects=True).get_data(as_text=True)
    assert "cannot turn off" in page
    assert fresh(db, AccountSecurity, officer.id).totp_secret is not None


# --- 3. roles: FAB's Admin, renames, copies, deletes, groups -------------------------------

def test_fabs_admin_role_grants_nothing_and_cannot_be_given(app, db, login_as, make_user):
    sm = app.appbuilder.sm
    admin = role_named(app, "Admin")
    assert admin.permissions == []
    target = make_user("clerk")
    client = login_as("sysadmin")
    client.get("/lang/en")
    form = client.get(f"/users/edit/{target.id}").get_data(as_text=True)
    assert f'value="{admin.id}"' not in form
    # Not offered, and not accepted when posted anyway.
    page = client.post(f"/users/edit/{target.id}", follow_redirects=True, data={
        "first_name": target.first_name, "last_name": target.last_name, "username": target.username,
        "active": "y", "email": target.email, "roles": [str(admin.id)]}).get_data(as_text=True)
    assert "This field is required." in messages(page)  # the only role chosen is no choice at all
    assert db.session.scalar(select(func.count()).select_from(PermissionRequest)
                             .where(PermissionRequest.kind == "user_roles", PermissionRequest.target_id == target.id)) == 0
    # A request forged into the database is refused when it would be applied.
    forged = PermissionRequest(kind="user_roles", target_id=target.id, target_name=target.username,
                               before=f"[{role_named(app, 'clerk').id}]", proposed=f"[{admin.id}]",
                               requested_by_id=sm.find_user(username="sysadmin").id, state="pending")
    db.session.add(forged)
    db.session.commit()
    approver = login_as("secadmin")
    approver.get("/lang/en")
    assert "cannot be given to an account" in decide(approver, forged).get_data(as_text=True)
    assert still_pending(db, forged)
    assert [r.name for r in fresh(db, sm.user_model, target.id).roles] == ["clerk"]


def test_no_account_may_hold_two_officers_duties(app, db, login_as, make_user):
    target = make_user("secadmin")
    client = login_as("sysadmin")
    client.get("/lang/en")
    page = client.post(f"/users/edit/{target.id}", follow_redirects=True, data={
        "first_name": target.first_name, "last_name": target.last_name, "username": target.username,
        "active": "y", "email": target.email,
        "roles": [str(role_named(app, "secadmin").id), str(role_named(app, "auditor").id)]}).get_data(as_text=True)
    assert "must be held by different people" in page
    assert [r.name for r in fresh(db, app.appbuilder.sm.user_model, target.id).roles] == ["secadmin"]


def test_a_role_given_another_officers_permission_is_refused_for_its_holders(app, db, login_as):
    role = role_named(app, "auditor")
    approve = app.appbuilder.sm.find_permission_view_menu("can_approve", "permission_requests")
    client = login_as("secadmin")
    client.get("/lang/en")
    page = propose(client, role, add=[("can_approve", "permission_requests")]).get_data(as_text=True)
    assert "must be held by different people" in page
    assert approve not in role_named(app, "auditor").permissions


def test_a_rename_waits_for_approval_and_scope_never_follows_a_name(app, db, login_as, make_official, departments):
    """Renaming unit_head away and clerk into its name once gave every clerk the unit head's
    all-departments scope. Now each rename waits; and even approved, scope stays with the grants."""
    sm = app.appbuilder.sm
    clerk_role, head_role = role_named(app, "clerk"), role_named(app, "unit_head")
    elsewhere = make_official(department_code="D03")
    second = app.test_client()
    renames = []

    def rename(role, name):
        login_as("secadmin").post(f"/roles/edit/{role.id}", data={
            "name": name, "permissions": [str(p.id) for p in role.permissions]})
        db.session.expire_all()
        request = db.session.scalars(select(PermissionRequest).where(PermissionRequest.kind == "role_rename")
                                     .order_by(PermissionRequest.id.desc())).first()
        assert request is not None and request.state == "pending" and request.id not in renames
        renames.append(request.id)
        assert db.session.get(sm.role_model, role.id).name != name  # nothing renamed yet
        sign_in(second, "secadmin2")
        decide(second, request)
        assert db.session.get(sm.role_model, role.id).name == name

    try:
        rename(head_role, "unit_head_old")
        rename(clerk_role, "unit_head")
        assert sign_in(app.test_client(), "clerk").status_code == 302
        clerk = login_as("clerk")
        assert clerk.get(f"/officialview/show/{elsewhere.id}").status_code == 404
    finally:
        db.session.rollback()
        clerk_role, head_role = db.session.get(sm.role_model, clerk_role.id), db.session.get(sm.role_model, head_role.id)
        clerk_role.name = "clerk_tmp"
        db.session.flush()
        head_role.name, clerk_role.name = "unit_head", "clerk"
        for request_id in renames:
            db.session.delete(db.session.get(PermissionRequest, request_id))
        db.session.commit()


def test_deleting_or_copying_a_role_changes_nothing_on_one_officers_word(app, db, login_as):
    sm = app.appbuilder.sm
    officer = login_as("secadmin")
    officer.post("/roles/action_post", data={"action": "copyrole", "rowid": [str(role_named(app, "secadmin").id)]})
    copy = role_named(app, "secadmin copy")
    copy_id = copy.id
    try:
        assert copy.permissions == []  # its permissions wait for approval
        copied = db.session.scalars(select(PermissionRequest).where(PermissionRequest.kind == "role_permissions",
                                                                    PermissionRequest.target_id == copy_id)).one()
        assert copied.kind == "role_permissions" and copied.state == "pending"
        officer.post(f"/roles/delete/{copy_id}")
        assert role_named(app, "secadmin copy") is not None
        deletion = db.session.scalars(select(PermissionRequest).where(PermissionRequest.kind == "role_delete")).one()
        assert deletion.target_id == copy_id and deletion.state == "pending"
        sign_in(second := app.test_client(), "secadmin2")
        decide(second, deletion)
        db.session.expire_all()
        assert role_named(app, "secadmin copy") is None
    finally:
        db.session.rollback()
        for extra in db.session.scalars(select(PermissionRequest).where(
                PermissionRequest.kind.in_(("role_permissions", "role_delete")), PermissionRequest.target_id == copy_id)):
            db.session.delete(extra)
        leftover = db.session.get(sm.role_model, copy_id)
        if leftover is not None:
            db.session.delete(leftover)
        db.session.commit()


# --- 4. the other doors: groups, the JSON API, direct posts --------------------------------

def test_no_json_sign_in_and_no_groups(app, client):
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    assert not [r for r in rules if r.startswith("/api/v1/security")]
    assert not [r for r in rules if "group" in r.lower()]
    response = client.post("/api/v1/security/login", json={"username": "secadmin", "password": DEMO_PASSWORD,
                                                           "provider": "db"})
    assert response.status_code == 404


def test_direct_decisions_by_the_requester_or_another_kind_of_officer_are_refused(
        app, db, login_as, pending_request):
    count = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("permission_%")))
    for officer in ("secadmin", "sysadmin", "auditor"):
        client = login_as(officer)
        client.get("/lang/en")
        response = client.post(f"/permissionrequests/{pending_request.id}/decide", data={"decision": "approve"},
                               follow_redirects=True)
        if officer == "secadmin":
            assert "needs a second officer" in " ".join(messages(response.get_data(as_text=True)))
        assert still_pending(db, pending_request), officer
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action.like("permission_%"))) == count
