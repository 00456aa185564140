"""The official picker in a real Chromium: the clerk types two characters of a name into the
collection register's form, picks the official the search offers and saves the receipt."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.browser.steps import SAVE, choose, sign_in, type_date

pytestmark = pytest.mark.browser


def test_the_clerk_picks_an_official_by_typing_and_registers_a_receipt(page, live_server, db, make_official):
    from models import CollectionReceipt

    official = make_official(name="欧阳拾遗")
    make_official(department_code="D03", name="欧阳外部")  # another department's: never offered
    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server}/receiptview/add")

    # The picker is a combobox named by its label.
    page.get_by_role("combobox", name="官员").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially("欧阳")
    offered = page.locator(".select2-results__option", has_text="欧阳")
    offered.first.wait_for()
    assert offered.count() == 1 and "D01" in offered.first.inner_text()
    offered.first.click()

    page.select_option("#section_key", "work_experience")
    choose(page, "source_channel", "department")
    page.fill("#provider", "干部科 王明")
    type_date(page, "received_on", date.today())
    page.fill("#description", "任职文件复印件")
    page.click(SAVE)
    # Where a saved form returns to is the forms' own rule; the receipt is in the register.
    page.wait_for_url(lambda url: "/receiptview/add" not in url)
    db.session.expire_all()
    receipt = db.session.scalars(select(CollectionReceipt)).one()
    assert receipt.official_id == official.id
    page.goto(f"{live_server}/receiptview/list/")
    assert page.locator("td", has_text="欧阳拾遗").first.is_visible()
