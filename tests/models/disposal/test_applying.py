"""Applying for and approving destruction (§9.2.1, §9.2.2), as rules without HTTP: what may go
on a list, the freeze at submission, and who decides."""

import json

import pytest
from sqlalchemy import select

from models.disposal import applying
from models.disposal.destruction import APPROVED, DRAFT, REJECTED, SUBMITTED
from models.disposal.items import Item
from security.audit_tables import AuditEvent


@pytest.fixture
def due_material(db, make_material, disposal):
    """A due material in a dossier that keeps something not due (so the dossier itself is not)."""
    material = make_material(title="重复的任免审批表", material_class="4-1")
    make_material(official=material.official, title="干部履历表")
    disposal.due(material)
    return material


def test_a_dossier_is_offered_whole_only_when_everything_in_it_is_due(db, make_material, disposal):
    material = make_material(title="学历证明", material_class="4-1")
    disposal.due(material)
    offered = [c.item for c in applying.candidates(db.session)]
    assert Item.dossier(material.official_id) in offered and Item.of(material) in offered
    kept = make_material(official=material.official, title="干部履历表")
    assert Item.dossier(material.official_id) not in [c.item for c in applying.candidates(db.session)]
    disposal.due(kept)
    assert Item.dossier(material.official_id) in [c.item for c in applying.candidates(db.session)]


def new_list(db, users, *items):
    lst = applying.create(db.session, users["archivist"], "保管期满，经鉴定可销毁", "crypto_erase")
    added, refused = applying.add_items(db.session, lst, users["archivist"], list(items))
    db.session.commit()
    return lst, added, refused


def events(db, action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_due_material_goes_on_a_list_and_is_frozen_when_submitted(db, users, due_material):
    lst, added, refused = new_list(db, users, Item.of(due_material))
    assert refused == [] and [e.basis for e in added] == ["due"]
    applying.submit(db.session, lst, users["archivist"])
    db.session.commit()
    entry = lst.items[0]
    assert (lst.state, lst.item_count) == (SUBMITTED, 1)
    assert (entry.title, entry.material_class, entry.formed_on) == ("重复的任免审批表", "4-1", due_material.formed_on)
    assert entry.sequence == due_material.sequence is not None

    due_material.title = "改过的题名"
    db.session.commit()
    db.session.refresh(entry)
    assert entry.title == "重复的任免审批表"  # the register's content does not follow the dossier
    with pytest.raises(applying.ListRefused, match="已提交"):
        applying.add_items(db.session, lst, users["archivist"], [Item.of(due_material)])
    applied = events(db, "destruction_applied")[-1]
    details = json.loads(applied.details)
    assert applied.object_id == str(lst.id) and details["count"] == 1
    assert "重复的任免审批表" not in applied.details  # ids only, never content


def test_an_approved_appraisal_mark_makes_a_record_eligible(db, users, make_material, make_record, disposal):
    from models.training import Training

    record = make_record(Training)
    mark = disposal.mark(record, reason="duplicate")
    draft_mark_material = make_material()
    disposal.mark(draft_mark_material, state="draft")
    lst, added, refused = new_list(db, users, Item.of(record), Item.of(draft_mark_material))
    assert [(e.basis, e.basis_id) for e in added] == [("invalid", mark.id)]
    assert len(refused) == 1 and "既未到期" in refused[0] and str(draft_mark_material.id) in refused[0]


def test_refusals_name_the_item_and_why(db, users, make_material, make_official, disposal, due_material):
    held = make_material()
    disposal.due(held)
    hold = disposal.hold(material_id=held.id, official_id=held.official_id)
    not_due = make_material()
    other = make_official()
    forged = Item("material", other.id, "material", due_material.id)
    gone = Item("material", due_material.official_id, "material", 99999999)
    lst, added, refused = new_list(db, users, Item.of(held), Item.of(not_due), forged, gone, None)
    assert added == []
    assert f"{held.official_id}:material:{held.id}" in refused[0]
    assert str(hold.id) in refused[0] and "纪律审查" in refused[0]
    assert "既未到期" in refused[1]
    assert "不属于" in refused[2]
    assert "没有这份材料" in refused[3]
    assert len(refused) == 5


def test_an_item_on_an_open_list_is_refused_on_another(db, users, due_material):
    first, _added, _refused = new_list(db, users, Item.of(due_material))
    _second, added, refused = new_list(db, users, Item.of(due_material))
    assert added == [] and f"销毁清单 {first.id}" in refused[0]
    assert applying.candidates(db.session) == []  # nor offered again


def test_the_applicant_never_approves_and_nothing_changes(db, users, make_user, due_material):
    archivist = users["archivist"]
    lst, _added, _refused = new_list(db, users, Item.of(due_material))
    applying.submit(db.session, lst, archivist)
    db.session.commit()
    with pytest.raises(applying.ListRefused, match="须由他人审批"):
        applying.approve(db.session, lst, archivist, "同意")
    db.session.rollback()
    assert (lst.state, lst.approver_id) == (SUBMITTED, None)
    assert applying.approve(db.session, lst, users["unit_head"], "同意") is True
    db.session.commit()
    assert (lst.state, lst.approver_id) == (APPROVED, users["unit_head"].id)
    assert json.loads(events(db, "destruction_approved")[-1].details) == {"approved": True, "review": 1}


def test_a_hold_placed_after_submission_stops_the_approval_naming_it(db, users, disposal, due_material):
    lst, _added, _refused = new_list(db, users, Item.of(due_material))
    applying.submit(db.session, lst, users["archivist"])
    db.session.commit()
    hold = disposal.hold(kind="class", material_class="4")
    with pytest.raises(applying.ListRefused) as refused:
        applying.approve(db.session, lst, users["unit_head"])
    db.session.rollback()
    assert str(hold.id) in str(refused.value) and "市纪委监委" in str(refused.value)
    assert lst.state == SUBMITTED


def test_a_rejection_needs_a_reason_and_frees_the_items(db, users, due_material):
    lst, _added, _refused = new_list(db, users, Item.of(due_material))
    applying.submit(db.session, lst, users["archivist"])
    db.session.commit()
    with pytest.raises(applying.ListRefused, match="驳回理由"):
        applying.reject(db.session, lst, users["unit_head"], " ")
    applying.reject(db.session, lst, users["unit_head"], "鉴定依据不足")
    db.session.commit()
    assert (lst.state, lst.decision_note) == (REJECTED, "鉴定依据不足")
    assert [c.item for c in applying.candidates(db.session)] == [Item.of(due_material)]


def test_with_a_second_review_another_person_must_approve_too(app, db, users, make_user, due_material):
    lst, _added, _refused = new_list(db, users, Item.of(due_material))
    applying.submit(db.session, lst, users["archivist"])
    db.session.commit()
    app.config["DESTRUCTION_SECOND_REVIEW"] = True
    try:
        assert applying.approve(db.session, lst, users["unit_head"]) is False
        assert lst.state == SUBMITTED
        with pytest.raises(applying.ListRefused, match="第二人复核须由他人"):
            applying.approve(db.session, lst, users["unit_head"])
        second = make_user("unit_head")
        assert applying.approve(db.session, lst, second) is True
        db.session.commit()
        assert (lst.state, lst.second_reviewer_id) == (APPROVED, second.id)
    finally:
        app.config["DESTRUCTION_SECOND_REVIEW"] = False


def test_bad_reasons_and_methods_are_refused(db, users):
    for reason, method, message in (("", "crypto_erase", "销毁理由"), ("理由", "burn", "销毁方式"),
                                    ("x" * 2001, "crypto_erase", "2000")):
        with pytest.raises(applying.ListRefused, match=message):
            applying.create(db.session, users["archivist"], reason, method)


def test_an_empty_list_cannot_be_submitted_and_items_come_off_a_draft(db, users, due_material):
    lst, added, _refused = new_list(db, users, Item.of(due_material))
    applying.remove_item(db.session, lst, users["archivist"], added[0].id)
    with pytest.raises(applying.ListRefused, match="至少添加一项"):
        applying.submit(db.session, lst, users["archivist"])
    assert lst.state == DRAFT


def test_the_supervisor_is_neither_the_executor_nor_the_applicant(db, users, make_user, due_material):
    lst, _added, _refused = new_list(db, users, Item.of(due_material))
    applying.submit(db.session, lst, users["archivist"])
    applying.approve(db.session, lst, users["unit_head"])
    other_archivist = make_user("archivist")
    with pytest.raises(applying.ListRefused, match="执行人以外"):
        applying.check_supervisor(lst, other_archivist, other_archivist)
    with pytest.raises(applying.ListRefused, match="申请人不能担任监销人"):
        applying.check_supervisor(lst, other_archivist, users["archivist"])
    applying.check_supervisor(lst, users["archivist"], users["unit_head"])  # the approver may watch
