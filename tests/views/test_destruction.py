"""The destruction screens (§9.2), opened and posted as their users: the archivist applies, the
unit head approves, the archivist executes with a supervisor, everyone who may reads the
register; refusals say why and change nothing."""

import re

import pytest
from sqlalchemy import func, select

from models.disposal.destruction import DestructionList, DestructionRegister
from tests.apps import DEMO_PASSWORD
from tests.helpers import messages



def register_body(sealed) -> dict:
    from jobs.destruction import register as destruction_register

    return destruction_register.body_of(sealed)


@pytest.fixture
def due_material(make_material, disposal):
    material = make_material(title="重复的干部任免审批表", material_class="4-1")
    disposal.due(material)
    return material


def value_of(material) -> str:
    return f"{material.official_id}:material:{material.id}"


def said(client, url) -> list[str]:
    return messages(client.get(url).get_data(as_text=True))


def apply(client, *values, reason="保管期满，鉴定可销毁", method="crypto_erase") -> int:
    created = client.post("/destruction/create", data={"reason": reason, "method": method})
    assert created.status_code == 302
    list_id = int(re.search(r"/destruction/(\d+)$", created.headers["Location"]).group(1))
    if values:
        assert client.post(f"/destruction/{list_id}/add", data={"item": list(values)}).status_code == 302
    return list_id


def the_list(db, list_id) -> DestructionList:
    db.session.expire_all()
    return db.session.get(DestructionList, list_id)


def submitted_and_approved(db, login_as, material) -> int:
    archivist = login_as("archivist")
    list_id = apply(archivist, value_of(material))
    archivist.post(f"/destruction/{list_id}/submit")
    unit_head = login_as("unit_head")
    assert unit_head.post(f"/destruction-approval/{list_id}/decide",
                          data={"decision": "approve", "note": "同意"}).status_code == 302
    assert the_list(db, list_id).state == "approved"
    return list_id


def test_the_archivist_applies_and_the_unit_head_approves(db, login_as, due_material):
    archivist = login_as("archivist")
    assert archivist.get("/destruction/").status_code == 200
    list_id = apply(archivist)
    page = archivist.get(f"/destruction/{list_id}").get_data(as_text=True)
    assert value_of(due_material) in page and "自 " in page and "起到期" in page  # why it is eligible
    archivist.post(f"/destruction/{list_id}/add", data={"item": value_of(due_material)})
    assert "已向清单添加 1 项" in " ".join(said(archivist, f"/destruction/{list_id}"))
    archivist.post(f"/destruction/{list_id}/change", data={"reason": "保管期满", "method": "erase_and_shred"})
    archivist.post(f"/destruction/{list_id}/submit")
    assert any("已提交" in m for m in said(archivist, f"/destruction/{list_id}"))
    lst = the_list(db, list_id)
    assert (lst.state, lst.item_count, lst.method) == ("submitted", 1, "erase_and_shred")

    unit_head = login_as("unit_head")
    assert f"/destruction-approval/{list_id}" in unit_head.get("/destruction-approval/").get_data(as_text=True)
    frozen = unit_head.get(f"/destruction-approval/{list_id}").get_data(as_text=True)
    assert "重复的干部任免审批表" in frozen and 'id="approve"' in frozen
    unit_head.post(f"/destruction-approval/{list_id}/decide", data={"decision": "approve", "note": "同意销毁"})
    assert any("已批准" in m for m in said(unit_head, f"/destruction-approval/{list_id}"))
    assert the_list(db, list_id).state == "approved"


def test_the_applicant_cannot_approve_their_own_list(db, app, login_as, make_user, due_material):
    both = make_user("archivist")
    both.roles.append(app.appbuilder.sm.find_role("unit_head"))
    db.session.commit()
    client = login_as(both.username)
    list_id = apply(client, value_of(due_material))
    client.post(f"/destruction/{list_id}/submit")
    response = client.post(f"/destruction-approval/{list_id}/decide", data={"decision": "approve", "note": "同意"})
    assert response.status_code == 302
    assert any("是您申请的，须由他人审批" in m for m in said(client, f"/destruction-approval/{list_id}"))
    lst = the_list(db, list_id)
    assert (lst.state, lst.approver_id, lst.approved_at) == ("submitted", None, None)


def test_a_held_item_is_refused_at_application_and_at_approval(db, login_as, disposal, due_material, make_material):
    held = make_material(title="在审查中的材料")
    disposal.due(held)
    hold = disposal.hold(material_id=held.id, official_id=held.official_id)
    archivist = login_as("archivist")
    list_id = apply(archivist, value_of(held), value_of(due_material))
    refusals = said(archivist, f"/destruction/{list_id}")
    assert any(value_of(held) in m and str(hold.id) in m and "市纪委监委" in m for m in refusals)
    assert [e.record_id for e in the_list(db, list_id).items] == [due_material.id]

    archivist.post(f"/destruction/{list_id}/submit")
    later = disposal.hold(kind="dossier", official_id=due_material.official_id)
    unit_head = login_as("unit_head")
    unit_head.post(f"/destruction-approval/{list_id}/decide", data={"decision": "approve", "note": ""})
    assert any(str(later.id) in m and "不能销毁" in m for m in said(unit_head, f"/destruction-approval/{list_id}"))
    assert the_list(db, list_id).state == "submitted"


def test_not_due_forged_and_foreign_items_are_refused(db, login_as, make_material, make_official, due_material):
    not_due = make_material()
    stranger = make_official()
    archivist = login_as("archivist")
    list_id = apply(archivist, value_of(not_due), f"{stranger.id}:material:{due_material.id}", "material:1",
                    "1:no_such_table:2")
    refusals = " ".join(said(archivist, f"/destruction/{list_id}"))
    assert "既未到期" in refusals and "不属于表单所指的档案" in refusals and "不是清单可以包含的内容" in refusals
    assert the_list(db, list_id).items == []

    other_id = apply(archivist, value_of(due_material))
    entry = the_list(db, other_id).items[0]
    archivist.post(f"/destruction/{list_id}/remove/{entry.id}")  # an entry of another list
    assert any("不在销毁清单" in m for m in said(archivist, f"/destruction/{list_id}"))
    assert len(the_list(db, other_id).items) == 1
    archivist.post(f"/destruction/{list_id}/add", data={"item": value_of(due_material)})
    assert any(f"已在销毁清单 {other_id} 中" in m for m in said(archivist, f"/destruction/{list_id}"))


def test_bad_forms_are_refused_naming_what_is_wrong(db, login_as, due_material):
    archivist = login_as("archivist")
    for form, message in (({"reason": " ", "method": "crypto_erase"}, "请填写销毁理由"),
                          ({"reason": "理由", "method": "burn"}, "销毁方式"), ({}, "请填写销毁理由")):
        assert archivist.post("/destruction/create", data=form).status_code == 302
        assert any(message in m for m in said(archivist, "/destruction/"))
    assert db.session.scalar(select(func.count()).select_from(DestructionList)) == 0
    list_id = apply(archivist, value_of(due_material))
    archivist.post(f"/destruction/{list_id}/submit")
    unit_head = login_as("unit_head")
    unit_head.post(f"/destruction-approval/{list_id}/decide", data={"decision": "maybe"})
    assert any("批准或驳回" in m for m in said(unit_head, f"/destruction-approval/{list_id}"))
    unit_head.post(f"/destruction-approval/{list_id}/decide", data={"decision": "reject", "note": ""})
    assert any("驳回理由" in m for m in said(unit_head, f"/destruction-approval/{list_id}"))
    unit_head.post(f"/destruction-approval/{list_id}/decide", data={"decision": "reject", "note": "依据不足"})
    assert the_list(db, list_id).state == "rejected"
    assert login_as("archivist").get("/destruction/999999999").status_code == 404


def test_the_frozen_list_does_not_follow_an_edited_material(db, login_as, due_material):
    archivist = login_as("archivist")
    list_id = apply(archivist, value_of(due_material))
    archivist.post(f"/destruction/{list_id}/submit")
    due_material.title = "后来改过的题名"
    db.session.commit()
    page = login_as("unit_head").get(f"/destruction-approval/{list_id}").get_data(as_text=True)
    assert "重复的干部任免审批表" in page and "后来改过的题名" not in page
    archivist = login_as("archivist")
    archivist.post(f"/destruction/{list_id}/add", data={"item": value_of(due_material)})
    assert any("不能再修改" in m for m in said(archivist, f"/destruction/{list_id}"))


def test_the_supervisor_is_another_person_who_knows_their_password(db, users, login_as, due_material):
    list_id = submitted_and_approved(db, login_as, due_material)
    archivist = login_as("archivist")
    page = archivist.get(f"/destruction/{list_id}/execute").get_data(as_text=True)
    assert f'value="{users["unit_head"].id}"' in page and f'value="{users["archivist"].id}"' not in page
    url = f"/destruction/{list_id}/execute"
    for form, message in (({"supervisor": str(users["archivist"].id), "supervisor_password": DEMO_PASSWORD},
                           "执行人以外"),
                          ({"supervisor": str(users["unit_head"].id), "supervisor_password": "wrong-Pass-2026!"},
                           "监销人密码错误"),
                          ({"supervisor": "x", "supervisor_password": ""}, "选择监销人")):
        response = archivist.post(url, data=form)
        assert response.status_code == 200
        assert any(message in m for m in messages(response.get_data(as_text=True)))
    assert the_list(db, list_id).state == "approved"


def test_a_supervisor_whose_password_the_executor_chose_or_still_to_change_cannot_confirm(
        db, users, login_as, due_material):
    """Whoever set an account's password could type it: such a supervisor is no second person."""
    from models.accounts import AccountSecurity
    from security import accounts

    list_id = submitted_and_approved(db, login_as, due_material)
    supervisor = users["unit_head"]
    form = {"supervisor": str(supervisor.id), "supervisor_password": DEMO_PASSWORD}
    state = accounts.state_of(db.session, supervisor.id)
    for change in ({"credentials_set_by_id": users["archivist"].id}, {"must_change_password": True}):
        saved = {key: getattr(state, key) for key in change}
        for key, value in change.items():
            setattr(state, key, value)
        db.session.commit()
        response = login_as("archivist").post(f"/destruction/{list_id}/execute", data=form)
        assert any("自己的密码" in m for m in messages(response.get_data(as_text=True)))
        assert the_list(db, list_id).state == "approved"
        state = db.session.get(AccountSecurity, supervisor.id)
        for key, value in saved.items():
            setattr(state, key, value)
        db.session.commit()


def test_the_archivist_executes_with_a_supervisor_and_the_register_is_signed(db, users, login_as, due_material):
    from models import Material

    material_id = due_material.id
    list_id = submitted_and_approved(db, login_as, due_material)
    archivist = login_as("archivist")
    done = archivist.post(f"/destruction/{list_id}/execute",
                          data={"supervisor": str(users["unit_head"].id), "supervisor_password": DEMO_PASSWORD})
    assert done.status_code == 302
    lst = the_list(db, list_id)
    assert (lst.state, lst.executor_id, lst.supervisor_id) == ("executed", users["archivist"].id, users["unit_head"].id)
    assert db.session.get(Material, material_id, execution_options={"include_pending": True}) is None
    sealed = db.session.scalars(select(DestructionRegister).where(DestructionRegister.list_id == list_id)).one()
    body = register_body(sealed)
    assert body["people"]["supervisor"]["login"] == "unit_head" and body["rows_removed"].get("material") == 1
    assert body["items"][0]["title"] == "重复的干部任免审批表"
    page = login_as("auditor").get(f"/destruction-register/{sealed.id}").get_data(as_text=True)
    assert "seal-ok" in page


def test_a_whole_dossier_due_under_the_schedule_is_applied_approved_executed_and_registered(
        db, users, login_as, retention, make_official, make_material):
    """A dossier whose every document has passed its period is offered whole; once executed the
    official's rows and data key are gone and the register names the dossier."""
    from datetime import date

    from models import Official
    from models.disposal.due_list import compute_due
    from security.keys import ShreddedKey, keyring

    official = make_official(name="苏文远")
    for year in (1990, 1991):
        make_material(official=official, material_class="4-1", formed_on=date(year, 3, 1), title=f"{year}年学历证明")
    retention.in_force("class", "4", 10)
    compute_due(db.session, date.today())
    db.session.commit()
    official_id, value = official.id, f"{official.id}:dossier"

    archivist = login_as("archivist")
    list_id = apply(archivist)
    assert f'value="{value}"' in archivist.get(f"/destruction/{list_id}").get_data(as_text=True)
    archivist.post(f"/destruction/{list_id}/add", data={"item": value})
    archivist.post(f"/destruction/{list_id}/submit")
    assert [(e.kind, e.official_id) for e in the_list(db, list_id).items] == [("dossier", official_id)]
    login_as("unit_head").post(f"/destruction-approval/{list_id}/decide", data={"decision": "approve", "note": "同意"})
    done = login_as("archivist").post(f"/destruction/{list_id}/execute", data={
        "supervisor": str(users["unit_head"].id), "supervisor_password": DEMO_PASSWORD})
    assert done.status_code == 302 and the_list(db, list_id).state == "executed"

    db.session.expire_all()
    assert db.session.get(Official, official_id, execution_options={"include_pending": True,
                                                                     "all_departments": True}) is None
    with pytest.raises(ShreddedKey):
        keyring().dek(official_id, fresh=True)
    sealed = db.session.scalars(select(DestructionRegister).where(DestructionRegister.list_id == list_id)).one()
    assert [item["kind"] for item in register_body(sealed)["items"]] == ["dossier"]


def test_the_register_is_read_and_printed_by_those_who_may(db, users, login_as, disposal, due_material):
    from jobs.destruction import register

    list_id = submitted_and_approved(db, login_as, due_material)
    lst = the_list(db, list_id)
    disposal.executed(lst, users["archivist"], users["inspector"])  # as jobs.destruction leaves it
    sealed = register.build(db.session, lst)
    db.session.commit()
    for role in ("archivist", "unit_head", "auditor", "inspector"):
        client = login_as(role)
        assert f"/destruction-register/{sealed.id}" in client.get("/destruction-register/").get_data(as_text=True)
        page = client.get(f"/destruction-register/{sealed.id}").get_data(as_text=True)
        assert "seal-ok" in page and "重复的干部任免审批表" in page
        printed = client.get(f"/destruction-register/{sealed.id}/pdf")
        assert printed.status_code == 200 and printed.data.startswith(b"%PDF")
    assert 'id="open-register"' in login_as("archivist").get(f"/destruction/{list_id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["clerk", "hr_reviewer", "dept_head", "official", "sysadmin"])
def test_nobody_else_touches_destruction(db, login_as, role):
    client = login_as(role)
    for url in ("/destruction/", "/destruction-approval/", "/destruction-register/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/destruction/create", data={"reason": "x", "method": "crypto_erase"}).status_code == 403


def test_the_auditor_and_inspector_read_the_register_but_nothing_else(db, login_as):
    for role in ("auditor", "inspector"):
        client = login_as(role)
        assert client.get("/destruction-register/").status_code == 200
        assert client.get("/destruction/").status_code == 403
        assert client.get("/destruction-approval/").status_code == 403
