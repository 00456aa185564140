"""Main journeys in a real headless Chromium, on an isolated network: no request may
leave the app."""

import os
from urllib.parse import urlsplit

import pytest

from tests.browser.steps import SAVE, choose, script_held, sign_in, type_date

pytestmark = pytest.mark.browser


def test_clerk_creates_an_official_and_adds_work_experience(page, live_server, factory, departments):
    person = factory.official()
    department = departments[0]  # the clerk enters officials of their own department
    sign_in(page, live_server, "clerk")

    page.click("a.dropdown-toggle:has-text('档案管理')")
    page.click("text=官员名册")
    page.click("a[href*='/officialview/add']")
    page.fill("#name", person["name"])
    choose(page, "gender", person["gender"])
    type_date(page, "birth_date", person["birth_date"])
    choose(page, "ethnicity", person["ethnicity"])
    type_date(page, "work_start_date", person["work_start_date"])
    page.fill("#citizen_id", person["citizen_id"])
    choose(page, "department", str(department.id))
    page.fill("#post", "科员")
    choose(page, "status", "1")
    page.fill("#mobile", person["mobile"])
    choose(page, "source_channel", "hr")
    page.click(SAVE)
    page.wait_for_selector("text=已保存为草稿")

    # A new official is a draft: the clerk finds it in their drafts and opens its page.
    page.goto(f"{live_server}/mydrafts/")
    page.click(f"tr:has-text('{person['name']}') >> a.open-page")
    page.wait_for_selector("#pending-official")

    page.click("#add-material")
    page.click("#add-material-menu >> text=工作经历")
    start = person["work_start_date"]
    page.fill("#unit", "市档案局")
    page.fill("#post", "科员")
    type_date(page, "start_date", start)
    choose(page, "source_channel", "hr")
    page.click(SAVE)
    page.wait_for_selector("text=已保存为草稿")

    page.click("a[href='#WorkExperienceView']")
    tab = page.locator("#WorkExperienceView")
    assert tab.locator("text=市档案局").is_visible()
    assert tab.locator(f"text={start.isoformat()}").is_visible()
    assert tab.locator("text=草稿").first.is_visible()

    assert page.requested_hosts == {urlsplit(live_server).netloc}, page.requested_hosts


def test_entry_passes_first_and_final_review_onto_the_official_page(page, live_server, factory, make_official):
    from tests.helpers import sample_rows

    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)

    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server}/officialview/show/{official.id}")
    page.click("#add-material")
    # The clerk types before FAB's scripts have built the date picker: the date stays as typed.
    with script_held(page, "ab.js"):
        page.click("#add-material-menu >> text=工作经历")
        page.fill("#unit", "省委组织部干部一处")
        page.fill("#post", "副处长")
        type_date(page, "start_date", row["start_date"])
        assert page.input_value("#start_date") == row["start_date"].isoformat()
    page.wait_for_load_state("load")
    assert page.input_value("#start_date") == row["start_date"].isoformat()
    choose(page, "source_channel", "hr")
    page.click(SAVE)
    page.wait_for_selector("text=已保存为草稿")
    page.goto(f"{live_server}/mydrafts/")
    page.check("tr:has-text('省委组织部干部一处') >> input[name=item]")
    page.click("#submit-selected")
    page.wait_for_selector("text=已处理1项")

    sign_in(page, live_server, "dept_head")
    assert page.locator("a:has-text('初审 (1)')").count() == 1
    page.goto(f"{live_server}/review/first/")
    page.check("tr:has-text('省委组织部干部一处') >> input[name=item]")
    page.click("#approve-selected")
    page.wait_for_selector("text=已处理1项")

    sign_in(page, live_server, "hr_reviewer")
    page.goto(f"{live_server}/review/final/")
    page.check("tr:has-text('省委组织部干部一处') >> input[name=item]")
    page.click("#approve-selected")
    page.wait_for_selector("text=已处理1项")

    sign_in(page, live_server, "archivist")
    page.goto(f"{live_server}/officialview/show/{official.id}")
    page.click("a[href='#WorkExperienceView']")
    assert page.locator("#WorkExperienceView >> text=省委组织部干部一处").is_visible()

    assert page.requested_hosts == {urlsplit(live_server).netloc}, page.requested_hosts


def test_a_scanned_document_is_filed_reviewed_and_downloaded_from_the_catalogue(page, live_server, make_official,
                                                                               tmp_path):
    from tests import documents

    official = make_official()
    scan = tmp_path / "任免审批表.pdf"
    scan.write_bytes(documents.pdf(2))

    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server}/officialview/show/{official.id}")
    page.click("#add-material")
    page.click("#add-material-menu >> text=材料")
    choose(page, "material_class", "9-2")
    page.fill("#title", "干部任免审批表")
    type_date(page, "formed_on", official.work_start_date)
    page.fill("#forming_unit", "市委组织部")
    page.set_input_files("#upload", str(scan))
    choose(page, "source_channel", "hr")
    page.click(SAVE)
    page.wait_for_selector("text=已保存为草稿")
    page.goto(f"{live_server}/mydrafts/")
    page.check("tr:has-text('干部任免审批表') >> input[name=item]")
    page.click("#submit-selected")
    page.wait_for_selector("text=已处理1项")

    # The reviewer reads the document itself before deciding.
    sign_in(page, live_server, "dept_head")
    page.goto(f"{live_server}/review/first/")
    # Watch the popup's own requests: its URL alone says nothing of what the server answered.
    with page.context.expect_event("response", lambda r: "/materialview/preview/" in r.url) as answered:
        with page.expect_popup() as opened:
            page.click("tr:has-text('干部任免审批表') >> a.open-file")
    preview = answered.value
    assert preview.status == 200, preview.status
    assert preview.headers["content-type"].startswith("application/pdf")
    assert preview.headers["content-disposition"].startswith("inline")
    assert int(preview.headers["content-length"]) == len(scan.read_bytes())
    assert opened.value.url == preview.url
    opened.value.close()
    page.check("tr:has-text('干部任免审批表') >> input[name=item]")
    page.click("#approve-selected")
    page.wait_for_selector("text=已处理1项")

    sign_in(page, live_server, "hr_reviewer")
    page.goto(f"{live_server}/review/final/")
    page.check("tr:has-text('干部任免审批表') >> input[name=item]")
    page.click("#approve-selected")
    page.wait_for_selector("text=已处理1项")

    sign_in(page, live_server, "archivist")
    page.goto(f"{live_server}/officialview/show/{official.id}")
    page.click("#catalogue-link")
    row = page.locator("tbody[data-class='9-2'] tr")
    assert row.locator("td.col-no").inner_text() == "1"
    assert row.locator("td.col-pages").inner_text() == "2"
    row.locator("a").click()
    with page.expect_download() as download:
        page.click("#download-link")
    assert download.value.suggested_filename == "任免审批表.pdf"
    assert open(download.value.path(), "rb").read() == scan.read_bytes()

    assert page.requested_hosts == {urlsplit(live_server).netloc}, page.requested_hosts


def test_a_consultation_from_application_through_both_approvals_to_a_watermarked_view(page, live_server, users,
                                                                                     make_official, make_record):
    from datetime import date, timedelta

    from models.integrity_file import IntegrityReport
    from security.consultation import display_name

    official = make_official(department_code="D03", name="查阅对象")
    report = make_record(IntegrityReport, official=official)

    # A clerk, who cannot read the integrity file, applies to consult it.
    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server}/consultation/")
    page.click("#apply")
    # An official of another department is named by the exact citizen ID (the list holds the clerk's own).
    page.fill("#citizen_id", official.citizen_id)
    page.check("input[name=sections][value=integrity_report]")
    page.check("input[name=sections][value=basic]")
    page.fill("#purpose", "干部考察")
    # The form says who decides first, before anything is submitted.
    assert display_name(users["dept_head"]) in page.locator("#approver").inner_text()
    # The period's fields are FAB's date pickers.
    type_date(page, "valid_from", date.today())
    type_date(page, "valid_until", date.today() + timedelta(days=3))
    page.click("#submit-application")
    page.wait_for_selector("text=审批人：部门负责人")

    sign_in(page, live_server, "dept_head")
    page.goto(f"{live_server}/consultation/")
    page.click("#waiting tr:has-text('查阅对象') >> button.approve")
    page.wait_for_selector("text=已批准")

    sign_in(page, live_server, "archivist")
    page.goto(f"{live_server}/consultation/")
    page.click("#waiting tr:has-text('查阅对象') >> button.approve")
    page.wait_for_selector("text=已批准")

    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server}/consultation/")
    page.click("#mine tr:has-text('查阅对象') >> a.read-section[href$='/integrity_report']")
    # The watermark lies over the page, across the records read.
    page.wait_for_load_state("load")
    on_screen = page.eval_on_selector_all("#watermark span", """spans => spans.filter(span => {
        const r = span.getBoundingClientRect();
        return r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
    }).length""")
    assert on_screen >= 10
    # The reader by name, never by login.
    assert display_name(users["clerk"]) in page.locator("#watermark span").first.inner_text()
    assert display_name(users["clerk"]) in page.locator("#watermark-text").inner_text()
    assert "clerk" not in page.locator("body").inner_text()
    assert date.today().isoformat() in page.locator("#watermark-text").inner_text()
    assert report.summary in page.locator("#granted-records").inner_text()
    # Basic information, the widest section, fits a 1280 px screen (it was 1,532 px wide).
    page.goto(f"{live_server}/consultation/")
    page.click("#mine tr:has-text('查阅对象') >> a.read-section[href$='/basic']")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    # The archive sees the reading in its register.
    sign_in(page, live_server, "archivist")
    page.goto(f"{live_server}/consultation/register")
    assert page.locator("#register tr:has-text('查阅对象') .readings div").count() == 2
    assert page.locator("#register tr:has-text('查阅对象') .assisted-by").inner_text() == display_name(users["archivist"])

    assert page.requested_hosts == {urlsplit(live_server).netloc}, page.requested_hosts


def test_hr_builds_a_roster_saves_it_and_exports_xlsx(page, live_server, make_official, tmp_path, db):
    from openpyxl import load_workbook
    from sqlalchemy import delete

    from models import SavedRoster

    officials = [make_official(department_code=code, status="1") for code in ("D01", "D01", "D02", "D03")]
    sign_in(page, live_server, "hr_reviewer")
    page.click("#navbar-search input[name=q]")
    page.fill("#navbar-search input[name=q]", officials[0].name_initials)
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results")
    assert officials[0].name in page.inner_text("#search-results")

    page.goto(f"{live_server}/rosters/")
    for key in ("birth_date", "age", "political_status", "education"):
        page.check(f"input[name=column][value={key}]")
    page.select_option("#f-status-eq", "1")
    page.check("#roster-group")
    page.click("#roster-run")
    page.wait_for_selector("#roster-table")
    assert len(page.query_selector_all("#roster-table tbody tr:not(.roster-group)")) == len(officials)
    page.fill("#roster-name", "在职干部名册")
    page.click("#save-roster [type=submit]")
    page.wait_for_selector("#roster-table")
    shots = os.environ.get("DOSSIER_SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=os.path.join(shots, "roster.png"), full_page=True)
    page.goto(f"{live_server}/rosters/")
    assert "在职干部名册" in page.inner_text("#saved-rosters")
    page.click("#saved-rosters a:text-is('在职干部名册')")
    page.wait_for_selector("#roster-table")
    page.fill("#export-purpose", "年度干部统计")
    with page.expect_download() as download:
        page.click(".export-xlsx")
    path = tmp_path / "roster.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    names = {row[0] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert names == {o.name for o in officials}
    assert sheet.cell(1, 1).value == "在职干部名册"

    page.goto(f"{live_server}/statistics/?dimension=age_band")
    page.wait_for_selector("#statistics-table")
    assert page.query_selector(".statistics-chart svg") is not None
    if shots:
        page.screenshot(path=os.path.join(shots, "statistics.png"), full_page=True)
    assert page.requested_hosts == {urlsplit(live_server).netloc}
    db.session.execute(delete(SavedRoster.__table__))
    db.session.commit()
def test_the_inspector_opens_the_latest_report_rectifies_a_finding_and_prints_it(page, live_server, db, users,
                                                                                  make_official):
    from datetime import date, timedelta

    from jobs.inspection.period import Period
    from jobs.inspection.report import generate
    from models.inspection import InspectionReport, RectificationItem

    make_official(name="待补档案")
    older = generate(Period(date.today() - timedelta(days=40), date.today() - timedelta(days=31)), "schedule")
    latest = generate(Period(date.today().replace(day=1), date.today()), "demand", users["inspector"])
    assert older.id < latest.id  # the list shows the latest first; the journey opens it by its period
    try:
        sign_in(page, live_server, "inspector")
        page.click("a.dropdown-toggle:has-text('监督检查')")
        page.click("text=检查报告")
        page.click(f"#reports tr:has-text('{latest.period_start}') >> a.open-report")
        page.wait_for_selector("#seal .seal-ok")
        finding = page.locator("tr.finding[data-key='content.completeness']")
        finding.locator("summary.open-finding").click()
        finding.locator("input[name=title]").fill("补齐待补档案的必备材料")
        finding.locator("input[name=due_on]").fill((date.today() + timedelta(days=14)).isoformat())
        finding.locator("button.create-item").click()
        page.wait_for_selector("text=已创建")
        assert page.locator("#items tr:has-text('补齐待补档案的必备材料')").count() == 1

        page.goto(f"{live_server}/inspection/report/{latest.id}")
        # The PDF embeds a subset of the CJK fonts: allow for a machine under load.
        with page.context.expect_event("response", lambda r: r.url.endswith(f"/report/{latest.id}/pdf"),
                                       timeout=120000) as answered:
            with page.expect_popup(timeout=120000) as opened:
                page.click("#print-report")
        printed = answered.value
        assert printed.status == 200, printed.status
        assert printed.headers["content-type"].startswith("application/pdf")
        opened.value.close()
        assert page.requested_hosts == {urlsplit(live_server).netloc}, page.requested_hosts
    finally:
        db.session.rollback()
        db.session.execute(RectificationItem.__table__.delete())
        db.session.execute(InspectionReport.__table__.delete())
        db.session.commit()
