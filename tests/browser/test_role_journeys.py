"""Each role's day in a real headless Chromium: its workbench, the lists and queues it works
in, an official's page where it may open one and a form it fills, every page checked by
``check_page`` (accessible to WCAG 2.1 AA by axe-core, wholly Chinese, no None shown).

One server for the module; one test per role, so xdist spreads them over the workers."""

from urllib.parse import urlsplit

import pytest

from tests.apps import ROLE_KEYS
from tests.browser.a11y import check_page
from tests.browser.steps import SAVE, choose, sign_in_with_second_factor, type_date

pytestmark = pytest.mark.browser

OFFICIAL = "/officialview/show/{official}"

# The main screens of each role after its workbench, in the order a person opens them.
PAGES = {
    "clerk": ("/officialview/list/", "/mydrafts/"),
    "dept_head": ("/review/first/", OFFICIAL, "/consultation/"),
    "hr_reviewer": ("/review/final/", OFFICIAL, "/rosters/"),
    "archivist": ("/receiptview/list/", OFFICIAL, "/fixity/", "/backups/"),
    "unit_head": ("/review/first/", "/destruction-approval/", OFFICIAL),
    "secadmin": ("/permissionrequests/", "/permissionmatrix/", "/users/list/", "/roles/list/"),
    "auditor": ("/auditeventview/list/", "/permissionrequests/", "/holds/"),
    "inspector": ("/inspection/", "/rectification/", "/completeness/", OFFICIAL),
    "official": ("/mydossier/", "/mydossier/add/training", "/mydrafts/"),
    "sysadmin": ("/users/list/", "/users/add", "/staffdepartmentview/list/"),
}

def clerk_adds_work_experience_from_the_official_page(page, live_server, official):
    page.goto(f"{live_server}/officialview/show/{official.id}")
    page.click("#add-material")
    page.click("#add-material-menu >> text=工作经历")
    page.wait_for_selector("#unit")
    check_page(page)
    page.fill("#unit", "市档案局办公室")
    page.fill("#post", "科员")
    type_date(page, "start_date", official.work_start_date)
    choose(page, "source_channel", "hr")
    page.click(SAVE)
    page.wait_for_selector("text=已保存为草稿")
    # Saving returns to the official's page the form was opened from.
    assert urlsplit(page.url).path == f"/officialview/show/{official.id}", page.url
    check_page(page)


def reviewer_approves(queue):
    def approve(page, live_server, official):
        page.goto(f"{live_server}{queue}")
        page.check("tr:has-text('待审核单位') >> input[name=item]")
        page.click("#approve-selected")
        page.wait_for_selector("text=已处理1项")
        check_page(page)
    return approve


# The form each role fills, where it fills one as part of its day.
FILLS = {
    "clerk": clerk_adds_work_experience_from_the_official_page,
    "dept_head": reviewer_approves("/review/first/"),
    "hr_reviewer": reviewer_approves("/review/final/"),
}


@pytest.fixture
def checked_page(browser, live_server):
    # axe-core is injected as an inline script: the test's context waives the app's CSP for it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.requested_hosts = set()
    page.on("request", lambda request: page.requested_hosts.add(urlsplit(request.url).netloc))
    yield page
    context.close()


@pytest.fixture
def day_of_work(db, users, make_official, make_record):
    """An official of the clerk's department (the `official` account's own dossier), with a
    record in each review queue."""
    from models.career import WorkExperience

    official = make_official(account_id=users["official"].id)
    make_record(WorkExperience, official=official, unit="市人社局", start_date=official.work_start_date)
    queued = {"dept_head": "submitted", "unit_head": "submitted", "hr_reviewer": "first_approved"}
    for state in sorted(set(queued.values())):
        record = make_record(WorkExperience, official=official, unit="待审核单位", start_date=official.work_start_date)
        record.review_state, record.entered_by_id = state, users["clerk"].id
        db.session.commit()
    return official


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_each_role_works_through_its_main_screens_on_accessible_chinese_pages(checked_page, live_server, app,
                                                                            day_of_work, role):
    page = checked_page
    assert set(PAGES) == set(ROLE_KEYS)
    sign_in_with_second_factor(page, live_server, app, role)
    check_page(page)
    for path in PAGES[role]:
        response = page.goto(live_server + path.format(official=day_of_work.id))
        assert response.status == 200, (path, response.status)
        check_page(page)
    if role in FILLS:
        FILLS[role](page, live_server, day_of_work)
    assert page.requested_hosts == {urlsplit(live_server).netloc}, page.requested_hosts
