"""Who may move a record from which state to which (§3.3), checked without HTTP."""

import pytest

from models import ChangeRequest, ReviewDecision, workflow
from models.career import WorkExperience
from models.workflow import WorkflowError, perform
from tests.helpers import pending


@pytest.fixture
def entry(db, make_record, draft_of, users):
    """A work-experience entry the clerk has just made for an approved official."""
    return draft_of(make_record(WorkExperience), users["clerk"])


def move(db, user, item, action, reason=None):
    perform(db.session, user, item, action, reason)
    db.session.commit()
    return item.review_state


def refused(db, user, item, action, reason=None) -> str:
    """The rule that refused the move (WorkflowError.code)."""
    with pytest.raises(WorkflowError) as error:
        perform(db.session, user, item, action, reason)
    db.session.rollback()
    return error.value.code


def test_the_whole_path_draft_to_approved(db, entry, users):
    assert move(db, users["clerk"], entry, "submit") == "submitted"
    assert move(db, users["dept_head"], entry, "first_approve") == "first_approved"
    assert move(db, users["hr_reviewer"], entry, "final_approve") == "approved"
    decisions = db.session.query(ReviewDecision).order_by(ReviewDecision.id).all()
    assert [(d.action, d.actor_id) for d in decisions] == [
        ("submit", users["clerk"].id), ("first_approve", users["dept_head"].id),
        ("final_approve", users["hr_reviewer"].id),
    ]


def test_only_the_author_submits(db, entry, users):
    assert refused(db, users["hr_reviewer"], entry, "submit") == "not_author"
    assert refused(db, users["dept_head"], entry, "submit") == "not_author"
    assert entry.review_state == "draft"


def test_a_clerk_cannot_approve(db, entry, users, make_user):
    move(db, users["clerk"], entry, "submit")
    other_clerk = make_user("clerk", "D01")
    assert refused(db, other_clerk, entry, "first_approve") == "not_reviewer"
    assert entry.review_state == "submitted"


def test_nobody_approves_their_own_entry(db, make_record, draft_of, users):
    own = draft_of(make_record(WorkExperience), users["dept_head"])
    move(db, users["dept_head"], own, "submit")
    assert refused(db, users["dept_head"], own, "first_approve") == "own_entry"
    assert own.review_state == "submitted"


def test_hr_cannot_final_approve_its_own_entry(db, make_record, draft_of, users, make_user):
    own = draft_of(make_record(WorkExperience), users["hr_reviewer"])
    hr_head = make_user("dept_head", "D02")
    move(db, users["hr_reviewer"], own, "submit")
    move(db, hr_head, own, "first_approve")
    assert refused(db, users["hr_reviewer"], own, "final_approve") == "own_entry"
    assert own.review_state == "first_approved"


def test_a_head_of_another_department_cannot_first_review(db, entry, users, make_user):
    move(db, users["clerk"], entry, "submit")
    other_head = make_user("dept_head", "D05")
    assert refused(db, other_head, entry, "first_approve") == "other_department"
    assert refused(db, other_head, entry, "first_reject", "不属于本部门") == "other_department"
    assert entry.review_state == "submitted"


def test_final_review_cannot_come_before_first_review(db, entry, users):
    assert refused(db, users["hr_reviewer"], entry, "final_approve") == "wrong_state"
    move(db, users["clerk"], entry, "submit")
    assert refused(db, users["hr_reviewer"], entry, "final_approve") == "wrong_state"
    assert entry.review_state == "submitted"


def test_a_department_head_cannot_give_the_final_review(db, entry, users):
    move(db, users["clerk"], entry, "submit")
    move(db, users["dept_head"], entry, "first_approve")
    assert refused(db, users["dept_head"], entry, "final_approve") == "not_reviewer"


def test_rejection_needs_a_reason_and_returns_to_the_author(db, entry, users):
    move(db, users["clerk"], entry, "submit")
    assert refused(db, users["dept_head"], entry, "first_reject", "  ") == "reason_required"
    assert move(db, users["dept_head"], entry, "first_reject", "单位名称有误") == "draft"
    assert workflow.last_rejection(db.session, entry).reason == "单位名称有误"
    move(db, users["clerk"], entry, "submit")
    move(db, users["dept_head"], entry, "first_approve")
    assert move(db, users["hr_reviewer"], entry, "final_reject", "缺少任职文件") == "draft"
    assert workflow.last_rejection(db.session, entry).reason == "缺少任职文件"


def test_material_of_an_unapproved_official_waits_for_the_official(db, make_official, make_record, draft_of, users, make_user):
    official = make_official(review_state="draft", entered_by_id=users["clerk"].id)
    record = draft_of(make_record(WorkExperience, official=official,
                                  start_date=official.work_start_date, end_date=None), users["clerk"])
    move(db, users["clerk"], record, "submit")
    move(db, users["dept_head"], record, "first_approve")
    assert refused(db, users["hr_reviewer"], record, "final_approve") == "official_pending"
    for action, user in (("submit", users["clerk"]), ("first_approve", users["dept_head"]),
                         ("final_approve", users["hr_reviewer"])):
        move(db, user, official, action)
    assert move(db, users["hr_reviewer"], record, "final_approve") == "approved"


def test_an_edit_of_approved_content_becomes_a_change_request(db, make_record, users):
    record = make_record(WorkExperience)
    old = record.post
    record.post = "副处长（主持工作）"
    request = workflow.route_edit(db.session, record, users["clerk"])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(WorkExperience, record.id).post == old
    assert request.proposed_values == {"post": "副处长（主持工作）"} and request.review_state == "draft"


def test_an_approved_change_request_becomes_a_new_version(db, make_record, users):
    record = make_record(WorkExperience)
    record.post = "调研员"
    request = workflow.route_edit(db.session, record, users["clerk"])
    db.session.commit()
    for action, user in (("submit", users["clerk"]), ("first_approve", users["dept_head"]),
                         ("final_approve", users["hr_reviewer"])):
        move(db, user, request, action)
    db.session.expire_all()
    record = db.session.get(WorkExperience, record.id)
    assert record.post == "调研员"
    last = record.versions.all()[-1]
    assert last.changeset["post"][1] == "调研员"
    # Outside a request there is no acting web user; the decision log names the approver.
    decision = db.session.query(ReviewDecision).filter_by(item_table="change_request", action="final_approve").one()
    assert decision.actor_id == users["hr_reviewer"].id


def test_a_rejected_change_request_leaves_the_record_untouched(db, make_record, users):
    record = make_record(WorkExperience)
    old = record.post
    record.post = "调研员"
    request = workflow.route_edit(db.session, record, users["clerk"])
    db.session.commit()
    move(db, users["clerk"], request, "submit")
    move(db, users["dept_head"], request, "first_reject", "无依据")
    db.session.expire_all()
    assert db.session.get(WorkExperience, record.id).post == old
    assert len(db.session.get(WorkExperience, record.id).versions.all()) == 1


def test_a_stale_change_request_is_refused(db, make_record, users):
    record = make_record(WorkExperience)
    requests = []
    for post in ("甲职务", "乙职务"):
        record.post = post
        requests.append(workflow.route_edit(db.session, record, users["clerk"]))
        db.session.commit()
        db.session.expire_all()
        record = db.session.get(WorkExperience, record.id)
    for request in requests:
        move(db, users["clerk"], request, "submit")
        move(db, users["dept_head"], request, "first_approve")
    move(db, users["hr_reviewer"], requests[0], "final_approve")
    assert refused(db, users["hr_reviewer"], requests[1], "final_approve") == "stale_request"
    db.session.expire_all()
    assert db.session.get(WorkExperience, record.id).post == "甲职务"
    assert db.session.get(ChangeRequest, requests[1].id).review_state == "first_approved"


def test_entries_under_review_cannot_be_edited_or_deleted(db, entry, users):
    move(db, users["clerk"], entry, "submit")
    entry.post = "改动"
    with pytest.raises(WorkflowError) as edit:
        workflow.route_edit(db.session, entry, users["clerk"])
    db.session.rollback()
    with pytest.raises(WorkflowError) as delete:
        workflow.check_delete(entry, users["clerk"])
    assert edit.value.code == delete.value.code == "under_review"


def test_only_approved_records_are_seen_by_default(db, entry, make_record):
    approved = make_record(WorkExperience)
    visible = db.session.query(WorkExperience).all()
    assert visible == [approved]
    assert {r.id for r in pending(db, WorkExperience)} == {approved.id, entry.id}


# Who may make each move on the clerk's entry (the clerk and dept_head share 办公室).
ALLOWED = {
    "submit": {"clerk"},
    "first_approve": {"dept_head"},
    "first_reject": {"dept_head"},
    "final_approve": {"hr_reviewer"},
    "final_reject": {"hr_reviewer"},
}
BRING_TO = {  # moves that bring a fresh entry to the state the action starts from
    "submit": [],
    "first_approve": [("clerk", "submit")],
    "first_reject": [("clerk", "submit")],
    "final_approve": [("clerk", "submit"), ("dept_head", "first_approve")],
    "final_reject": [("clerk", "submit"), ("dept_head", "first_approve")],
}


@pytest.mark.parametrize("action", list(ALLOWED))
def test_every_role_against_every_move(db, make_record, draft_of, users, action):
    from tests.apps import ROLE_KEYS

    outcome = {}
    for role in ROLE_KEYS:
        entry = draft_of(make_record(WorkExperience), users["clerk"])
        for who, step in BRING_TO[action]:
            move(db, users[who], entry, step)
        try:
            perform(db.session, users[role], entry, action, "理由")
            db.session.commit()
            outcome[role] = True
        except WorkflowError:
            db.session.rollback()
            outcome[role] = False
    assert {role for role, allowed in outcome.items() if allowed} == ALLOWED[action]


def test_a_pending_item_opens_to_its_author_and_to_the_reviewer_it_waits_for_alone(db, entry, users, make_user):
    """One rule for its page, history and file (workflow.may_open): approved content is the
    dossier, pending work belongs to its author and to the queue it waits in."""
    readers = ("clerk", "dept_head", "hr_reviewer", "archivist")

    def openers():
        return {name for name in readers if workflow.may_open(db.session, users[name], entry)}

    assert openers() == {"clerk"}  # a draft: neither reviewer has it yet
    move(db, users["clerk"], entry, "submit")
    assert openers() == {"clerk", "dept_head"}
    assert not workflow.may_open(db.session, make_user("dept_head", "D05"), entry)  # the head of another department
    move(db, users["dept_head"], entry, "first_approve")
    assert openers() == {"clerk", "hr_reviewer"}  # the first reviewer's part is done
    move(db, users["hr_reviewer"], entry, "final_approve")
    assert openers() == set(readers)  # in the dossier: the read rules decide from here
