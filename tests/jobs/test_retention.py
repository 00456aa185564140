"""The nightly due list job (jobs.retention, ``retention_due`` in the scheduler's table): it lists,
audits one event with its counts, and destroys nothing."""

import json
from datetime import date

from sqlalchemy import func, select

from jobs import scheduler
from models import AuditEvent, Material
from models.disposal.retention import RetentionDue


def test_the_scheduled_due_list_audits_its_counts_and_destroys_nothing(app, db, retention, make_official,
                                                                       make_material):
    from tests.jobs.test_scheduler import clear_locks

    clear_locks(db)
    official = make_official()
    due = make_material(official, material_class="6", formed_on=date(2000, 1, 1))
    make_material(official, material_class="1", formed_on=date(2000, 1, 1))
    retention.in_force("class", "6", 10)
    assert "retention_due" in scheduler.JOBS
    outcome = scheduler.run_job("retention_due", "host-a:1")
    assert outcome.startswith("ok: 1 of 2 items due in 1 dossiers"), outcome
    assert [(d.table_name, d.record_id) for d in db.session.scalars(select(RetentionDue))] == [("material", due.id)]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_due")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.actor_name == "scheduler"
    assert json.loads(event.details) == {"officials": 1, "items": 2, "due": 1, "left_without_date": 0,
                                         "by_class": {"6": 1}}
    assert db.session.scalar(select(func.count()).select_from(Material)) == 2
    clear_locks(db)
