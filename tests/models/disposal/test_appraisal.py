"""Appraisal marks (§9.1.2): made by the archive, reviewed like any change, counted once approved."""

import pytest
from sqlalchemy import func, select

from models import workflow
from models.career import WorkExperience
from models.disposal import AppraisalMark, Item, holds
from models.disposal.appraisal import AppraisalError, invalid_mark, mark, markable
from models.workflow import WorkflowError, perform


@pytest.fixture
def material(make_material):
    return make_material(material_class="1")


def marked(db, user, row, reason="duplicate", note="与第3份重复"):
    entry = mark(db.session, user, markable(db.session, row.__tablename__, row.id), reason, note)
    db.session.commit()
    return entry


def move(db, user, entry, action, reason=None):
    perform(db.session, user, entry, action, reason)
    db.session.commit()
    return entry.review_state


def refused(db, user, entry, action, reason=None) -> str:
    with pytest.raises(WorkflowError) as error:
        perform(db.session, user, entry, action, reason)
    db.session.rollback()
    return error.value.code


def test_a_mark_goes_from_the_archivist_through_both_reviews_and_then_counts(db, users, material):
    entry = marked(db, users["archivist"], material)
    assert entry.review_state == "submitted" and entry.entered_by_id == users["archivist"].id
    assert invalid_mark(db.session, Item.of(material)) is None
    # The unit head's first-review queue lists it (its routing), not a department head's.
    assert entry in workflow.queue(db.session, users["unit_head"], "first")
    assert entry not in workflow.queue(db.session, users["dept_head"], "first")
    assert refused(db, users["dept_head"], entry, "first_approve") == "unit_review"
    assert move(db, users["unit_head"], entry, "first_approve") == "first_approved"
    assert entry in workflow.queue(db.session, users["hr_reviewer"], "final")
    assert invalid_mark(db.session, Item.of(material)) is None
    assert move(db, users["hr_reviewer"], entry, "final_approve") == "approved"
    assert invalid_mark(db.session, Item.of(material)) == entry
    # Its moves are in the history of the material it marks.
    decisions = db.session.scalars(select(workflow.ReviewDecision).where(
        workflow.ReviewDecision.item_table == "appraisal_mark", workflow.ReviewDecision.item_id == entry.id)).all()
    assert [(d.action, d.record_table, d.record_id) for d in decisions] == [
        (a, "material", material.id) for a in ("submit", "first_approve", "final_approve")]


def test_nobody_reviews_their_own_mark_and_the_marker_reviews_nothing(db, users, material, make_record):
    entry = marked(db, users["archivist"], material)
    assert refused(db, users["archivist"], entry, "first_approve") == "not_reviewer"
    # A unit head who marked (say, holding the archivist's role too) is not its reviewer.
    own = marked(db, users["unit_head"], make_record(WorkExperience), reason="wrongly_filed")
    assert refused(db, users["unit_head"], own, "first_approve") == "own_entry"
    assert own not in workflow.queue(db.session, users["unit_head"], "first")


def test_a_rejected_mark_needs_a_reason_and_never_counts(db, users, material):
    entry = marked(db, users["archivist"], material)
    move(db, users["unit_head"], entry, "first_approve")
    assert refused(db, users["hr_reviewer"], entry, "final_reject", " ") == "reason_required"
    assert move(db, users["hr_reviewer"], entry, "final_reject", "不是重复材料") == "draft"
    assert invalid_mark(db.session, Item.of(material)) is None
    # The rejected mark stays, with its reason in the history; the archive may mark again.
    again = marked(db, users["archivist"], material, reason="superseded")
    assert again.id != entry.id and again.review_state == "submitted"


@pytest.mark.parametrize("reason", ["", "lost", None])
def test_a_mark_needs_a_known_reason(db, users, material, reason):
    with pytest.raises(AppraisalError) as error:
        mark(db.session, users["archivist"], material, reason)
    db.session.rollback()
    assert error.value.code == "reason_required" and "原因" in str(error.value)
    assert db.session.scalar(select(func.count()).select_from(AppraisalMark)) == 0


def test_only_approved_content_is_marked_and_only_once(db, users, material, make_material):
    draft = make_material(material_class="1", review_state="draft")
    with pytest.raises(AppraisalError) as error:
        markable(db.session, "material", draft.id)
    assert error.value.code == "not_approved"
    with pytest.raises(AppraisalError) as error:
        markable(db.session, "official", material.official_id)
    assert error.value.code == "not_markable"
    marked(db, users["archivist"], material)
    with pytest.raises(AppraisalError) as error:
        marked(db, users["archivist"], material)
    assert error.value.code == "already_marked"


def test_held_content_can_be_marked_but_the_hold_still_stops_it(db, users, material):
    hold = holds.place(db.session, users["archivist"], "material", None, None, material.id, reason="审计",
                       ordered_by="审计局")
    db.session.commit()
    entry = marked(db, users["archivist"], material)
    move(db, users["unit_head"], entry, "first_approve")
    move(db, users["hr_reviewer"], entry, "final_approve")
    assert invalid_mark(db.session, Item.of(material)) == entry
    assert holds.blocking(db.session, Item.of(material)) == [hold]
