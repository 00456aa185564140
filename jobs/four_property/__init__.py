"""The four-property self-check (四性检测, DA/T 70-2018) of the holdings: authenticity,
integrity, usability and security, item by item.

``ITEMS`` is the table of items; each reads the holdings (jobs.four_property.records,
.keeping) and names what it finds wrong. A run is kept (models.inspection) with every
item's outcome and its first problems, and written to the audit trail; the command
and the scheduled job run the same code.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from models.db import db
from models.inspection import FourPropertyItem, FourPropertyRun

from . import keeping, records
from .context import Context, Result

PROPERTIES = {
    "authenticity": _l("Authenticity"),
    "integrity": _l("Integrity"),
    "usability": _l("Usability"),
    "security": _l("Security"),
}


@dataclass(frozen=True)
class Item:
    property: str
    key: str
    label: object
    check: Callable[[Context], Result]


ITEMS = (
    Item("authenticity", "file_hashes", _l("Every stored file matches its recorded hashes"), keeping.file_hashes),
    Item("authenticity", "audit_chain", _l("The audit chain verifies"), keeping.audit_chain),
    Item("authenticity", "checkpoints", _l("The signed audit checkpoints verify"), keeping.checkpoints),
    Item("authenticity", "manifests", _l("The backup manifests' signatures verify"), keeping.manifests),
    Item("authenticity", "approved_versions", _l("Every approved record equals its last approved version"),
         records.approved_versions),
    Item("integrity", "numbering", _l("Catalogue numbering is gap-free"), records.numbering),
    Item("integrity", "files_present", _l("Every material's file is present"), keeping.files_present),
    Item("integrity", "metadata", _l("Material metadata is complete"), records.metadata),
    Item("integrity", "catalogue_counts", _l("Each dossier's materials equal its catalogue"), records.catalogue_counts),
    Item("usability", "formats", _l("Every file opens in its format"), keeping.formats_open),
    Item("usability", "page_counts", _l("Page counts agree with the files"), keeping.page_counts),
    Item("security", "encryption", _l("No sensitive column is stored in clear"), records.encryption_coverage),
    Item("security", "keys", _l("Keys are present and wrapped"), keeping.keys),
    Item("security", "scanning", _l("Virus scanning is running and found nothing"), keeping.scanning),
    Item("security", "backups", _l("Backups are within their schedule and the last restore test passed"),
         keeping.backups),
)
BY_KEY = {item.key: item for item in ITEMS}


def run(trigger: str = "command") -> FourPropertyRun:
    started, clock = datetime.now(), time.perf_counter()
    ctx = Context(trigger)
    results = []
    for item in ITEMS:
        results.append((item, item.check(ctx)))
        db.session.rollback()  # no transaction held open between items
    check_run = FourPropertyRun(started_at=started, trigger=trigger, ok=all(r.outcome != "fail" for _, r in results))
    for item, result in results:
        detail = {"problems": result.problems, **({"note": result.note} if result.note else {})}
        check_run.items.append(FourPropertyItem(property=item.property, item=item.key, outcome=result.outcome,
                                                checked=result.checked, problems=len(result.problems),
                                                detail=keeping.as_json(detail)))
    check_run.finished_at, check_run.seconds = datetime.now(), time.perf_counter() - clock
    db.session.add(check_run)
    db.session.flush()
    from security import audit

    audit.record("four_property_check", object_type="four_property_run", object_id=check_run.id,
                 actor="scheduler" if trigger == "schedule" else ("cli" if trigger == "command" else None),
                 details={"ok": check_run.ok, "failed": [i.item for i in check_run.items if i.outcome == "fail"]})
    db.session.commit()
    return check_run


def problems_of(item: FourPropertyItem) -> list[dict]:
    return json.loads(item.detail or "{}").get("problems", [])


def note_of(item: FourPropertyItem) -> dict:
    return json.loads(item.detail or "{}").get("note") or {}


def render(check_run: FourPropertyRun) -> str:
    """The run as plain text, item by item (the command's output)."""
    marks = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}
    lines = [f"four-property check #{check_run.id} {check_run.started_at:%Y-%m-%d %H:%M:%S} "
             f"({check_run.seconds:.2f}s): {'ALL GREEN' if check_run.ok else 'PROBLEMS FOUND'}"]
    for row in check_run.items:
        item = BY_KEY[row.item]
        lines.append(f"  {marks[row.outcome]}  {row.property:<12} {row.item:<18} checked {row.checked:>9,}  "
                     f"problems {row.problems:>4}  {item.label}")
        for problem in problems_of(row)[:10]:
            lines.append(f"        - {json.dumps(problem, ensure_ascii=False, sort_keys=True)}")
        if row.outcome == "skip":
            lines.append(f"        ({note_of(row).get('reason')})")
    return "\n".join(lines)


@click.command("four-property", help="Test the holdings' authenticity, integrity, usability and security "
                                     "(DA/T 70-2018) item by item; exits 1 on any failed item.")
@with_appcontext
def four_property_command():
    check_run = run("command")
    click.echo(render(check_run))
    if not check_run.ok:
        raise SystemExit(1)
