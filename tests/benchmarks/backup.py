"""Backup, incremental backup and restore of an instance, beside raw restic on the same data.

    DATABASE_URL=… DOSSIER_INSTANCE_DIR=… python -m tests.benchmarks.backup [--change 0.01]

Runs against an existing (seeded) instance and writes only to a fresh target
and scratch space under a temporary directory (and, on PostgreSQL, a scratch
database it drops). It changes ``--change`` of the officials (their post and one
annual assessment each) between the full and the incremental backup.

For every step it prints the product's time and the raw restic time for the
same bytes in the same run:

- full: ``dossier backup --full`` (database snapshot, manifest, keyring, restic)
  against ``restic backup --force`` of the same staging area and store into a
  repository of its own;
- incremental: ``dossier backup`` after the change against ``restic backup``
  of the same staging area with its parent, and against what it would cost
  without change tracking (a new full database snapshot and restic on it);
- restore: ``restore`` of the chain (restic, database load, changes applied,
  key store) against ``restic restore`` of the same snapshots alone.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def timed(work):
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--change", type=float, default=0.01, help="share of officials changed (default 1%%)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    from sqlalchemy import select, text, update

    from app import create_app

    work = Path(tempfile.mkdtemp(prefix="dossier-bench-backup-"))
    target = work / "target"
    target.mkdir()
    app = create_app({"DOSSIER_BACKUP_TARGETS": [str(target)], "BACKUP_STAGING_DIR": str(work / "staging"),
                      "DOSSIER_BACKUP_PASSWORD_FILE": str(work / "repository.key")})
    figures = {}
    with app.app_context():
        from models.db import db
        from jobs.backup import database, runs
        from jobs.backup.restic import Repository
        from jobs.backup.restore import restore
        from jobs.backup.restore_test import drop_database, scratch_database
        from jobs.backup.verify import restored_app, verify_restored
        from models import Official
        from models.evaluation import AnnualAssessment
        from models.storage import attachments

        officials = db.session.scalar(select(text("count(*)")).select_from(Official.__table__))
        staging, store = runs.staging_dir(), attachments.root()
        raw = Repository(work / "raw-repository", runs.password_file())
        raw.init()

        seconds, full = timed(lambda: runs.run_backup(full=True))
        copy = full.copies[0]
        raw_seconds, raw_full = timed(lambda: raw.backup([str(staging), str(store)], ["raw"], force=True))
        figures["full"] = {
            "product_s": seconds, "raw_restic_s": raw_seconds, "database_snapshot_bytes": full.database_bytes,
            "bytes_read": copy.bytes_read, "bytes_added": copy.bytes_added, "repository_bytes": du(target),
        }

        rng = random.Random(7)
        ids = rng.sample(list(db.session.scalars(select(Official.__table__.c.id))), int(officials * args.change))
        assessment = AnnualAssessment.__table__
        change_started = time.perf_counter()
        for start in range(0, len(ids), 1000):
            batch = ids[start:start + 1000]
            db.session.execute(update(Official.__table__).where(Official.__table__.c.id.in_(batch))
                               .values(post="二级调研员"))
            rows = db.session.execute(select(assessment.c.official_id, assessment.c.id)
                                      .where(assessment.c.official_id.in_(batch))).all()
            one_each = list({official: row_id for official, row_id in rows}.values())
            db.session.execute(update(assessment).where(assessment.c.id.in_(one_each))
                               .values(comments="年度考核结果已复核。"))
        db.session.commit()
        change_seconds = time.perf_counter() - change_started

        seconds, incremental = timed(lambda: runs.run_backup())
        copy = incremental.copies[0]
        raw_seconds, _ = timed(lambda: raw.backup([str(staging), str(store)], ["raw"], parent=raw_full.snapshot_id))
        naive_dir = work / "naive"

        def naive():
            database.take(db.engine, naive_dir, "full", None)
            return raw.backup([str(naive_dir), str(store)], ["naive"])

        naive_seconds, _ = timed(naive)
        figures["incremental"] = {
            "officials_changed": len(ids), "rows_changed_s": change_seconds, "product_s": seconds,
            "raw_restic_s": raw_seconds, "without_change_tracking_s": naive_seconds,
            "database_part_bytes": incremental.database_bytes, "bytes_read": copy.bytes_read,
            "bytes_added": copy.bytes_added, "kind": incremental.kind,
        }
        shutil.rmtree(naive_dir, ignore_errors=True)

        scratch = scratch_database()
        into = work / "restored"
        try:
            seconds, restored = timed(lambda: restore(str(target), "latest", into, scratch, echo=lambda _t: None))
            verify_seconds, checks = timed(lambda: verify_restored(
                restored_app(into, restored.database_url), restored.manifest, 20))
            repo = runs.repository(str(target))
            raw_dir = work / "raw-restore"

            def raw_restore():
                for snapshot in restored.chain:
                    repo.restore(snapshot, raw_dir / snapshot[:8])

            raw_seconds, _ = timed(raw_restore)
        finally:
            if scratch:
                drop_database(scratch)
        figures["restore"] = {
            "product_s": seconds, "raw_restic_s": raw_seconds, "verify_s": verify_seconds,
            "rows_applied": restored.rows_applied, "rows_checked": checks["rows"], "chain": len(restored.chain),
        }
        figures["instance"] = {"officials": officials, "dialect": db.engine.dialect.name,
                               "restic": subprocess.run(["restic", "version"], capture_output=True,
                                                        text=True).stdout.strip()}
    shutil.rmtree(work, ignore_errors=True)

    print(f"{figures['instance']['officials']} officials on {figures['instance']['dialect']}")
    print(f"{'step':14} {'product s':>10} {'raw restic s':>13} {'ratio':>6}  details")
    for step in ("full", "incremental", "restore"):
        f = figures[step]
        details = {k: v for k, v in f.items() if k not in ("product_s", "raw_restic_s")}
        print(f"{step:14} {f['product_s']:10.1f} {f['raw_restic_s']:13.1f} {f['product_s'] / f['raw_restic_s']:6.1f}"
              f"  {json.dumps(details)}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    os.environ.setdefault("DOSSIER_ENV", "development")
    main()
