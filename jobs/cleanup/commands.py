"""``flask --app app dossier cleanup [--dry-run] [--kind K]``."""

import click
from flask.cli import with_appcontext

from . import CLEANERS, plan, run, summary


@click.command("cleanup", help="Data clean-up (§4.3.3): list (--dry-run) or remove what is left behind: "
               + ", ".join(CLEANERS) + ". Dossier content is never cleaned.")
@click.option("--dry-run", is_flag=True, help="List what would be removed and why; change nothing.")
@click.option("--kind", "chosen", multiple=True, type=click.Choice(sorted(CLEANERS)),
              help="Only this kind (repeatable); every kind by default.")
@with_appcontext
def cleanup_command(dry_run, chosen):
    result = (plan if dry_run else lambda k: run(k, actor="cli"))(list(chosen) or None)
    for kind, found in result.items.items():
        verb = "would remove" if dry_run else "removed"
        click.echo(f"{kind}: {verb} {result.removed.get(kind, len(found))}")
        for item in found:
            since = f" (since {item.since:%Y-%m-%d})" if item.since else ""
            click.echo(f"  {item.ref}{since}: {item.reason}")
        for item in result.notices.get(kind, ()):
            click.echo(f"  {'would tell' if dry_run else 'told'} the author of {item.ref}: {item.reason}")
    click.echo(("dry run: nothing changed; " if dry_run else "") + summary(result))
