"""The destruction register (销毁清册, §9.2.4 記錄備案): the permanent record of an executed list.

Built once, at the end of a successful execution, from the list as it was frozen at
submission and from the execution's report (rows removed, data and file keys shredded,
each backup target's keyring purge, the date older snapshots are gone by). Its body is
canonical JSON, stored with its SHA-256 and an Ed25519 signature by the key that signs
audit checkpoints and backup manifests (kept outside the database), under a context of
its own so no other signed text passes for a register. The ORM never changes or deletes
one (``models.disposal.register_hooks``); a change behind the application is caught by
``check`` and ``flask --app app dossier destruction verify``. Every table of the
metadata is in every backup, so the register is too.
"""

import json

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from models import codes
from models.disposal.destruction import EXECUTED, DestructionRegister
from security import audit

from .. import seals

CONTEXT = b"dossier-destruction-register\x1f"
FORMAT = 1


def canonical(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


digest = seals.digest


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "login": user.username, "name": f"{user.last_name or ''}{user.first_name or ''}".strip()}


def _at(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _shredded(section: dict) -> tuple[list[str], dict]:
    """Key ids shredded, and each target's purge outcome per key, from a report section."""
    shredded = sorted(k for k, v in section.items() if v.get("shredded"))
    purges = {k: v.get("targets", {}) for k, v in sorted(section.items())}
    return shredded, purges


def body_of_list(destruction_list) -> dict:
    """The register's content: the list as frozen, its people and times, and what the
    execution report says was done."""
    report = json.loads(destruction_list.execution_report or "{}")
    data_keys, data_purges = _shredded(report.get("keys", {}))
    file_keys, file_purges = _shredded(report.get("file_keys", {}))
    lst = destruction_list
    return {
        "format": FORMAT,
        "list": lst.id,
        "reason": lst.reason,
        "method": lst.method,
        "count": lst.item_count,
        "items": [{"entry": e.id, "kind": e.kind, "official": e.official_id, "table": e.table_name,
                   "record": e.record_id, "class": e.material_class, "sequence": e.sequence, "title": e.title,
                   "formed_on": e.formed_on.isoformat() if e.formed_on else None, "basis": e.basis,
                   "basis_id": e.basis_id, "done_at": _at(e.done_at)} for e in lst.items],
        "people": {"applicant": _person(lst.applicant), "approver": _person(lst.approver),
                   "second_reviewer": _person(lst.second_reviewer), "executor": _person(lst.executor),
                   "supervisor": _person(lst.supervisor)},
        "times": {"created": _at(lst.created_at), "submitted": _at(lst.submitted_at),
                  "approved": _at(lst.approved_at), "second_reviewed": _at(lst.second_reviewed_at),
                  "execution_started": _at(lst.execution_started_at), "executed": _at(lst.executed_at)},
        "decision_note": lst.decision_note,
        "rows_removed": report.get("rows", {}),
        "data_keys_shredded": data_keys,
        "file_keys_shredded": file_keys,
        "backup_purge": {"targets": report.get("targets", []), "data_keys": data_purges, "file_keys": file_purges},
        "snapshots_gone_by": report.get("snapshots_gone_by"),
    }


class RegisterRefused(RuntimeError):
    pass


def build(session, destruction_list) -> DestructionRegister:
    """Seals the register of an executed list (once: a second call returns the first)."""
    existing = session.scalar(select(DestructionRegister).where(DestructionRegister.list_id == destruction_list.id))
    if existing is not None:
        return existing
    if destruction_list.state != EXECUTED:
        raise RegisterRefused(f"destruction list {destruction_list.id} is {destruction_list.state}, not executed")
    text = canonical(body_of_list(destruction_list))
    sha, signature = seals.seal(text, CONTEXT)
    register = DestructionRegister(list_id=destruction_list.id, body=text, sha256=sha, signature=signature)
    session.add(register)
    session.flush()
    audit.record("destruction_registered", object_type="destruction_register", object_id=register.id,
                 session=session, actor=destruction_list.executor,
                 details={"list": destruction_list.id, "sha256": sha})
    return register


def body_of(register) -> dict:
    return json.loads(register.body)


def check(register) -> str | None:
    """None when the body matches its hash and the hash its signature; else what is wrong."""
    problem = seals.check(register.body, register.sha256, register.signature, CONTEXT)
    if problem:
        return problem
    try:
        if body_of(register).get("list") != register.list_id:
            return "wrong_list"
    except ValueError:
        return "body_changed"
    return None


def verify(session, register_id: int | None = None) -> list[tuple[int, str | None]]:
    """Every register (or one), with what fails of each (None: verifies)."""
    query = select(DestructionRegister).order_by(DestructionRegister.id)
    if register_id is not None:
        query = query.where(DestructionRegister.id == register_id)
    return [(r.id, check(r)) for r in session.scalars(query)]


def pdf(register, mark: str) -> bytes:
    """The register on A4 (CJK fonts), for signing on paper by the executor and the supervisor."""
    from jobs.printing import Printout

    body = body_of(register)
    people = body["people"]

    def who(key):
        person = people.get(key)
        return f"{person['name']} ({person['login']})" if person else "—"

    doc = Printout(_("Destruction register %(id)s", id=register.id), mark)
    doc.paragraph("\n".join([
        _("Destruction list: %(id)s", id=body["list"]),
        _("Reason: %(reason)s", reason=body["reason"]),
        _("Method: %(method)s", method=codes.name("destruction_method", body["method"])),
        _("Items: %(count)s", count=body["count"]),
        _("Applicant: %(who)s, submitted %(at)s", who=who("applicant"), at=body["times"]["submitted"] or "—"),
        _("Approved by: %(who)s, %(at)s", who=who("approver"), at=body["times"]["approved"] or "—"),
        *([_("Second review: %(who)s, %(at)s", who=who("second_reviewer"), at=body["times"]["second_reviewed"])]
          if people.get("second_reviewer") else []),
        _("Executed by: %(who)s, supervised by %(sup)s, %(at)s", who=who("executor"), sup=who("supervisor"),
          at=body["times"]["executed"] or "—"),
        _("SHA-256: %(sha)s", sha=register.sha256),
    ]), size=9)
    doc.heading(_("What was destroyed"))
    doc.table([_("No."), _("Official"), _("Class"), _("Number"), _("Title"), _("Formed"), _("Basis")],
              [(i + 1, item["official"], item["class"], item["sequence"], item["title"], item["formed_on"],
                _("due") if item["basis"] == "due" else _("invalid")) for i, item in enumerate(body["items"])])
    doc.heading(_("Keys shredded and backups purged"))
    purge = body["backup_purge"]
    rows = [(_("data key"), key, ", ".join(f"{t}: {s}" for t, s in purge["data_keys"].get(key, {}).items()))
            for key in body["data_keys_shredded"]]
    rows += [(_("file key"), key, ", ".join(f"{t}: {s}" for t, s in purge["file_keys"].get(key, {}).items()))
             for key in body["file_keys_shredded"]]
    doc.table([_("Key"), _("Id"), _("Backup targets")], rows or [("", _("Nothing here."), "")])
    if body.get("snapshots_gone_by"):
        doc.paragraph(_("Older backup snapshots are gone by %(date)s.", date=body["snapshots_gone_by"]), size=9)
    doc.ln(12)
    doc.paragraph(_("Executor (signature): ____________________    Date: ____________"))
    doc.ln(6)
    doc.paragraph(_("Supervisor (signature): ____________________    Date: ____________"))
    return bytes(doc.output())


@click.command("verify", help="Check every destruction register (or one) against its hash and signature; "
                              "exits 1 naming each that fails.")
@click.argument("register_id", type=int, required=False)
@with_appcontext
def verify_command(register_id):
    from models.db import db

    results = verify(db.session, register_id)
    if register_id is not None and not results:
        raise click.BadParameter(f"no destruction register {register_id}")
    for found, problem in results:
        click.echo(f"register {found}: " + ("signature verifies" if problem is None else f"FAILS: {problem}"))
    if any(problem for _found, problem in results):
        raise SystemExit(1)
    click.echo(f"{len(results)} register(s) verified")
