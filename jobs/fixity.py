"""The fixity check (§4.3 定期檢查): re-read every stored file and compare it with the
fingerprints recorded when it was filed.

``stored`` depth hashes the bytes on disk against their recorded SHA-256, which
needs no key and so also works on a backup copy. ``full`` depth also decrypts
each file and checks the document's own SHA-256. Problems are recorded in a
``FixityRun`` and in the audit trail; nothing is ever repaired silently.
"""

import time
from dataclasses import dataclass, field
from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models.db import db
from models import FixityProblem, FixityRun, Material
from security import crypto
from models.storage import attachments

DEPTHS = ("stored", "full")


@dataclass
class FixityReport:
    run: FixityRun
    seconds: float
    shredded: int = 0
    problems: list = field(default_factory=list)
    # Temp files of uploads that never finished (the clean-up job removes them).
    stale_temp: list = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.run.bytes / self.seconds if self.seconds else 0.0


def _check(row, depth: str) -> str | None:
    """The problem with one stored file, or None."""
    try:
        attachments.verify_stored(row.stored_sha256)
    except attachments.AttachmentError as error:
        return error.code
    if depth == "full":
        try:
            if attachments.plaintext_digest(row.stored_sha256, row.official_id, row.file_key_id) != row.content_sha256:
                return "unreadable"
        except attachments.AttachmentError as error:
            return error.code
        except crypto.DecryptionError:  # a segment does not authenticate under the file's key
            return "unreadable"
    return None


def run_fixity(depth: str = "stored", trigger: str = "command", progress=None) -> FixityReport:
    if depth not in DEPTHS:
        raise ValueError(f"depth must be one of {DEPTHS}")
    table = Material.__table__
    rows = db.session.execute(
        select(table.c.id, table.c.official_id, table.c.stored_sha256, table.c.file_key_id, table.c.content_sha256,
               table.c.size)
        .order_by(table.c.id).execution_options(include_pending=True)
    ).all()
    db.session.rollback()  # no transaction held open while reading the disk
    started = time.perf_counter()
    run = FixityRun(started_at=datetime.now(), depth=depth, trigger=trigger,
                    files=0, bytes=0, missing=0, corrupt=0, unreadable=0)
    shredded = 0
    for done, row in enumerate(rows, start=1):
        problem = _check(row, depth)
        run.files += 1
        if problem == "shredded":
            shredded += 1
        elif problem:
            setattr(run, problem, getattr(run, problem) + 1)
            run.problems.append(FixityProblem(material_id=row.id, official_id=row.official_id,
                                              stored_sha256=row.stored_sha256, problem=problem))
        if problem != "missing":
            run.bytes += _stored_size(row.stored_sha256)
        if progress:
            progress(done, len(rows))
    seconds = time.perf_counter() - started
    stale = attachments.stale_temp_files()
    run.finished_at = datetime.now()
    db.session.add(run)
    db.session.flush()
    from security import audit

    audit.record("fixity_check", object_type="fixity_run", object_id=run.id, actor="scheduler" if trigger == "schedule" else "cli",
                 details={"depth": depth, "files": run.files, "missing": run.missing, "corrupt": run.corrupt,
                          "unreadable": run.unreadable, "shredded": shredded, "stale_temp_files": len(stale)})
    db.session.commit()
    return FixityReport(run, seconds, shredded, list(run.problems), stale)


def _stored_size(stored_sha256: str) -> int:
    try:
        return attachments.path_of(stored_sha256).stat().st_size
    except OSError:
        return 0


@click.command(help="Re-read every stored file and check it against its recorded SHA-256; exits 1 on any problem.")
@click.option("--depth", type=click.Choice(DEPTHS), default="stored", show_default=True,
              help="stored: the bytes on disk (no key needed); full: also decrypt and check the document.")
@with_appcontext
def fixity(depth):
    report = run_fixity(depth)
    run = report.run
    click.echo(f"checked {run.files} files, {run.bytes:,} bytes in {report.seconds:.2f}s "
               f"({report.rate / 1024 / 1024:,.1f} MiB/s); {report.shredded} with destroyed keys skipped")
    for problem in report.problems:
        click.echo(f"{problem.problem.upper()}: material {problem.material_id} (official {problem.official_id}) "
                   f"{attachments.path_of(problem.stored_sha256)}", err=True)
    for path in report.stale_temp:
        click.echo(f"STALE TEMP FILE: {path} (an upload that never finished; the nightly cleanup job removes it)",
                   err=True)
    if run.ok:
        click.echo("OK: every stored file matches its fingerprint")
        return
    click.echo(f"PROBLEMS: {run.missing} missing, {run.corrupt} corrupt, {run.unreadable} unreadable", err=True)
    raise SystemExit(1)
