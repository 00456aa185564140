"""The holds (冻结) and appraisal screens, opened and posted as their users (§9)."""

import pytest
from sqlalchemy import func, select

from models.career import WorkExperience
from models.disposal import AppraisalMark, Hold
from tests.helpers import last_seq, messages, new_events


def holds_count(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Hold))


def place(client, **form):
    data = {"kind": "dossier", "official_id": "", "material_class": "", "material_id": "", "reason": "纪检调查",
            "ordered_by": "市纪委 2026-17号", **form}
    return client.post("/holds/place", data=data, follow_redirects=True)


def test_the_archivist_places_a_hold_sees_it_on_the_dossier_and_lifts_it(db, login_as, make_official):
    official = make_official()
    client = login_as("archivist")
    assert client.get("/holds/").status_code == 200
    before = last_seq(db)
    page = place(client, official_id=str(official.id))
    assert page.status_code == 200 and any("已设置" in m for m in messages(page.get_data(as_text=True)))
    hold = db.session.scalars(select(Hold)).one()
    assert (hold.kind, hold.official_id, hold.placed_by.username) == ("dossier", official.id, "archivist")
    shown = client.get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert 'id="on-hold"' in shown and "市纪委 2026-17号" in shown
    lifted = client.post(f"/holds/lift/{hold.id}", data={"reason": "调查结束"}, follow_redirects=True)
    assert lifted.status_code == 200
    db.session.rollback()
    assert db.session.get(Hold, hold.id).lift_reason == "调查结束"
    assert 'id="on-hold"' not in client.get(f"/officialview/show/{official.id}").get_data(as_text=True)
    events = [(e.action, e.object_id) for e in new_events(db, before) if e.action.startswith("hold_")]
    assert events == [("hold_placed", str(hold.id)), ("hold_lifted", str(hold.id))]
    again = client.post(f"/holds/lift/{hold.id}", data={"reason": "再次"}, follow_redirects=True)
    assert any("已经解除" in m for m in messages(again.get_data(as_text=True)))


@pytest.mark.parametrize("form,named", [
    ({"kind": "x"}, "种类"),
    ({"kind": "dossier"}, "官员"),
    ({"kind": "dossier", "official_id": "1 OR 1=1"}, "官员"),
    ({"kind": "class", "material_class": "99"}, "类别"),
    ({"kind": "material", "material_id": "-1"}, "材料"),
    ({"kind": "class", "material_class": "8", "reason": ""}, "原因"),
    ({"kind": "class", "material_class": "8", "ordered_by": "  "}, "决定机关"),
])
def test_bad_holds_are_refused_by_name_and_nothing_is_placed(db, login_as, form, named):
    client = login_as("archivist")
    page = place(client, **form)
    assert page.status_code == 200
    assert any(named in m for m in messages(page.get_data(as_text=True)))
    assert holds_count(db) == 0


def test_a_material_of_another_official_is_refused(db, login_as, make_official, make_material):
    mine, other = make_official(), make_material()
    client = login_as("archivist")
    page = place(client, kind="material", official_id=str(mine.id), material_id=str(other.id))
    assert any("不在编号为" in m for m in messages(page.get_data(as_text=True)))
    assert holds_count(db) == 0


@pytest.mark.parametrize("role", ["clerk", "dept_head", "hr_reviewer", "unit_head", "auditor", "inspector"])
def test_only_the_archivist_places_and_lifts(db, login_as, users, make_official, role):
    from models.disposal import holds

    official = make_official()
    hold = holds.place(db.session, users["archivist"], "dossier", official.id, reason="审计", ordered_by="审计局")
    db.session.commit()
    client = login_as(role)
    # A post without the permission is refused outright: nothing is placed or lifted.
    assert client.post("/holds/place", data={"kind": "dossier", "official_id": str(official.id), "reason": "x",
                                             "ordered_by": "y"}).status_code == 403
    assert client.post(f"/holds/lift/{hold.id}", data={"reason": "x"}).status_code == 403
    assert holds_count(db) == 1 and db.session.get(Hold, hold.id).active
    listed = client.get("/holds/")
    if role in ("auditor", "inspector"):
        page = listed.get_data(as_text=True)
        assert listed.status_code == 200 and f'data-hold="{hold.id}"' in page and 'id="place-hold"' not in page
    else:
        assert listed.status_code in (302, 403) and 'id="holds"' not in listed.get_data(as_text=True)


def test_a_mark_goes_from_the_archivist_through_both_review_queues(db, login_as, make_record, make_material):
    record = make_record(WorkExperience)
    material = make_material(record.official, material_class="1")
    client = login_as("archivist")
    show = client.get(f"/materialview/show/{material.id}").get_data(as_text=True)
    assert 'id="mark-invalid"' in show
    assert 'id="mark-invalid"' in client.get(f"/workexperienceview/show/{record.id}").get_data(as_text=True)
    form = client.get(f"/appraisal/mark/material/{material.id}")
    assert form.status_code == 200 and 'id="mark-form"' in form.get_data(as_text=True)
    refused = client.post(f"/appraisal/mark/material/{material.id}", data={"reason": "lost"}, follow_redirects=True)
    assert any("原因" in m for m in messages(refused.get_data(as_text=True)))
    assert db.session.scalar(select(func.count()).select_from(AppraisalMark)) == 0
    made = client.post(f"/appraisal/mark/material/{material.id}", data={"reason": "duplicate", "note": "重复"},
                       follow_redirects=True)
    assert made.status_code == 200 and 'data-state="submitted"' in made.get_data(as_text=True)
    db.session.rollback()
    mark = db.session.scalars(select(AppraisalMark)).one()
    key = f"appraisal_mark:{mark.id}"

    head = login_as("unit_head")
    queue = head.get("/review/first/").get_data(as_text=True)
    assert f'data-key="{key}"' in queue
    assert head.get("/appraisal/").status_code == 200
    head.post("/review/first/decide", data={"item": [key], "decision": "approve", "reason": ""})
    hr = login_as("hr_reviewer")
    assert f'data-key="{key}"' in hr.get("/review/final/").get_data(as_text=True)
    hr.post("/review/final/decide", data={"item": [key], "decision": "approve", "reason": ""})
    db.session.rollback()
    assert db.session.get(AppraisalMark, mark.id).review_state == "approved"
    listed = hr.get("/appraisal/").get_data(as_text=True)
    assert f'data-mark="{mark.id}" data-state="approved"' in listed
    history = hr.get(f"/history/material/{material.id}")
    assert history.status_code == 200


def test_the_mark_screens_are_the_archives(db, login_as, make_material):
    material = make_material()
    clerk = login_as("clerk")
    assert clerk.get(f"/appraisal/mark/material/{material.id}").status_code == 403
    assert clerk.post(f"/appraisal/mark/material/{material.id}", data={"reason": "duplicate"}).status_code == 403
    assert clerk.get("/appraisal/").status_code in (302, 403)
    assert db.session.scalar(select(func.count()).select_from(AppraisalMark)) == 0
    archivist = login_as("archivist")
    assert archivist.get("/appraisal/mark/material/999999").status_code == 404
    assert archivist.get(f"/appraisal/mark/nosuch/{material.id}").status_code == 404
    assert archivist.get("/appraisal/").status_code == 200
