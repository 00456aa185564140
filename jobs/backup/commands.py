"""``flask dossier backup|restore|restore-test|snapshots`` and the scheduled backup jobs."""

import click
from flask import current_app
from flask.cli import with_appcontext

from models.db import db


def _echo(text: str) -> None:
    click.echo(text, err=True)


def scheduled_backup(full: bool) -> str:
    from jobs.backup.runs import run_backup

    run = run_backup(full=full, trigger="schedule")
    return f"backup {run.id} ({run.kind}): {run.state}" + (f": {run.message}" if run.message else "")


def requested_backups() -> str:
    """Runs asked for on the backups page; the scheduler, not a web worker, does them."""
    from jobs.backup.runs import next_requested, run_backup

    from jobs.scheduler import JOBS, acquire, holder_name, release

    if next_requested() is None:
        return "none requested"
    holder = holder_name()
    if not acquire("backup", holder, JOBS["backup_full"].lease):
        return "a backup is running: requests wait for the next minute"
    done = []
    try:
        while (run := next_requested()) is not None:
            try:
                run = run_backup(full=run.kind == "full", trigger="request", run=run)
            except Exception as error:  # recorded on the run; the next request still runs
                current_app.logger.error("requested backup %s failed: %s", run.id, error)
            done.append(f"{run.id} {run.state}")
    finally:
        release("backup", holder, "ok: requested " + ", ".join(done))
    return ", ".join(done)


def scheduled_restore_tests() -> str:
    from jobs.backup.restore_test import restore_test
    from jobs.backup.runs import targets

    results = [restore_test(target, echo=current_app.logger.info) for target in targets()]
    failed = [r for r in results if not r.ok]
    if failed:
        raise RuntimeError("; ".join(f"{r.target}: {r.problem}" for r in failed))
    return f"{len(results)} target(s) passed"


@click.command("backup", help="Back up the database, the attachment store and the audit checkpoints to every target.")
@click.option("--full", is_flag=True, help="Re-read everything instead of only what changed since the last backup.")
@with_appcontext
def backup_command(full):
    from jobs.backup.database import DatabaseError
    from jobs.backup.runs import BackupError, run_backup

    try:
        run = run_backup(full=full, echo=_echo)
    except (BackupError, DatabaseError, OSError) as error:
        raise click.ClickException(str(error))
    for copy in run.copies:
        click.echo(f"{copy.target}: " + (f"snapshot {copy.snapshot_id[:8]}" if copy.ok else f"FAILED: {copy.error}"))
    click.echo(f"backup {run.id} ({run.kind}): {run.state}")
    if run.state != "succeeded":
        raise SystemExit(1)


@click.command("snapshots", help="The snapshots of a target, oldest first.")
@click.option("--target", help="A path from DOSSIER_BACKUP_TARGETS (default: every target).")
@with_appcontext
def snapshots_command(target):
    from jobs.backup.restic import ResticError
    from jobs.backup.runs import repository, targets

    for name in [target] if target else targets():
        try:
            found = repository(name).snapshots(["dossier"])
        except ResticError as error:
            click.echo(f"{name}: {error}")
            continue
        click.echo(name)
        for snap in found:
            tags = dict(t.split(":", 1) for t in snap.get("tags", []) if ":" in t)
            click.echo(f"  {snap['short_id']}  {snap['time'][:19]}  {tags.get('kind', '?'):11}  run {tags.get('run')}")


@click.command("restore", help="Rebuild a complete instance from a backup snapshot in a new directory.")
@click.option("--target", required=True, help="The target to restore from.")
@click.option("--snapshot", default="latest", show_default=True, help="Snapshot id (or its first 8 characters).")
@click.option("--into", required=True, type=click.Path(file_okay=False), help="A new or empty directory.")
@click.option("--database", "into_database", help="PostgreSQL: the URL of an empty database to restore into "
              "(default: SQLite in the directory).")
@with_appcontext
def restore_command(target, snapshot, into, into_database):
    from pathlib import Path

    from jobs.backup.restore import RestoreProblem, restore
    from jobs.backup.verify import restored_app, verify_restored

    try:
        restored = restore(target, snapshot, Path(into), into_database, echo=_echo)
        checks = verify_restored(restored_app(restored.into, restored.database_url), restored.manifest,
                                 current_app.config.get("RESTORE_TEST_SAMPLE", 20))
    except RestoreProblem as problem:
        _record(target, snapshot, into, problem.message)
        raise click.ClickException(problem.message)
    _record(target, restored.snapshot, into, None)
    click.echo(f"restored snapshot {restored.snapshot[:8]} ({len(restored.chain)} in its chain, "
               f"{checks['rows']} rows, {checks['files']} files) into {restored.into} in {restored.seconds:.1f}s")
    click.echo(f"start it with: DOSSIER_CONFIG={restored.into / 'dossier_config.py'} flask --app app run")


def _record(target, snapshot, into, problem) -> None:
    """The restore in this installation's audit trail, if its database is there to take it."""
    from security import audit

    try:
        audit.record("restore", object_type="backup_snapshot", object_id=str(snapshot)[:64], actor="cli",
                     details={"target": target, "into": str(into), "ok": problem is None})
        db.session.commit()
    except Exception:  # a disaster recovery may run where no database is left
        db.session.rollback()


@click.command("restore-test", help="Restore each target's latest snapshot into scratch space and verify it.")
@click.option("--target", help="Only this target.")
@with_appcontext
def restore_test_command(target):
    from jobs.backup.restore_test import restore_test
    from jobs.backup.runs import targets

    results = [restore_test(name, echo=_echo) for name in ([target] if target else targets())]
    for result in results:
        click.echo(f"{result.target}: " + ("passed" if result.ok else f"FAILED: {result.problem}"))
    if not results or not all(r.ok for r in results):
        raise SystemExit(1)
