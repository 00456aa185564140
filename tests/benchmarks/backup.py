"""Backup, incremental backup and restore of an instance, beside the raw engines on the same data.

    DATABASE_URL=… DOSSIER_INSTANCE_DIR=… python -m tests.benchmarks.backup [--change 0.01] [--profile]

Runs against an existing (seeded) instance and writes only to a fresh target
and scratch space under a temporary directory (and, on PostgreSQL, scratch
databases it drops). It changes ``--change`` of the officials (their post and one
annual assessment each) between the full and the incremental backup.

For every step it prints the product's time, the raw engines' time for the same
state in the same run, and their ratio (target: at most 1.3):

- full: ``dossier backup --full`` (database snapshot, manifest, keyring, restic,
  retention) against the database engine's own dump (SQLite ``VACUUM INTO``,
  PostgreSQL ``pg_dump --format=custom``) plus ``restic backup --force`` of that
  dump and the attachment store into a repository of its own, plus ``restic forget
  --prune`` with the same ``BACKUP_KEEP`` (the product applies it after every run);
- incremental: ``dossier backup`` after the change against a new raw dump plus
  ``restic backup`` of it with its parent (what the engines alone do to keep the
  same state; the product writes only the changed rows);
- restore: ``restore`` of the chain (restic, database load, changes applied,
  key store) against ``restic restore`` of the raw snapshot plus ``pg_restore``
  of its dump into an empty database (SQLite: the restored file is the database).

``--profile`` prints, per step, where the product's time went (cProfile, by
cumulative time), which is how the overhead above the raw engines is found.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024
TARGET_RATIO = 1.3


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def timed(work, profile: dict | None = None, name: str = ""):
    """Seconds and result of ``work()``; with ``profile``, its top functions by cumulative time."""
    profiler = cProfile.Profile() if profile is not None else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    try:
        result = work()
    finally:
        if profiler:
            profiler.disable()
    seconds = time.perf_counter() - started
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        profile[name] = out.getvalue()
    return seconds, result


class RawEngines:
    """The database engine's dump and restore and restic, called directly."""

    def __init__(self, engine, work: Path, repository):
        self.engine, self.work, self.repo = engine, work, repository
        self.dialect = engine.dialect.name
        self.dump_dir = work / "raw-dump"

    def dump(self) -> Path:
        from jobs.backup import database

        shutil.rmtree(self.dump_dir, ignore_errors=True)
        self.dump_dir.mkdir(parents=True)
        if self.dialect == "sqlite":
            target = self.dump_dir / "dossier.sqlite"
            with self.engine.connect() as conn:
                conn.exec_driver_sql("VACUUM INTO ?", (str(target),))
            return target
        target = self.dump_dir / "dossier.pgdump"
        args, env = database.libpq_env(self.engine.url)
        subprocess.run(["pg_dump", "--format=custom", "--compress=0", "--file", str(target), *args], env=env,
                       check=True, capture_output=True)
        return target

    def backup(self, store: Path, parent: str | None = None):
        """The dump, restic on it and the store, and restic's own retention with the same
        ``BACKUP_KEEP``; the seconds of each beside the snapshot."""
        from jobs.backup import retention

        parts = {}
        parts["dump_s"], _ = timed(self.dump)
        parts["restic_backup_s"], summary = timed(lambda: self.repo.backup(
            [str(self.dump_dir), str(store)], ["raw"], parent=parent, force=parent is None))
        policy = retention.policy_of()
        if policy:
            parts["restic_forget_s"], _ = timed(lambda: self.repo.run(
                "forget", "--group-by", "host", "--tag", "raw", "--prune", *retention.keep_args(policy)))
        return summary, parts

    def restore(self, snapshot: str, into_url: str | None) -> None:
        from jobs.backup import database

        place = self.work / "raw-restore"
        shutil.rmtree(place, ignore_errors=True)
        self.repo.restore(snapshot, place)
        if self.dialect == "postgresql":
            dump = place / str(self.dump_dir / "dossier.pgdump").lstrip("/")
            args, env = database.libpq_env(into_url)
            subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args, str(dump)],
                           env=env, check=True, capture_output=True)
        shutil.rmtree(place, ignore_errors=True)


def change_officials(share: float) -> tuple[int, float]:
    """Change ``share`` of the officials (post, one annual assessment each) by bulk statements."""
    from sqlalchemy import select, update

    from models import Official
    from models.db import db
    from models.evaluation import AnnualAssessment

    officials = Official.__table__
    ids = list(db.session.scalars(select(officials.c.id)))
    ids = random.Random(7).sample(ids, max(1, int(len(ids) * share)))
    assessment = AnnualAssessment.__table__
    started = time.perf_counter()
    for start in range(0, len(ids), 1000):
        batch = ids[start:start + 1000]
        db.session.execute(update(officials).where(officials.c.id.in_(batch)).values(post="二级调研员"))
        rows = db.session.execute(select(assessment.c.official_id, assessment.c.id)
                                  .where(assessment.c.official_id.in_(batch))).all()
        one_each = list({official: row_id for official, row_id in rows}.values())
        db.session.execute(update(assessment).where(assessment.c.id.in_(one_each)).values(
            comments="年度考核结果已复核。"))
    db.session.commit()
    return len(ids), time.perf_counter() - started


def scratch_url(engine, suffix: str) -> str | None:
    """An empty PostgreSQL database beside the instance's (``<name>_<suffix>``), made fresh."""
    from sqlalchemy_utils import create_database

    from jobs.backup.restore_test import drop_database

    if engine.dialect.name != "postgresql":
        return None
    url = engine.url.set(database=f"{engine.url.database}_{suffix}")
    drop_database(url)
    create_database(url)
    return url.render_as_string(hide_password=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--change", type=float, default=0.01, help="share of officials changed (default 1%%)")
    parser.add_argument("--profile", action="store_true", help="print where the product's time went")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    from sqlalchemy import select, text

    from app import create_app

    work = Path(tempfile.mkdtemp(prefix="dossier-bench-backup-"))
    target = work / "target"
    target.mkdir()
    app = create_app({"DOSSIER_BACKUP_TARGETS": [str(target)], "BACKUP_STAGING_DIR": str(work / "staging"),
                      "DOSSIER_BACKUP_PASSWORD_FILE": str(work / "repository.key")})
    figures, profile = {}, {} if args.profile else None
    with app.app_context():
        from models.db import db
        from jobs.backup import runs
        from jobs.backup.restic import Repository
        from jobs.backup.restore import restore
        from jobs.backup.restore_test import drop_database
        from jobs.backup.verify import restored_app, verify_restored
        from models import Official
        from models.storage import attachments

        officials = db.session.scalar(select(text("count(*)")).select_from(Official.__table__))
        store = attachments.root()
        store.mkdir(parents=True, exist_ok=True)
        raw_repo = Repository(work / "raw-repository", runs.password_file(), cache_dir=work / "raw-cache")
        raw_repo.init()
        raw = RawEngines(db.engine, work, raw_repo)
        # A target's repository is created once, by its first backup: set-up, as for the raw one.
        runs.repository(str(target)).init()

        seconds, full = timed(lambda: runs.run_backup(full=True), profile, "full")
        copy = full.copies[0]
        raw_seconds, (raw_full, raw_parts) = timed(lambda: raw.backup(store))
        figures["full"] = {
            "product_s": seconds, "raw_s": raw_seconds, "raw_parts": raw_parts,
            "database_snapshot_bytes": full.database_bytes,
            "bytes_read": copy.bytes_read, "bytes_added": copy.bytes_added, "repository_bytes": du(target),
            "staging_left": (work / "staging").exists(),
        }

        changed, change_seconds = change_officials(args.change)
        seconds, incremental = timed(lambda: runs.run_backup(), profile, "incremental")
        copy = incremental.copies[0]
        raw_seconds, (raw_incremental, raw_parts) = timed(lambda: raw.backup(store, parent=raw_full.snapshot_id))
        figures["incremental"] = {
            "officials_changed": changed, "rows_changed_s": change_seconds, "product_s": seconds,
            "raw_s": raw_seconds, "raw_parts": raw_parts, "database_part_bytes": incremental.database_bytes,
            "bytes_read": copy.bytes_read, "bytes_added": copy.bytes_added, "kind": incremental.kind,
            "staging_left": (work / "staging").exists(),
        }

        scratch = scratch_url(db.engine, "restore_test")
        raw_scratch = scratch_url(db.engine, "raw_restore")
        into = work / "restored"
        try:
            seconds, restored = timed(lambda: restore(str(target), "latest", into, scratch, echo=lambda _t: None),
                                      profile, "restore")
            verify_seconds, checks = timed(lambda: verify_restored(
                restored_app(into, restored.database_url), restored.manifest, 20))
            raw_seconds, _ = timed(lambda: raw.restore(raw_incremental.snapshot_id, raw_scratch))
        finally:
            for url in (scratch, raw_scratch):
                if url:
                    drop_database(url)
        figures["restore"] = {
            "product_s": seconds, "raw_s": raw_seconds, "verify_s": verify_seconds,
            "rows_applied": restored.rows_applied, "rows_checked": checks["rows"], "chain": len(restored.chain),
        }
        figures["instance"] = {"officials": officials, "dialect": db.engine.dialect.name,
                               "store_bytes": du(store),
                               "restic": subprocess.run(["restic", "version"], capture_output=True,
                                                        text=True).stdout.strip()}
    shutil.rmtree(work, ignore_errors=True)

    raw_name = ("pg_dump" if figures["instance"]["dialect"] == "postgresql" else "VACUUM INTO") + \
        " + restic backup + restic forget"
    print(f"{figures['instance']['officials']} officials on {figures['instance']['dialect']}, "
          f"store {figures['instance']['store_bytes'] / MIB:.1f} MiB")
    print(f"{'step':12} {'product s':>10} {'raw s':>8} {'ratio':>6} {'met':>4}  details (raw: {raw_name}; "
          f"restore: restic restore + pg_restore)")
    for step in ("full", "incremental", "restore"):
        f = figures[step]
        f["ratio"] = f["product_s"] / f["raw_s"]
        f["met"] = f["ratio"] <= TARGET_RATIO
        details = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in f.items()
                   if k not in ("product_s", "raw_s", "ratio", "met")}
        print(f"{step:12} {f['product_s']:10.2f} {f['raw_s']:8.2f} {f['ratio']:6.2f} {'yes' if f['met'] else 'NO':>4}"
              f"  {json.dumps(details)}")
    for step, text_ in (profile or {}).items():
        print(f"\n--- where the product's time went: {step} ---\n{text_}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    os.environ.setdefault("DOSSIER_ENV", "development")
    main()
