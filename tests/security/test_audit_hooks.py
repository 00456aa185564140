"""Writes and reads of sensitive content leave audit events, with no personal data in them."""

from sqlalchemy import func, select

from models import AuditEvent
from models.career import WorkExperience
from models.rewards import Sanction
from security import audit
from tests.helpers import form_data, pending, sample_rows


def events_after(db, seq):
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)))


def last(db):
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))


def test_a_record_entered_and_reviewed_is_in_the_trail_in_order(db, login_as, factory, make_official, users):
    official_row, row = sample_rows(factory)["work_experience"]
    official = make_official(**official_row)
    start = last(db)
    client = login_as("clerk")
    client.post("/workexperienceview/add", data=form_data(WorkExperience, row, official_id=official.id))
    (record,) = pending(db, WorkExperience)
    client.post("/mydrafts/submit", data={"item": f"work_experience:{record.id}"})
    kinds = [(e.action, e.object_type, e.actor_name) for e in events_after(db, start)]
    assert ("create", "work_experience", "clerk") in kinds
    assert ("submit", "review_decision", "clerk") in kinds
    assert kinds.index(("create", "work_experience", "clerk")) < kinds.index(("submit", "review_decision", "clerk"))
    assert audit.verify(db.session).ok


def test_an_edit_names_the_fields_not_the_values(db, login_as, make_official):
    official = make_official()
    start = last(db)
    official.mobile = "13912345678"
    db.session.commit()
    (event,) = [e for e in events_after(db, start) if e.action == "update"]
    assert event.object_type == "official" and '"mobile"' in event.details
    assert "13912345678" not in event.details
    db.session.expire_all()
    assert db.session.get(type(official), official.id).mobile == "13912345678"


def test_reading_a_sensitive_section_is_recorded(db, login_as, make_record):
    sanction = make_record(Sanction)
    start = last(db)
    login_as("hr_reviewer").get(f"/sanctionview/show/{sanction.id}")
    reads = [e for e in events_after(db, start) if e.action == "read"]
    assert [(e.object_type, e.object_id, e.actor_name) for e in reads] == [("sanction", str(sanction.id), "hr_reviewer")]
