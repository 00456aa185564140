"""``flask --app app dossier destruction …``: execute an approved list, say what is left.

The group is the one every destruction command joins (the register's ``verify`` too):
``from jobs.destruction.commands import destruction`` and ``@destruction.command(...)``.
"""

import json
import sys

import click
from flask.cli import with_appcontext

destruction = click.Group("destruction", help="Destruction lists (§9.2): execute an approved list, show what is left.")


def _account(login: str):
    from flask import current_app

    user = current_app.appbuilder.sm.find_user(username=login)
    if user is None:
        raise click.BadParameter(f"no account {login}")
    return user


def _list(list_id: int):
    from models.db import db
    from models.disposal.destruction import DestructionList

    found = db.session.get(DestructionList, list_id)
    if found is None:
        raise click.BadParameter(f"no destruction list {list_id}")
    return found


def _print_remaining(destruction_list) -> int:
    from .aftercare import remaining

    left = remaining(destruction_list)
    for line in left:
        click.echo(f"  - {line}")
    if not left:
        click.echo("nothing is left to do")
    return len(left)


@destruction.command("execute", help="Execute an approved list (or finish an interrupted execution).")
@click.argument("list_id", type=int)
@click.option("--executor", required=True, help="Login of the archivist executing the list.")
@click.option("--supervisor", required=True, help="Login of the second person present (监销人).")
@with_appcontext
def execute_command(list_id, executor, supervisor):
    from models.db import db

    from .execute import DestructionRefused, execute

    destruction_list = _list(list_id)
    try:
        report = execute(db.session, destruction_list, _account(executor), _account(supervisor))
    except DestructionRefused as refusal:
        click.echo(str(refusal), err=True)
        sys.exit(2)
    rows = sum(report.get("rows", {}).values())
    click.echo(f"list {list_id} executed: {rows} rows removed, {len(report.get('keys', {}))} data keys and "
               f"{len(report.get('file_keys', {}))} file keys shredded, "
               f"{sum(s == 'removed' for s in report.get('files', {}).values())} files removed")
    if report.get("snapshots_gone_by"):
        click.echo(f"older backup snapshots hold the destroyed rows until {report['snapshots_gone_by']}")
    if _print_remaining(destruction_list):
        sys.exit(1)


@destruction.command("status", help="What an execution has still to do; exits 1 while anything is left.")
@click.argument("list_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the whole execution report.")
@with_appcontext
def status_command(list_id, as_json):
    destruction_list = _list(list_id)
    click.echo(f"list {list_id}: {destruction_list.state}")
    if as_json and destruction_list.execution_report:
        click.echo(json.dumps(json.loads(destruction_list.execution_report), ensure_ascii=False, indent=2))
    if _print_remaining(destruction_list):
        sys.exit(1)
