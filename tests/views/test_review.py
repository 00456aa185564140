"""Two-stage review over HTTP (§3.3), change requests (§7) and record history (§7.3)."""

import re

import pytest
from sqlalchemy import select

from models import ChangeRequest, ReviewDecision
from models.career import WorkExperience
from tests.helpers import form_data, messages, pending, sample_rows


def key(item):
    return f"{item.__tablename__}:{item.id}"


def submit(client, *items):
    return client.post("/mydrafts/submit", data={"item": [key(i) for i in items]}, follow_redirects=True)


def decide(client, stage, decision, *items, reason=""):
    return client.post(f"/review/{stage}/decide", data={"item": [key(i) for i in items], "decision": decision,
                                                          "reason": reason}, follow_redirects=True)


def state_of(db, item):
    db.session.expire_all()
    return pending(db, type(item), id=item.id)[0].review_state


@pytest.fixture
def entered(db, login_as, factory, make_official):
    """The clerk enters a work-experience record for an approved official through the form."""
    def _enter(unit="市档案局"):
        official_row, row = sample_rows(factory)["work_experience"]
        official = make_official(**official_row)
        login_as("clerk").post("/workexperienceview/add",
                               data=form_data(WorkExperience, {**row, "unit": unit}, official_id=official.id))
        (record,) = pending(db, WorkExperience, official_id=official.id)
        return record
    return _enter


def queue_count(html, label):
    match = re.search(label + r" \((\d+)\)", html)
    return int(match.group(1)) if match else None


def test_from_entry_through_both_reviews_to_the_official_page(db, login_as, entered):
    record = entered()
    page = f"/officialview/show/{record.official_id}"
    clerk = login_as("clerk")
    assert key(record) in clerk.get("/mydrafts/").get_data(as_text=True)
    assert "市档案局" not in clerk.get(page).get_data(as_text=True)
    submit(clerk, record)
    assert state_of(db, record) == "submitted"

    head = login_as("dept_head")
    html = head.get("/review/first/").get_data(as_text=True)
    assert key(record) in html and queue_count(html, "初审") == 1
    decide(head, "first", "approve", record)
    assert state_of(db, record) == "first_approved"
    assert queue_count(head.get("/").get_data(as_text=True), "初审") == 0

    hr = login_as("hr_reviewer")
    assert queue_count(hr.get("/").get_data(as_text=True), "终审") == 1
    decide(hr, "final", "approve", record)
    assert state_of(db, record) == "approved"
    assert "市档案局" in login_as("archivist").get(page).get_data(as_text=True)


def test_direct_posts_by_the_wrong_people_change_nothing(db, login_as, entered, make_user):
    record = entered()
    clerk = login_as("clerk")
    submit(clerk, record)
    # A clerk has no review screen at all.
    assert clerk.post("/review/first/decide", data={"item": key(record), "decision": "approve"}).status_code in (302, 403)
    assert state_of(db, record) == "submitted"
    # The head of another department is refused the first review.
    outsider = make_user("dept_head", "D07")
    login_as(outsider.username)
    decide(login_as(outsider.username), "first", "approve", record)
    assert state_of(db, record) == "submitted"
    # Final review before first review.
    decide(login_as("hr_reviewer"), "final", "approve", record)
    assert state_of(db, record) == "submitted"
    # A department head cannot reach the final review.
    decide(login_as("dept_head"), "first", "approve", record)
    assert login_as("dept_head").post("/review/final/decide", data={"item": key(record), "decision": "approve"}).status_code in (302, 403)
    assert state_of(db, record) == "first_approved"


def test_self_approval_over_http_is_refused(db, login_as, factory, make_official, make_user):
    official_row, row = sample_rows(factory)["work_experience"]
    # In D02, where the HR reviewer works: the head of D02 first-reviews it (and reaches it).
    official = make_official(department_code="D02", **official_row)
    hr = login_as("hr_reviewer")
    hr.post("/workexperienceview/add", data=form_data(WorkExperience, row, official_id=official.id))
    (own,) = pending(db, WorkExperience)
    submit(hr, own)
    decide(login_as(make_user("dept_head", "D02").username), "first", "approve", own)
    assert state_of(db, own) == "first_approved"
    response = decide(login_as("hr_reviewer"), "final", "approve", own)
    assert any("本人" in m for m in messages(response.get_data(as_text=True)))
    assert state_of(db, own) == "first_approved"


def test_bulk_approve_and_reject(db, login_as, entered):
    records = [entered(unit=f"单位{i}") for i in range(3)]
    submit(login_as("clerk"), *records)
    head = login_as("dept_head")
    decide(head, "first", "reject", *records[:2])  # no reason: nothing moves
    assert [state_of(db, r) for r in records] == ["submitted"] * 3
    decide(head, "first", "approve", *records[:2])
    decide(head, "first", "reject", records[2], reason="缺少证明材料")
    assert [state_of(db, r) for r in records] == ["first_approved", "first_approved", "draft"]
    drafts = login_as("clerk").get("/mydrafts/").get_data(as_text=True)
    assert "缺少证明材料" in drafts


def test_pending_and_rejected_content_never_shows_in_the_dossier(db, login_as, make_record, draft_of, users):
    approved = make_record(WorkExperience, unit="已审核单位")
    official = approved.official
    drafts = [
        draft_of(make_record(WorkExperience, official=official, unit=unit, start_date=approved.start_date,
                             end_date=approved.end_date), users["clerk"])
        for unit in ("草稿单位", "待审单位", "退回单位")
    ]
    submit(login_as("clerk"), *drafts[1:])
    decide(login_as("dept_head"), "first", "reject", drafts[2], reason="重填")
    assert [state_of(db, d) for d in drafts] == ["draft", "submitted", "draft"]

    for role in ("archivist", "hr_reviewer", "clerk"):
        client = login_as(role)
        page = client.get(f"/officialview/show/{official.id}").get_data(as_text=True)
        listing = client.get("/workexperienceview/list/").get_data(as_text=True)
        search = client.get("/workexperienceview/list/?_flt_0_unit=待审").get_data(as_text=True)
        assert "已审核单位" in page and "已审核单位" in listing
        for hidden in ("草稿单位", "待审单位", "退回单位"):
            assert hidden not in page and hidden not in listing
        assert "待审单位" not in search
        assert re.search(r"记录数目?:</strong>\s*1\b", listing), role  # FAB's record count


def test_a_change_request_approved_and_one_rejected(db, login_as, make_record):
    record = make_record(WorkExperience, post="科员")
    data = form_data(WorkExperience, {c.key: getattr(record, c.key) for c in WorkExperience.__table__.columns})
    clerk = login_as("clerk")
    clerk.post(f"/workexperienceview/edit/{record.id}", data={**data, "post": "副主任科员"})
    clerk.post(f"/workexperienceview/edit/{record.id}", data={**data, "unit": "错误单位"})
    first, second = pending(db, ChangeRequest)
    db.session.expire_all()
    assert db.session.get(WorkExperience, record.id).post == "科员"
    submit(clerk, first, second)
    head = login_as("dept_head")
    decide(head, "first", "approve", first)
    decide(head, "first", "reject", second, reason="单位名称无误")
    decide(login_as("hr_reviewer"), "final", "approve", first)
    db.session.expire_all()
    current = db.session.get(WorkExperience, record.id)
    assert current.post == "副主任科员" and current.unit == record.unit
    assert state_of(db, second) == "draft"
    assert "单位名称无误" in login_as("clerk").get("/mydrafts/").get_data(as_text=True)


def test_history_shows_a_record_edited_three_times_field_by_field(db, login_as, make_record, users):
    record = make_record(WorkExperience, post="科员")
    data = form_data(WorkExperience, {c.key: getattr(record, c.key) for c in WorkExperience.__table__.columns})
    for post in ("副主任科员", "主任科员", "副处长"):
        login_as("clerk").post(f"/workexperienceview/edit/{record.id}", data={**data, "post": post})
        (request,) = [r for r in pending(db, ChangeRequest) if r.review_state == "draft"]
        submit(login_as("clerk"), request)
        decide(login_as("dept_head"), "first", "approve", request)
        decide(login_as("hr_reviewer"), "final", "approve", request)

    html = login_as("archivist").get(f"/history/work_experience/{record.id}").get_data(as_text=True)
    versions = html.split('<tr class="version">')[1:]
    assert len(versions) == 4
    for version, (old, new) in zip(versions[1:], [("科员", "副主任科员"), ("副主任科员", "主任科员"), ("主任科员", "副处长")]):
        assert f"<del>{old}</del>" in version and f"<ins>{new}</ins>" in version
        assert users["hr_reviewer"].username in version or "组织人事部门审核员" in version
    decisions = db.session.scalars(select(ReviewDecision).where(ReviewDecision.record_id == record.id)).all()
    assert len(decisions) == 9
    assert html.count("终审通过") + html.count("Pass final review") >= 3
    # The history is reachable from the record itself.
    assert f"/history/work_experience/{record.id}" in login_as("archivist").get(
        f"/workexperienceview/show/{record.id}").get_data(as_text=True)


def test_the_history_of_pending_work_opens_to_its_author_and_the_reviewer_it_waits_for(login_as, entered):
    record = entered()
    url = f"/history/work_experience/{record.id}"
    assert login_as("clerk").get(url).status_code == 200
    assert login_as("hr_reviewer").get(url).status_code == 404  # not in the final review's queue yet
    submit(login_as("clerk"), record)
    assert login_as("dept_head").get(url).status_code == 200
    assert login_as("hr_reviewer").get(url).status_code == 404


def test_history_of_a_section_the_reader_may_not_read_is_refused(login_as, make_record):
    from models.rewards import Sanction

    sanction = make_record(Sanction)
    assert login_as("clerk").get(f"/history/sanction/{sanction.id}").status_code == 404
    assert login_as("hr_reviewer").get(f"/history/sanction/{sanction.id}").status_code == 200


def test_integrity_file_entries_go_to_the_unit_head_not_to_a_head_who_may_not_read_them(
        db, login_as, factory, make_official):
    """A clerk may add to the integrity file but not read it, nor may the department head;
    the first review of it is the unit head's (``unit_first_review`` on the section)."""
    from models.integrity_file import IntegrityRisk

    official_row, row = sample_rows(factory)["integrity_risk"]
    official = make_official(**official_row)
    secret = "虚构风险点-核对用"
    clerk = login_as("clerk")
    clerk.post("/integrityriskview/add", data=form_data(IntegrityRisk, {**row, "risk_point": secret},
                                                       official_id=official.id))
    (record,) = pending(db, IntegrityRisk, official_id=official.id)
    drafts = clerk.get("/mydrafts/").get_data(as_text=True)
    assert key(record) in drafts and secret not in drafts  # the author sees the entry, not its text
    submit(clerk, record)
    assert state_of(db, record) == "submitted"

    head = login_as("dept_head")
    queue = head.get("/review/first/").get_data(as_text=True)
    assert key(record) not in queue and secret not in queue
    assert queue_count(head.get("/").get_data(as_text=True), "初审") == 0
    head.get("/lang/en")
    refused = decide(head, "first", "approve", record).get_data(as_text=True)
    assert "cannot review it" in refused and secret not in refused
    assert state_of(db, record) == "submitted"

    unit = login_as("unit_head")
    unit.get("/lang/zh")
    queue = unit.get("/review/first/").get_data(as_text=True)
    assert key(record) in queue and secret in queue
    assert queue_count(unit.get("/").get_data(as_text=True), "初审") == 1
    decide(unit, "first", "approve", record)
    assert state_of(db, record) == "first_approved"
    decide(login_as("hr_reviewer"), "final", "approve", record)
    assert state_of(db, record) == "approved"
