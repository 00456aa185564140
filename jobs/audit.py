"""``flask --app app dossier audit …``: verify the audit trail and checkpoint it (§6.3).

Both are read-only on the database. ``checkpoint`` is meant for the scheduler
(e.g. hourly); each run appends one signed line to the checkpoint log.
"""

import sys

import click
from flask.cli import with_appcontext

from models.db import db
from security import audit as trail


@click.group(help="Verify and checkpoint the audit trail.")
def audit():
    pass


@audit.command(help="Verify the whole chain and every signed checkpoint; exits 1 on any problem.")
@click.option("--since-checkpoint", is_flag=True, help="Only the events after the last checkpoint.")
@with_appcontext
def verify(since_checkpoint):
    try:
        result = trail.verify(db.session, since_last_checkpoint=since_checkpoint)
    except trail.AuditError as error:
        click.echo(f"audit: {error}", err=True)
        sys.exit(2)
    finally:
        db.session.rollback()
    click.echo(f"checked {result.checked} events in {result.seconds:.2f}s ({result.rate:,.0f} events/s)")
    if result.ok:
        click.echo(f"OK: {result.message}")
        return
    click.echo(f"BROKEN at event {result.first_bad_seq} [{result.problem}]: {result.message}", err=True)
    sys.exit(1)


@audit.command(help="Sign the current chain head into the checkpoint log (after verifying the new events).")
@with_appcontext
def checkpoint():
    try:
        cp = trail.checkpoint(db.session)
    except trail.AuditError as error:
        click.echo(f"audit: {error}", err=True)
        sys.exit(1)
    finally:
        db.session.rollback()
    click.echo(f"checkpoint: event {cp.seq}, chain {cp.chain[:16]}…, at {cp.at} → {trail.checkpoint_path()}")

