"""The nightly due list (§9.1): the retention schedule applied to every approved dossier.

Run by the scheduler (``retention_due`` in jobs.scheduler.JOBS) or ``flask --app app
dossier job run retention_due``. One audit event with the counts; nothing is destroyed.
"""

from datetime import date

from models.db import db
from models.disposal.due_list import compute_due
from security import audit


def run_due_list(today: date | None = None, actor: str = "scheduler") -> dict:
    counts = compute_due(db.session, today).as_dict()
    audit.record("retention_due", object_type="retention_due", actor=actor, details=counts)
    db.session.commit()
    return counts
