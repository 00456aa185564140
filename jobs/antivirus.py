"""Signatures from offline media and rescans of the whole store (§6.2.2 防病毒).

The network is isolated: signature files arrive on a medium. ``update`` checks
each one (official ``.cvd``/``.cld``/``.cud`` with ``sigtool``, which verifies the
digital signature of a ``.cvd``; local ``.hdb``/``.hsb``/``.ndb``… line by line),
installs them atomically into clamd's database directory and has clamd reload.
clamd reloads in the background, so each update also installs a one-off
signature of a random token and waits until clamd finds the token: only then are
the new signatures known to be in use. ``freshclam`` is never run.

``rescan`` decrypts every stored file segment by segment into clamd's stream (no
plaintext ever on disk, never a whole file in memory). An infected file is
quarantined: refused to every reader, listed for the archivist, audited; never
deleted.
"""

import hashlib
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from models.db import db
from models import Material, Official, Quarantine, ScanRun
from security import audit, crypto
from models.storage import attachments, scanner

OFFICIAL = {".cvd", ".cld", ".cud"}
_HASH = r"(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})"
_NAME = r"[^:\s][^:]*"
# Local signature formats (ClamAV's "Creating signatures" guide), one line each.
LOCAL = {
    ".hdb": re.compile(rf"{_HASH}:(?:\d+|\*):{_NAME}(?::\d+(?::\d+)?)?"),
    ".hsb": re.compile(rf"{_HASH}:(?:\d+|\*):{_NAME}(?::\d+(?::\d+)?)?"),
    ".mdb": re.compile(rf"(?:\d+|\*):{_HASH}:{_NAME}(?::\d+(?::\d+)?)?"),
    ".msb": re.compile(rf"(?:\d+|\*):{_HASH}:{_NAME}(?::\d+(?::\d+)?)?"),
    ".ndb": re.compile(rf"{_NAME}:(?:[0-9]|1[0-4]):(?:\*|[A-Z]*[+-]?\d*(?:,\d+)?|\d+(?:,\d+)?):[0-9a-fA-F?*(){{}}\[\]|!\-;,]+(?::\d+(?::\d+)?)?"),
    ".ldb": re.compile(rf"{_NAME};[^;]+;.+"),
    ".fp": re.compile(rf"{_HASH}:(?:\d+|\*):{_NAME}"),
    ".sfp": re.compile(rf"{_HASH}:(?:\d+|\*):{_NAME}"),
    ".ign2": re.compile(r"[^\s].*"),
}
CANARY_FILE = "dossier-reload-check.hdb"


class UpdateRefused(Exception):
    pass


def client() -> scanner.Clamd:
    return attachments.scanner_client()


def database_dir() -> Path:
    return Path(current_app.config["CLAMD_DATABASE_DIR"])


# ------------------------------------------------------------------ verification


def verify_official(path: Path) -> str:
    """sigtool's account of an official database, or UpdateRefused."""
    result = subprocess.run(["sigtool", f"--info={path}"], capture_output=True, text=True, timeout=600)
    report = result.stdout + result.stderr
    if result.returncode != 0 or "Version:" not in report:
        raise UpdateRefused(f"{path.name}: not a valid ClamAV database ({report.strip().splitlines()[-1:] or '?'})")
    if path.suffix == ".cvd" and "Verification OK" not in report:
        raise UpdateRefused(f"{path.name}: its digital signature does not verify")
    version = re.search(r"^Version:\s*(\d+)", report, re.M).group(1)
    installed = database_dir() / path.name
    if installed.exists():
        current = subprocess.run(["sigtool", f"--info={installed}"], capture_output=True, text=True, timeout=600)
        old = re.search(r"^Version:\s*(\d+)", current.stdout, re.M)
        if old and int(old.group(1)) > int(version):
            raise UpdateRefused(f"{path.name}: version {version} is older than the installed {old.group(1)}")
    return f"{path.name} version {version}"


def verify_local(path: Path) -> str:
    pattern = LOCAL[path.suffix]
    count = 0
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not pattern.fullmatch(line):
                raise UpdateRefused(f"{path.name} line {number}: not a {path.suffix} signature")
            count += 1
    if not count:
        raise UpdateRefused(f"{path.name}: holds no signature")
    return f"{path.name} ({count} signatures)"


def verify(source_dir: Path) -> list[tuple[Path, str]]:
    """Every signature file of ``source_dir`` checked; nothing is installed unless all pass."""
    files = sorted(p for p in source_dir.iterdir() if p.is_file() and p.suffix in OFFICIAL | set(LOCAL))
    if not files:
        raise UpdateRefused(f"{source_dir}: no signature files (.cvd, .cld, .cud, {', '.join(sorted(LOCAL))})")
    return [(path, verify_official(path) if path.suffix in OFFICIAL else verify_local(path)) for path in files]


# ------------------------------------------------------------------ installation


def _install_file(source: Path, directory: Path) -> None:
    handle = tempfile.NamedTemporaryFile(dir=directory, prefix=".incoming-", delete=False)
    try:
        with handle, open(source, "rb") as incoming:
            shutil.copyfileobj(incoming, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, directory / source.name)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def reload_and_confirm(timeout: float | None = None) -> None:
    """RELOAD, then wait until clamd detects a token signed just now: the new database is live."""
    token = b"dossier reload check " + secrets.token_hex(16).encode()
    name = f"Dossier.ReloadCheck.{hashlib.sha256(token).hexdigest()[:12]}"
    canary = database_dir() / CANARY_FILE
    canary.write_text(f"{hashlib.md5(token).hexdigest()}:{len(token)}:{name}\n")
    scan = client()
    if scan.reload() != "RELOADING":
        raise scanner.ScannerUnavailable("clamd did not accept RELOAD")
    deadline = time.monotonic() + (timeout or float(current_app.config["CLAMD_TIMEOUT"]))
    while time.monotonic() < deadline:
        verdict = scan.scan_chunks([token])
        if verdict.signature and verdict.signature.startswith(name):
            return
        time.sleep(0.05)
    raise scanner.ScannerUnavailable("clamd did not finish reloading its signatures in time")


def update_signatures(source_dir: Path, actor: str = "cli") -> list[str]:
    checked = verify(source_dir)
    directory = database_dir()
    for path, _report in checked:
        _install_file(path, directory)
    reload_and_confirm()
    reports = [report for _path, report in checked]
    audit.record("antivirus_update", object_type="signatures", object_id=client().version()[:60], actor=actor,
                 details={"from": str(source_dir), "files": reports})
    db.session.commit()
    return reports


# ------------------------------------------------------------------ rescan


@dataclass
class RescanReport:
    run: ScanRun
    quarantined: list = field(default_factory=list)


def rescan(trigger: str = "command", progress=None) -> RescanReport:
    """Scan every stored file not yet quarantined; quarantine what the signatures now find."""
    scan = client()
    signatures = scan.version()  # fails closed now rather than after opening files
    table = Material.__table__
    held = set(db.session.scalars(select(Quarantine.stored_sha256)))
    rows = [row for row in db.session.execute(
        select(table.c.id, table.c.official_id, table.c.stored_sha256, table.c.file_key_id, table.c.size).order_by(table.c.id)
        .execution_options(include_pending=True)).all() if row.stored_sha256 not in held]
    db.session.rollback()  # no transaction held open while reading the disk
    run = ScanRun(started_at=datetime.now(), trigger=trigger, signatures=signatures[:200], files=0, bytes=0,
                  infected=0, skipped=0)
    found, skipped = [], []
    for done, row in enumerate(rows, start=1):
        try:
            verdict = scan.scan_chunks(attachments.open_plaintext(row.stored_sha256, row.official_id,
                                                                  row.file_key_id, quarantine_ok=True))
        except attachments.AttachmentError as error:
            skipped.append(f"material {row.id}: {error.code}")
            continue
        except crypto.DecryptionError:
            skipped.append(f"material {row.id}: unreadable")
            continue
        run.files += 1
        run.bytes += row.size
        if not verdict.clean:
            found.append((row, verdict.signature))
        if progress:
            progress(done, len(rows))
    run.finished_at = datetime.now()
    run.infected, run.skipped = len(found), len(skipped)
    run.problem = "\n".join(skipped)[:20000] or None
    db.session.add(run)
    db.session.flush()
    actor = "scheduler" if trigger == "schedule" else "cli"
    entries = []
    for row, signature in found:
        entry = Quarantine(stored_sha256=row.stored_sha256, material_id=row.id, official_id=row.official_id,
                           signature=signature[:200], scan_run_id=run.id)
        db.session.add(entry)
        entries.append(entry)
        audit.record("file_quarantined", object_type="material", object_id=row.id, actor=actor,
                     details={"official": row.official_id, "signature": signature, "scan_run": run.id})
    audit.record("antivirus_rescan", object_type="scan_run", object_id=run.id, actor=actor,
                 details={"files": run.files, "infected": run.infected, "skipped": run.skipped,
                          "signatures": signatures})
    db.session.commit()
    return RescanReport(run, entries)


# ------------------------------------------------------------------ the archivist's view of it


def signature_info(version: str | None) -> dict:
    """``ClamAV 1.4.6/27100/Tue Dec  1 08:00:00 2026`` → engine, signature version and date."""
    engine, _sep, rest = (version or "").partition("/")
    number, _sep, date = rest.partition("/")
    return {"engine": engine or None, "version": number or None, "date": date.strip() or None}


def status() -> dict:
    try:
        version = client().version()
    except scanner.ScannerUnavailable:
        version = None
    directory = database_dir()
    try:
        files = sorted((p.name, p.stat().st_size, datetime.fromtimestamp(p.stat().st_mtime))
                       for p in directory.iterdir() if p.is_file() and p.suffix in OFFICIAL | set(LOCAL)
                       and p.name != CANARY_FILE)
    except OSError:
        files = []
    last = db.session.scalar(select(ScanRun).order_by(ScanRun.id.desc()).limit(1))
    quarantined = db.session.execute(
        select(Quarantine, Material, Official).join(Material, Material.id == Quarantine.material_id)
        .join(Official, Official.id == Quarantine.official_id).order_by(Quarantine.found_at.desc())
        .execution_options(include_pending=True)
    ).all()
    return {"reachable": version is not None, "socket": current_app.config["CLAMD_SOCKET"],
            **signature_info(version), "files": files, "last_run": last, "quarantined": quarantined}


# ------------------------------------------------------------------ commands


@click.group(help="Virus scanning: signatures from offline media, rescans of the store.")
def antivirus():
    pass


@antivirus.command("update", help="Verify and install the signature files of DIR, reload clamd, rescan the store.")
@click.option("--from", "source", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--no-rescan", is_flag=True, help="Install and reload only.")
@with_appcontext
def update_command(source, no_rescan):
    try:
        for report in update_signatures(source):
            click.echo(f"installed {report}")
    except UpdateRefused as error:
        raise click.ClickException(f"nothing installed: {error}")
    except scanner.ScannerUnavailable as error:
        raise click.ClickException(f"installed, but clamd did not take them: {error}")
    click.echo(f"clamd reloaded: {client().version()}")
    if not no_rescan:
        _echo_rescan(rescan("update"))


@antivirus.command("rescan", help="Scan every stored file with the current signatures.")
@with_appcontext
def rescan_command():
    try:
        _echo_rescan(rescan("command"))
    except scanner.ScannerUnavailable as error:
        raise click.ClickException(str(error))


def _echo_rescan(report: RescanReport) -> None:
    run = report.run
    click.echo(f"rescanned {run.files} files ({run.bytes:,} bytes): {run.infected} infected, {run.skipped} skipped")
    for entry in report.quarantined:
        click.echo(f"QUARANTINED material {entry.material_id} (official {entry.official_id}): {entry.signature}",
                   err=True)
