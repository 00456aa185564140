"""The security administrator's permission matrix over HTTP: one role's grants in Chinese, a change
of one cell becoming a request that a second officer reads as exactly that cell, then applies."""

import html as html_lib
import re

import pytest
from sqlalchemy import select

from models import PermissionRequest
from tests.apps import sign_in
from tests.helpers import messages
from tests.matrix_forms import grants, matrix_form, propose

WORD = re.compile(r"[A-Za-z_]{3,}")


def visible(page: str) -> str:
    """The page's text as read on the screen (no tags, scripts or styles)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


def content(page: str) -> str:
    """The matrix itself: from its heading to the end of the page's content."""
    return visible(page.split("<h2>", 1)[1].split("</footer>", 1)[0])


def role_named(app, name):
    return app.appbuilder.sm.find_role(name)


@pytest.fixture
def restore_roles(app, db):
    """Whatever a test approves, each role gets back the grants it had."""
    sm = app.appbuilder.sm
    roles = {r.id: [pv.id for pv in r.permissions] for r in db.session.scalars(select(sm.role_model))}
    made = db.session.scalar(select(PermissionRequest.id).order_by(PermissionRequest.id.desc())) or 0
    yield
    db.session.rollback()
    for role_id, pv_ids in roles.items():
        role = db.session.get(sm.role_model, role_id)
        if {pv.id for pv in role.permissions} != set(pv_ids):
            role.permissions = db.session.scalars(select(sm.permissionview_model).where(
                sm.permissionview_model.id.in_(pv_ids))).all()
    for request in db.session.scalars(select(PermissionRequest).where(PermissionRequest.id > made)):
        db.session.delete(request)
    db.session.commit()


def test_the_clerks_matrix_reads_in_chinese_with_its_tiers(app, db, login_as):
    clerk = role_named(app, "clerk")
    page = login_as("secadmin").get(f"/permissionmatrix/?role={clerk.id}").get_data(as_text=True)
    assert "can_" not in page and " on " not in visible(page)
    text = content(page)
    view_names = {name for (_perm, name) in grants(clerk)} | {"OfficialView", "UserDBModelView", "RoleModelView"}
    english = set(WORD.findall(text))
    assert english & view_names == set(), english & view_names
    assert english <= {"PDF"}, english  # every label, verb and tier in Chinese
    for word in ("权限矩阵", "档案内容", "查阅", "修改", "删除", "仅录入", "档案范围", "本部门", "审核"):
        assert word in text
    # 工作经历 (career): 查阅 and 修改 ticked; 廉政情况报告 (integrity file): 仅录入 only.
    assert re.search(r'data-cell="work_experience:modify">\s*<input[^>]*checked', page)
    assert re.search(r'data-cell="integrity_report:add">\s*<input[^>]*checked', page)
    assert 'name="tier:integrity_report" value="add"' in page
    assert 'name="tier:work_experience" value="add"' not in page  # entry only is the integrity file's


def test_roles_are_offered_by_their_chinese_names_and_never_admin_or_public(app, db, login_as):
    sm = app.appbuilder.sm
    client = login_as("secadmin")
    page = client.get("/permissionmatrix/").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', page.split('id="role"', 1)[1].split("</select>")[0])
    names = {label for _id, label in options}
    assert {"录入员", "安全保密管理员", "安全审计员"} <= names, names
    assert not names & {"Admin", "Public", "clerk", "secadmin"}
    for reserved in (sm.auth_role_admin, sm.auth_role_public):
        role = sm.find_role(reserved)
        assert client.get(f"/permissionmatrix/?role={role.id}").status_code == 404
        assert client.post(f"/permissionmatrix/{role.id}", data={"scope": "all"}).status_code == 404
    assert client.get("/permissionmatrix/?role=abc").status_code == 404


def test_one_tier_changed_is_a_request_the_approver_reads_as_exactly_that_cell(app, db, login_as, restore_roles):
    clerk = role_named(app, "clerk")
    before = grants(clerk)
    page = propose(login_as("secadmin"), clerk, training="read").get_data(as_text=True)
    assert "等待" in " ".join(messages(page)) or "批准" in " ".join(messages(page))
    db.session.expire_all()
    assert grants(role_named(app, "clerk")) == before  # nothing granted on one officer's word
    request = db.session.scalars(select(PermissionRequest).order_by(PermissionRequest.id.desc())).first()
    assert request.kind == "role_permissions" and request.state == "pending" and request.target_id == clerk.id

    approver = app.test_client()
    assert sign_in(approver, "secadmin2").status_code == 302
    listed = approver.get("/permissionrequests/").get_data(as_text=True)
    assert "录入员" in listed and "can_" not in listed and f"/permissionrequests/{request.id}" in listed
    shown = approver.get(f"/permissionrequests/{request.id}").get_data(as_text=True)
    assert "can_" not in shown
    assert re.findall(r'data-cell="([^"]+)" data-mark="([^"]+)"', shown) == [("training:modify", "removed")]
    assert 'data-mark="changed"' not in shown and 'id="matrix-others"' not in shown
    assert "matrix-decision" in shown

    approver.post(f"/permissionrequests/{request.id}/decide", data={"decision": "approve"})
    db.session.expire_all()
    after = grants(role_named(app, "clerk"))
    assert before - after == {("can_add", "training"), ("can_edit", "training")} and after - before == set()


def test_a_scope_changed_on_the_page_waits_too(app, db, login_as, restore_roles):
    clerk = role_named(app, "clerk")
    before = grants(clerk)
    propose(login_as("secadmin"), clerk, scope="all")
    db.session.expire_all()
    assert grants(role_named(app, "clerk")) == before
    request = db.session.scalars(select(PermissionRequest).order_by(PermissionRequest.id.desc())).first()
    approver = app.test_client()
    sign_in(approver, "secadmin2")
    shown = approver.get(f"/permissionrequests/{request.id}").get_data(as_text=True)
    assert re.findall(r'data-mark="([^"]+)"', shown) == ["changed"] and "全部" in shown


def test_the_matrix_as_shown_saved_is_no_request(app, db, login_as):
    count = db.session.scalar(select(PermissionRequest.id).order_by(PermissionRequest.id.desc()))
    page = propose(login_as("secadmin"), role_named(app, "archivist")).get_data(as_text=True)
    assert "未作变更" in " ".join(messages(page))
    assert db.session.scalar(select(PermissionRequest.id).order_by(PermissionRequest.id.desc())) == count


@pytest.mark.parametrize("bad", [{"tier:training": "everything"}, {"grant": "999999999"}, {"scope": "world"}])
def test_a_tampered_form_is_told_and_changes_nothing(app, db, login_as, bad):
    clerk = role_named(app, "clerk")
    count = db.session.scalar(select(PermissionRequest.id).order_by(PermissionRequest.id.desc()))
    form = matrix_form(clerk)
    for key, value in bad.items():
        form.setlist(key, [value])
    response = login_as("secadmin").post(f"/permissionmatrix/{clerk.id}", data=form, follow_redirects=True)
    assert response.status_code == 200
    said = " ".join(messages(response.get_data(as_text=True)))
    assert ("重试" in said or "范围" in said) and "can_" not in said
    assert db.session.scalar(select(PermissionRequest.id).order_by(PermissionRequest.id.desc())) == count


def test_the_auditor_reads_the_matrix_but_cannot_propose(app, db, login_as):
    clerk = role_named(app, "clerk")
    auditor = login_as("auditor")
    page = auditor.get(f"/permissionmatrix/?role={clerk.id}").get_data(as_text=True)
    assert "dossier-matrix" in page and 'id="matrix-form"' not in page
    count = db.session.scalar(select(PermissionRequest.id).order_by(PermissionRequest.id.desc()))
    auditor.post(f"/permissionmatrix/{clerk.id}", data=matrix_form(clerk, training="read"))
    assert db.session.scalar(select(PermissionRequest.id).order_by(PermissionRequest.id.desc())) == count


@pytest.mark.parametrize("path", ["/permissions/list/", "/viewmenus/list/", "/permissionviews/list/"])
def test_fabs_raw_permission_screens_are_not_offered(login_as, path):
    assert login_as("secadmin").get(path).status_code == 404


def test_the_role_pages_send_to_the_matrix_and_list_roles_in_chinese(app, db, login_as):
    client = login_as("secadmin")
    clerk = role_named(app, "clerk")
    edit = client.get(f"/roles/edit/{clerk.id}").get_data(as_text=True)
    assert f"/permissionmatrix/?role={clerk.id}" in edit and "can_" not in edit and 'name="permissions"' not in edit
    listed = visible(client.get("/roles/list/").get_data(as_text=True))
    assert "录入员" in listed and "can list" not in listed
    assert "/permissionmatrix/" in client.get("/").get_data(as_text=True)


def test_the_account_form_has_one_name_field_and_help_in_chinese(app, db, login_as):
    client = login_as("sysadmin")
    page = client.get("/users/add").get_data(as_text=True)
    assert 'name="first_name"' in page and 'name="last_name"' not in page and "姓名" in page
    helps = re.findall(r'<span class="help-block">(.*?)</span>', page, re.S)
    assert helps and all(not re.search(r"[A-Za-z]{4,}", h) for h in helps), helps
    assert "不会检查" not in page and "12" in " ".join(helps)  # the rules the validator really applies
    roles = page.split('name="roles"', 1)[1].split("</select>", 1)[0]
    assert "录入员" in roles and ">clerk<" not in roles and "Admin" not in roles and "Public" not in roles
    listed = visible(client.get("/users/list/").get_data(as_text=True))
    assert "录入员" in listed
    target = app.appbuilder.sm.find_user(username="clerk")
    edit = client.get(f"/users/edit/{target.id}").get_data(as_text=True)
    assert 'name="last_name"' not in edit
    assert f'value="{target.first_name}{target.last_name}"' in edit
    reset = client.get(f"/resetpassword/form?pk={target.id}").get_data(as_text=True)
    assert "不会检查" not in reset and "12" in reset
