"""``flask --app app dossier …`` commands."""

import sys

import click
from flask.cli import with_appcontext


@click.group(help="Operate the dossier system.")
def dossier():
    pass


@dossier.command(help="Apply migrations, load code tables, create permissions and roles. Safe to repeat.")
@with_appcontext
def init():
    from jobs.setup import initialise

    report = initialise()
    click.echo(
        f"code items: +{report.code_items_added} ~{report.code_items_updated} -{report.code_items_removed}; "
        f"role grants added: {sum(report.grants_added.values())}"
    )
    if report.files_rekeyed:
        click.echo(f"files moved to keys of their own: {report.files_rekeyed}")
    if report.rekey_postponed:
        click.echo(f"files not moved to keys of their own yet: {report.rekey_postponed}", err=True)
    click.echo("database is up to date" if not report.changed else "database initialised")


@dossier.command(help="Create demonstration dossiers and one account per role.")
@click.option("--officials", type=click.IntRange(min=0), default=200, show_default=True)
@click.option("--demo-password", required=True, help="Password of every demo account.")
@click.option("--seed", "rng_seed", type=int, default=20261125, show_default=True, help="Random seed.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already holds officials.")
@with_appcontext
def seed(officials, demo_password, rng_seed, if_empty):
    from sqlalchemy import func, select

    from models.db import db
    from jobs.seed import seed as run_seed
    from models import Official

    if if_empty and db.session.scalar(select(func.count()).select_from(Official)):
        click.echo("officials already present: nothing seeded")
        return

    def progress(done, total):
        if sys.stderr.isatty() or done == total or done % 20000 == 0:
            click.echo(f"\r{done}/{total} officials", nl=done == total, err=True)

    result = run_seed(officials, demo_password, rng_seed=rng_seed, progress=progress)
    rows = sum(result["counts"].values())
    click.echo(f"seeded {officials} officials, {rows} rows in {result['seconds']:.1f}s")


@dossier.command(help="Add the demonstration scenario (documents with scans, work in every queue, a backup "
                       "target under the instance folder) to seeded dossiers. Safe to repeat.")
@with_appcontext
def demo():
    from jobs.demo import DemoError, populate

    try:
        added = populate()
    except DemoError as error:
        raise click.ClickException(str(error))
    click.echo("demo scenario: " + (", ".join(f"{kind} +{n}" for kind, n in sorted(added.items()) if n)
                                    or "already complete"))


@dossier.command("route-matrix", help="Rewrite security/route_access.csv from the role data, for review.")
@with_appcontext
def route_matrix():
    from flask import current_app

    from security import route_matrix as matrix

    matrix.write(matrix.derive(current_app))
    click.echo(f"wrote {matrix.PATH}: review the diff (git diff {matrix.PATH.name})")


from jobs.antivirus import antivirus  # noqa: E402
from jobs.attachments import attachments_command  # noqa: E402
from jobs.audit import audit  # noqa: E402
from jobs.backup.commands import backup_command, restore_command, restore_test_command, snapshots_command  # noqa: E402
from jobs.cleanup.commands import cleanup_command  # noqa: E402
from jobs.destruction.commands import destruction  # noqa: E402
from jobs.fixity import fixity  # noqa: E402
from jobs.four_property import four_property_command  # noqa: E402
from jobs.inspection.commands import inspection  # noqa: E402
from jobs.scheduler import job, scheduler  # noqa: E402

# The register's check joins the execution engine's destruction group.
from jobs.destruction.register import verify_command as _register_verify  # noqa: E402

destruction.add_command(_register_verify)

for _command in (antivirus, attachments_command, audit, backup_command, cleanup_command, destruction, fixity, four_property_command, inspection, job, restore_command, restore_test_command, scheduler,
                 snapshots_command):
    dossier.add_command(_command)


@dossier.group(help="The key-encryption key.")
def kek():
    pass


@kek.command(help="Re-wrap every data key and file key under a new key-encryption key; content is not touched.")
@click.option("--new-kek-file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="File holding the new key (32 random bytes, base64).")
@with_appcontext
def rotate(new_kek_file):
    import base64
    import time

    from models.db import db
    from security import audit
    from security.keys import keyring, kek_id_of

    new = base64.b64decode(open(new_kek_file, "rb").read().strip())
    if len(new) != 32:
        raise click.ClickException("The new key must be 32 bytes, base64-encoded.")
    ring = keyring()
    old_id, started = ring.kek_id, time.perf_counter()
    count = ring.rotate(new)
    audit.record("key_rotation", object_type="kek", object_id=kek_id_of(new),
                 details={"from": old_id, "data_keys": count}, actor="cli")
    db.session.commit()
    click.echo(f"re-wrapped {count} data keys and file keys in {time.perf_counter() - started:.2f}s; "
               f"now point DOSSIER_KEK_FILE at {new_kek_file}")
