"""The retention schedule and due list screens, opened and posted as their users: the archivist
proposes, the unit head approves or rejects (never their own), the due list shows the counts the
nightly run found; forged forms are refused by name, and a clerk reaches none of it."""

from datetime import date

import pytest
from sqlalchemy import func, select

from models.disposal.due_list import compute_due
from models.disposal.retention import ACTIVE, PROPOSED, REJECTED, RetentionRule
from tests.helpers import messages
from tests.security.test_route_matrix import outcome

TODAY = date.today()


def rule_states(db) -> list[tuple]:
    return db.session.execute(select(RetentionRule.scope, RetentionRule.key, RetentionRule.state)
                              .order_by(RetentionRule.id)).all()


def propose(client, **form):
    data = {"target": "class:4-1", "period_years": "10", "runs_from": "formed", "fixed_on": "",
            "reason": "学历材料复印件保管十年", **form}
    return client.post("/retention/schedule/propose", data=data, follow_redirects=True)


def test_the_archivist_proposes_and_the_unit_head_approves(db, login_as, retention):
    client = login_as("archivist")
    page = client.get("/retention/schedule/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-target="class:4-1"' in html and 'data-target="section:training"' in html
    assert "永久" in html and 'id="propose-form"' in html and "decide-form" not in html
    html = propose(client).get_data(as_text=True)
    assert any("经另一人批准后生效" in m for m in messages(html))
    rule = db.session.scalars(select(RetentionRule)).one()
    assert rule_states(db) == [("class", "4-1", PROPOSED)]

    client = login_as("unit_head")
    html = client.get("/retention/schedule/").get_data(as_text=True)
    assert "decide-form" in html and 'id="propose-form"' not in html
    response = client.post("/retention/schedule/decide", data={"rule": str(rule.id), "decision": "approve",
                                                               "note": "同意"}, follow_redirects=True)
    assert response.status_code == 200 and rule_states(db) == [("class", "4-1", ACTIVE)]
    assert "10 年" in response.get_data(as_text=True)


def test_the_unit_head_rejects_with_a_reason(db, login_as, retention):
    propose(login_as("archivist"), target="section:training", period_years="5", runs_from="left")
    rule = db.session.scalars(select(RetentionRule)).one()
    client = login_as("unit_head")
    html = client.post("/retention/schedule/decide", data={"rule": str(rule.id), "decision": "reject", "note": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert any("请说明不同意的理由" in m for m in messages(html)) and rule_states(db)[0][2] == PROPOSED
    client.post("/retention/schedule/decide", data={"rule": str(rule.id), "decision": "reject", "note": "不同意"})
    assert rule_states(db)[0][2] == REJECTED


def test_the_proposer_cannot_approve_a_change_of_their_own(db, login_as, users, retention):
    from models.disposal.retention import propose as propose_rule

    rule = propose_rule(db.session, users["unit_head"], "class", "6", 10, "formed", None, "党团材料")
    db.session.commit()
    client = login_as("unit_head")
    html = client.post("/retention/schedule/decide", data={"rule": str(rule.id), "decision": "approve"},
                       follow_redirects=True).get_data(as_text=True)
    assert any("须由提议人以外的人决定" in m for m in messages(html))
    assert rule_states(db) == [("class", "6", PROPOSED)]


@pytest.mark.parametrize("form,message", [
    ({"target": "class:99"}, "没有目录类别或档案栏目 99"),
    ({"target": "section:hobby"}, "没有目录类别或档案栏目 hobby"),
    ({"target": "shelf:4"}, "请选择目录类别或档案栏目"),
    ({"target": ""}, "请选择目录类别或档案栏目"),
    ({"period_years": "-5"}, "1 至 100 年"),
    ({"period_years": "9" * 40}, "1 至 100 年"),
    ({"period_years": "ten"}, "整数年"),
    ({"runs_from": "birth"}, "期限从何时起算"),
    ({"runs_from": "fixed", "fixed_on": ""}, "需要这个日期"),
    ({"runs_from": "fixed", "fixed_on": "2026-13-01"}, "YYYY-MM-DD"),
    ({"reason": "   "}, "请说明修改的理由"),
    ({"reason": "理由\u202e"}, "不可见字符"),
])
def test_forged_or_bad_proposals_are_refused_naming_what_is_wrong(db, login_as, retention, form, message):
    response = propose(login_as("archivist"), **form)
    assert response.status_code == 200
    assert any(message in m for m in messages(response.get_data(as_text=True))), messages(
        response.get_data(as_text=True))
    assert rule_states(db) == []


@pytest.mark.parametrize("form", [
    {"rule": "abc", "decision": "approve"}, {"rule": "9" * 30, "decision": "approve"},
    {"rule": "999999", "decision": "approve"}, {"decision": "approve"}, {"rule": "{id}", "decision": "delete"},
])
def test_forged_decisions_are_refused_and_change_nothing(db, login_as, users, retention, form):
    from models.disposal.retention import propose as propose_rule

    rule = propose_rule(db.session, users["archivist"], "class", "6", 10, "formed", None, "党团材料")
    db.session.commit()
    form = {key: value.replace("{id}", str(rule.id)) for key, value in form.items()}
    response = login_as("unit_head").post("/retention/schedule/decide", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert any("请选择一项待批准的修改" in m for m in messages(response.get_data(as_text=True)))
    assert rule_states(db) == [("class", "6", PROPOSED)]


def test_the_due_list_shows_the_counts_the_nightly_run_found(db, login_as, retention, make_official,
                                                             make_material):
    first, second = make_official(), make_official()
    for official, classes in ((first, ("6", "6", "4-1")), (second, ("6",))):
        for material_class in classes:
            make_material(official, material_class=material_class, formed_on=date(2000, 1, 1))
    make_material(second, material_class="1", formed_on=date(2000, 1, 1))  # permanent
    retention.in_force("class", "6", 10)
    retention.in_force("class", "4", 5)
    counts = compute_due(db.session, TODAY)
    assert counts.due == 4

    client = login_as("archivist")
    response = client.get("/retention/due/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f"到期材料：{counts.due} 件" in html
    import re

    def cell(official, material_class):
        row = re.search(rf'data-official="{official.id}">(.*?)</tr>', html, re.S).group(1)
        return re.search(rf'class="count" data-class="{material_class}">([^<]*)<', row).group(1)

    assert (cell(first, "6"), cell(first, "4-1"), cell(second, "6"), cell(second, "4-1")) == ("2", "1", "1", "")
    assert f'href="/officialview/show/{first.id}"' in html and html.count('class="due-item"') == 4
    one = client.get(f"/retention/due/?official={second.id}").get_data(as_text=True)
    assert one.count('class="due-item"') == 1 and "干部履历表" in one and "2010-01-01" in one
    assert client.get("/retention/due/?official=x").status_code == 400


@pytest.mark.parametrize("role", ["auditor", "inspector"])
def test_the_auditor_and_the_inspector_read_the_schedule_only(db, login_as, retention, role):
    client = login_as(role)
    html = client.get("/retention/schedule/").get_data(as_text=True)
    assert "永久" in html and 'id="propose-form"' not in html and "decide-form" not in html
    assert outcome(client, "GET", "/retention/due/")[0] == "refused"
    assert outcome(client, "POST", "/retention/schedule/propose", {"target": "class:6"})[0] == "refused"


def test_a_clerk_reaches_none_of_it(db, login_as, retention):
    client = login_as("clerk")
    for method, url in (("GET", "/retention/schedule/"), ("GET", "/retention/due/"),
                        ("POST", "/retention/schedule/propose"), ("POST", "/retention/schedule/decide")):
        assert outcome(client, method, url, {"target": "class:6", "period_years": "1", "runs_from": "formed",
                                             "reason": "x"})[0] == "refused", url
    assert db.session.scalar(select(func.count()).select_from(RetentionRule)) == 0
