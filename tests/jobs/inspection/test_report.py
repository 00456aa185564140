"""The inspection report: a period counts exactly its own events, the seal breaks on an
edit, the ORM refuses to change a report, and a rectification item lives its life."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from jobs.inspection import rectification, signing
from jobs.inspection.period import Period
from jobs.inspection.report import body_of, generate, scheduled_report
from models import AuditEvent, ReviewDecision
from models.inspection import InspectionReport, ReportImmutable, RectificationItem
from security import audit

TODAY = date.today()


@pytest.fixture(autouse=True)
def _no_reports_left(db):
    yield
    db.session.rollback()
    db.session.execute(RectificationItem.__table__.delete())
    db.session.execute(InspectionReport.__table__.delete())
    db.session.execute(ReviewDecision.__table__.delete())
    db.session.commit()


def _decision(db, users, action, when):
    db.session.add(ReviewDecision(item_table="work_experience", item_id=1, record_table="work_experience",
                                  record_id=1, action=action, from_state="submitted", to_state="draft",
                                  actor_id=users["dept_head"].id, decided_at=when))


def test_a_period_counts_exactly_its_events(db, users):
    yesterday = datetime.combine(TODAY - timedelta(days=1), datetime.min.time()) + timedelta(hours=10)
    _decision(db, users, "reject_first", yesterday)
    _decision(db, users, "reject_first", yesterday - timedelta(days=1))
    _decision(db, users, "approve_first", datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=1))
    for _ in range(3):
        audit.record("access_denied", object_type="official", object_id="1", actor="test")
    audit.record("lockout", object_type="user", object_id="1", actor="test")
    db.session.commit()
    today = body_of(generate(Period(TODAY, TODAY), "demand", users["inspector"]))
    earlier = body_of(generate(Period(TODAY - timedelta(days=1), TODAY - timedelta(days=1)), "demand",
                               users["inspector"]))
    since, until = Period(TODAY, TODAY).audit_bounds()
    denied_today = db.session.scalar(select(text("count(*)")).select_from(AuditEvent).where(
        AuditEvent.action == "access_denied", AuditEvent.at >= since, AuditEvent.at < until))
    assert today["parts"]["access"]["denied"]["access_denied"] == denied_today >= 3
    assert earlier["parts"]["access"]["denied"]["access_denied"] == 0
    assert today["parts"]["content"]["review"]["decisions"] == {"approve_first": 1}
    assert earlier["parts"]["content"]["review"]["decisions"] == {"reject_first": 1}
    assert earlier["parts"]["content"]["review"]["rejection_rate"] == 1.0
    assert {f["key"] for f in today["findings"]} >= {"access.denied", "access.lockouts"}


def test_the_seal_verifies_and_fails_after_an_edit_behind_the_app(db, users):
    report = generate(Period(TODAY, TODAY), "demand", users["inspector"])
    assert signing.check(report) is None
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE inspection_report SET body = replace(body, '\"access_denied\":', "
                          "'\"access_denied\": 0, \"x\":') WHERE id = :id"), {"id": report.id})
    db.session.expire_all()
    assert signing.check(db.session.get(InspectionReport, report.id)) == "body_changed"
    # Rehashed too: the signature still names the old hash.
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE inspection_report SET sha256 = :sha WHERE id = :id"),
                     {"sha": signing.digest(db.session.get(InspectionReport, report.id).body), "id": report.id})
    db.session.expire_all()
    assert signing.check(db.session.get(InspectionReport, report.id)) == "bad_signature"


def test_the_application_never_changes_a_report(db, users):
    report = generate(Period(TODAY, TODAY), "demand", users["inspector"])
    report.body = "{}"
    with pytest.raises(ReportImmutable):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(InspectionReport, report.id))
    with pytest.raises(ReportImmutable):
        db.session.commit()


def test_the_scheduled_report_is_made_once_per_month(db):
    first = scheduled_report(date(2026, 12, 3))
    again = scheduled_report(date(2026, 12, 20))
    assert first.id == again.id
    assert (first.period_start, first.period_end) == (date(2026, 11, 1), date(2026, 11, 30))


def test_a_rectification_item_lives_from_finding_to_closure_and_carries_over(db, users):
    # The trail outlives the tests' rows, and SQLite hands a deleted item's id out again.
    head = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    audit.record("lockout", object_type="user", object_id="1", actor="test")
    db.session.commit()
    report = generate(Period(TODAY, TODAY), "demand", users["inspector"])
    with pytest.raises(rectification.RectificationError):
        rectification.create(report, "no.such.finding", "整改", "archivist", TODAY, users["inspector"])
    with pytest.raises(rectification.RectificationError):
        rectification.create(report, "access.lockouts", "整改", "archivist", TODAY - timedelta(days=1),
                             users["inspector"])
    with pytest.raises(rectification.RectificationError):
        rectification.create(report, "access.lockouts", "  ", "archivist", TODAY, users["inspector"])
    assert db.session.scalar(select(text("count(*)")).select_from(RectificationItem)) == 0
    item = rectification.create(report, "access.lockouts", "核查锁定账户", "secadmin", TODAY + timedelta(days=7),
                                users["inspector"])
    assert item.state == "open"
    carried = body_of(generate(Period(TODAY, TODAY), "demand", users["inspector"]))["open_rectifications"]
    assert [i["id"] for i in carried] == [item.id]
    with pytest.raises(rectification.RectificationError):
        rectification.close(item, "已核查", "", users["inspector"])
    rectification.close(item, "已核查并解锁", "账户安全记录第12号", users["inspector"])
    assert item.state == "closed" and item.closed_by_id == users["inspector"].id
    with pytest.raises(rectification.RectificationError):
        rectification.close(item, "again", "again", users["inspector"])
    assert body_of(generate(Period(TODAY, TODAY), "demand", users["inspector"]))["open_rectifications"] == []
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.seq > head, AuditEvent.object_type == "rectification_item", AuditEvent.object_id == str(item.id))
        .order_by(AuditEvent.seq))]
    assert actions == ["rectification_created", "rectification_closed"]
