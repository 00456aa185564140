"""Destruction (§9.2) in a real headless Chromium: the archivist applies, the unit head
approves, the archivist executes with a supervisor present, and the register prints."""

from urllib.parse import urlsplit

import pytest

from tests.apps import DEMO_PASSWORD
from tests.browser.steps import sign_in

pytestmark = pytest.mark.browser


def test_a_destruction_list_is_applied_for_approved_executed_under_supervision_and_its_register_printed(
        page, live_server, db, users, make_material, disposal):
    material = make_material(title="重复的干部履历表", material_class="4-1")
    disposal.due(material)
    sign_in(page, live_server, "archivist")
    page.click("a.dropdown-toggle:has-text('档案保管')")
    page.click("text=销毁申请")
    page.fill("#reason", "保管期满，经鉴定可以销毁")
    page.click("#create-list")
    page.wait_for_selector("#candidates")
    page.check(f"input.pick[value='{material.official_id}:material:{material.id}']")
    page.click("#add-items")
    page.wait_for_selector("#entries tr.entry:has-text('重复的干部履历表')")
    page.click("#submit-list")
    page.wait_for_selector("text=已提交")
    list_id = db.session.scalars(select_lists()).one().id

    sign_in(page, live_server, "unit_head")
    page.click("a.dropdown-toggle:has-text('档案保管')")
    page.click("text=销毁审批")
    page.click(f"a.open-list[href$='/destruction-approval/{list_id}']")
    page.fill("#note", "同意销毁")
    page.click("#approve")
    page.wait_for_selector(f"text=销毁清单 {list_id} 已批准")

    sign_in(page, live_server, "archivist")
    page.goto(f"{live_server}/destruction/{list_id}")
    page.click("#open-execute")
    page.select_option("#supervisor", str(users["unit_head"].id))
    page.fill("#supervisor_password", DEMO_PASSWORD)  # the supervisor types it, present
    page.click("#execute")
    page.wait_for_selector("#registers .seal-ok")
    page.click("#registers a.open-register")
    page.wait_for_selector("#seal .seal-ok")
    assert page.locator("#entries tr:has-text('重复的干部履历表')").count() == 1
    with page.context.expect_event("response", lambda r: "/destruction-register/" in r.url and r.url.endswith("/pdf"),
                                   timeout=120000) as answered:
        with page.expect_popup(timeout=120000) as opened:
            page.click("#print-register")
    printed = answered.value
    assert printed.status == 200 and printed.headers["content-type"].startswith("application/pdf")
    opened.value.close()
    assert page.requested_hosts == {urlsplit(live_server).netloc}, page.requested_hosts


def select_lists():
    from sqlalchemy import select

    from models.disposal.destruction import DestructionList

    return select(DestructionList)
