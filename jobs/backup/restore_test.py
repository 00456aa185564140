"""Restore tests (§8.3): each target's latest snapshot restored into scratch space and
proved there: restic's own check with a share of the data read back, then everything
``jobs.backup.verify`` checks. Every result is kept and audited.
"""

import json
import shutil
import time
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlalchemy_utils import create_database

from config import database_url
from models.backup import RestoreTest
from models.db import db
from security import audit

from .restic import ResticError
from .restore import RestoreProblem, restore
from .runs import repository
from .verify import restored_app, verify_restored


def scratch_database() -> str | None:
    """PostgreSQL: a fresh, empty scratch database for a restore test (dropped first)."""
    url = make_url(db.engine.url)
    if url.get_backend_name() != "postgresql":
        return None
    wanted = current_app.config.get("RESTORE_TEST_DATABASE_URL")
    scratch = make_url(database_url(wanted)) if wanted else url.set(database=f"{url.database}_restore_test")
    drop_database(scratch)
    create_database(scratch)
    return scratch.render_as_string(hide_password=False)


def drop_database(url) -> None:
    # Not sqlalchemy-utils' drop_database: it neither tolerates a missing database nor
    # ends the sessions a failed restore test may have left open (WITH (FORCE)).
    url = make_url(url)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    server.dispose()


def restore_test(target: str, echo=print, app_factory=None) -> RestoreTest:
    """Restore the target's latest snapshot into scratch space and prove it; the result is kept.
    ``app_factory`` builds the restored instance (``verify.restored_app``)."""
    config = current_app.config
    record = RestoreTest(target=target, started_at=datetime.now())
    db.session.add(record)
    db.session.commit()
    started = time.monotonic()
    scratch = Path(config.get("RESTORE_TEST_DIR") or Path(current_app.instance_path) / "restore-test")
    shutil.rmtree(scratch, ignore_errors=True)
    checks, scratch_url = {}, None
    try:
        try:
            repo = repository(target)
            repo.unlock()
            echo(f"{target}: restic check, reading {config.get('RESTORE_TEST_READ_DATA')} of the data")
            # What restic reports having read, so the record shows a check only when one ran.
            checks["restic_check"] = repo.check(config.get("RESTORE_TEST_READ_DATA"))
        except ResticError as error:
            raise RestoreProblem("restic", error=str(error))
        scratch_url = scratch_database()
        restored = restore(target, "latest", scratch, scratch_url, echo=echo)
        record.snapshot_id, record.run_id = restored.snapshot, restored.manifest["run"]
        checks["chain"] = len(restored.chain)
        echo(f"{target}: restored snapshot {restored.snapshot[:8]} in {restored.seconds:.1f}s; verifying")
        checks.update(verify_restored(restored_app(scratch, restored.database_url, app_factory), restored.manifest,
                                      config.get("RESTORE_TEST_SAMPLE", 20)))
        record.ok = True
    except RestoreProblem as problem:
        record.problem = problem.message
    finally:
        record.finished_at = datetime.now()
        record.seconds = round(time.monotonic() - started)
        record.checks = json.dumps(checks, sort_keys=True)
        db.session.commit()
        shutil.rmtree(scratch, ignore_errors=True)
        if scratch_url:
            drop_database(scratch_url)
    audit.record("restore_test", object_type="restore_test", object_id=record.id, actor="scheduler", details={
        "target": target, "snapshot": record.snapshot_id, "ok": record.ok})
    db.session.commit()
    echo(f"{target}: {'passed' if record.ok else 'FAILED: ' + (record.problem or '')}")
    return record
