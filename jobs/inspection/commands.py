"""``flask --app app dossier inspection …``: generate and verify inspection reports."""


import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models.db import db
from models import Department
from models.inspection import InspectionReport

from . import signing
from .period import Period
from .report import generate


@click.group(help="Inspection reports (§10): generate one for a period, verify a stored one.")
def inspection():
    pass


@inspection.command("report", help="Generate, seal and keep the report of a period (dates inclusive).")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--department", help="Department code; the whole unit when left out.")
@with_appcontext
def report_command(start, end, department):
    if end < start:
        raise click.BadParameter("--to is before --from")
    department_id = None
    if department:
        department_id = db.session.scalar(select(Department.id).where(Department.code == department))
        if department_id is None:
            raise click.BadParameter(f"no department {department}")
    report = generate(Period(start.date(), end.date(), department_id), "command")
    click.echo(f"report {report.id}: {report.period_start}..{report.period_end}, sha256 {report.sha256}")


@inspection.command("verify", help="Check a stored report's hash and signature; exits 1 if either fails.")
@click.argument("report_id", type=int)
@with_appcontext
def verify_command(report_id):
    report = db.session.get(InspectionReport, report_id)
    if report is None:
        raise click.BadParameter(f"no report {report_id}")
    problem = signing.check(report)
    click.echo(f"report {report_id}: " + ("signature verifies" if problem is None else f"FAILS: {problem}"))
    if problem:
        raise SystemExit(1)


