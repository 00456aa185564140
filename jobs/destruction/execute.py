"""Executing an approved destruction list (§9.2.3 銷毀執行): all or nothing, then unrecoverable.

::

    approved ──execute (archivist + 监销人)──► executed ──aftercare──► nothing remaining
                  one database transaction        after the commit, each step recorded

1. Preconditions, changing nothing when refused: the list is approved (or executing, or
   executed with steps left); the executor and the supervisor are two distinct active
   accounts; the executor holds ``can_execute`` on ``destruction`` (the archivist's
   permission, ``security.roles``); no item is stopped by a hold (checked again now,
   whatever was true at approval).
2. One transaction: every row of every item and what goes with it (``plan``), their
   Continuum versions, the catalogue renumbered gap-free, the items marked done, the list
   executed with its report, one audit event per item and ``destruction_executed`` (ids
   and counts only). A failure anywhere rolls all of it back.
3. After the commit (``aftercare``): what cannot be rolled back. Data keys of whole
   dossiers and per-file keys of materials are destroyed and purged from the keyring
   of every backup target; stored files no remaining material references are removed.
   Each step's outcome is committed into the report as it happens, so a run killed
   anywhere resumes exactly where it stopped (``execute`` again) and ``remaining``
   names what is left.
"""

import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from models.disposal.destruction import APPROVED, EXECUTED, EXECUTING
from models.disposal.holds import blocking, describe
from models.disposal.items import DOSSIER, Item
from security import audit, grants
from security.errors import Refusal

from . import aftercare, plan
from .aftercare import PENDING, remaining  # noqa: F401  (callers use execute.remaining)

# The executor's permission; the destruction screens check the same pair.
EXECUTE_PERMISSION = ("destruction", "can_execute")
REPORT_FORMAT = 1


class DestructionRefused(Refusal):
    """An execution the rules refuse; nothing was changed."""


def _refuse(code: str, message: str):
    raise DestructionRefused(code, message)


def check_people(session, executor, supervisor) -> None:
    """Two distinct, active people; the executor may execute destructions."""
    if executor is None or supervisor is None:
        _refuse("people", _("An execution needs an executor and a supervisor (监销人)."))
    if executor.id == supervisor.id:
        _refuse("same_person", _("The supervisor must be another person than the executor: %(login)s cannot be both.",
                                 login=executor.username))
    for person in (executor, supervisor):
        if not person.active:
            _refuse("inactive", _("Account %(login)s is disabled: it cannot take part in an execution.",
                                  login=person.username))
    if EXECUTE_PERMISSION not in grants.of_user(session, executor):
        _refuse("not_permitted", _("Account %(login)s may not execute destructions (it needs the archivist's "
                                   "execution permission).", login=executor.username))


def item_of(entry) -> Item:
    if entry.kind == DOSSIER:
        return Item.dossier(entry.official_id)
    return Item(entry.kind, entry.official_id, entry.table_name, entry.record_id)


def check_holds(session, pending) -> None:
    for entry in pending:
        held = blocking(session, item_of(entry))
        if held:
            _refuse("held", _("Item %(item)s (%(title)s) cannot be destroyed: it is %(hold)s. Nothing was destroyed.",
                              item=entry.id, title=entry.title or entry.kind, hold=describe(held[0])))


def execute(session, destruction_list, executor, supervisor) -> dict:
    """Execute ``destruction_list`` (or finish an execution interrupted after its commit).

    Returns the execution report (also stored on the list). Raises DestructionRefused,
    with nothing changed, when a precondition fails."""
    check_people(session, executor, supervisor)
    if destruction_list.state == EXECUTED:
        return _sealed(session, destruction_list, aftercare.finish(session, destruction_list, executor))
    if destruction_list.state not in (APPROVED, EXECUTING):
        _refuse("state", _("Destruction list %(id)s is %(state)s: only an approved list is executed.",
                           id=destruction_list.id, state=destruction_list.state))
    pending = [entry for entry in destruction_list.items if entry.done_at is None]
    check_holds(session, pending)
    try:
        _destroy_rows(session, destruction_list, pending, executor, supervisor)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _sealed(session, destruction_list, aftercare.finish(session, destruction_list, executor))


def _sealed(session, destruction_list, report: dict) -> dict:
    """An executed list gets its register (§9.2.4), once, whichever path executed it: the
    screen, the command line, or a resumed run."""
    from . import register

    register.build(session, destruction_list)
    session.commit()
    return report


def _destroy_rows(session, destruction_list, pending, executor, supervisor) -> None:
    from jobs.backup.runs import targets

    items = [item_of(entry) for entry in pending]
    doomed = plan.collect(session, items)
    report = _report(session, destruction_list, doomed, targets())
    report["rows"] = plan.remove(session, doomed)
    plan.after_remove(session, doomed)

    now = datetime.now()
    for entry in pending:
        entry.done_at = now
    destruction_list.executor_id, destruction_list.supervisor_id = executor.id, supervisor.id
    destruction_list.execution_started_at = destruction_list.execution_started_at or now
    destruction_list.executed_at = now
    destruction_list.state = EXECUTED
    report["executed_at"] = now.isoformat(timespec="seconds")
    report["snapshots_gone_by"] = _snapshots_gone_by(now)
    destruction_list.execution_report = json.dumps(report, ensure_ascii=False, sort_keys=True)

    # Events name objects, never their content: the trail verifies after the rows are gone.
    for entry in pending:
        audit.record("destroyed", object_type="official" if entry.kind == DOSSIER else entry.table_name,
                     object_id=entry.official_id if entry.kind == DOSSIER else entry.record_id, actor=executor,
                     session=session, details={"list": destruction_list.id, "item": entry.id, "kind": entry.kind,
                                               "official": entry.official_id})
    audit.record("destruction_executed", object_type="destruction_list", object_id=destruction_list.id,
                 actor=executor, session=session, details={
                     "supervisor": supervisor.id, "items": len(pending), "rows": report["rows"],
                     "officials": sorted(doomed.dossiers), "materials": sorted(doomed.materials),
                     "file_keys": sorted(report["file_keys"])})


def _report(session, destruction_list, doomed, backup_targets) -> dict:
    """The report before the rows go: what the steps after the commit need, read now."""
    from models import Official

    def purge_plan():
        return {target: PENDING for target in backup_targets}

    file_keys = {str(key): {"material": material_id, "shredded": False, "targets": purge_plan()}
                 for material_id, (_official, _sha, key) in sorted(doomed.materials.items()) if key is not None}
    singles = sorted(m for m, (official, _sha, key) in doomed.materials.items()
                     if key is None and official not in doomed.dossiers)
    accounts = sorted(a for a in session.scalars(
        select(Official.account_id).where(Official.id.in_(sorted(doomed.dossiers)), Official.account_id.isnot(None))
        .execution_options(**plan.OPTIONS)))
    return {
        "format": REPORT_FORMAT,
        "list": destruction_list.id,
        "items": [{"item": e.id, "kind": e.kind, "official": e.official_id, "table": e.table_name,
                   "record": e.record_id} for e in destruction_list.items if e.done_at is None],
        "targets": list(backup_targets),
        "keys": {str(official): {"shredded": False, "targets": purge_plan()} for official in sorted(doomed.dossiers)},
        "file_keys": file_keys,
        # Materials destroyed alone whose file has no key of its own (filed before per-file
        # keys): their copies in older snapshots open with the official's key, which stays.
        "without_file_key": singles,
        "files": {sha: PENDING for sha in sorted({sha for _o, sha, _k in doomed.materials.values()})},
        "consultations": sorted(doomed.rows.get("consultation", ())),
        "accounts": accounts,
        "kept_references": {"inspection_report": _reports_naming(session, doomed.dossiers)},
    }


def _reports_naming(session, officials) -> list[int]:
    """Sealed inspection reports listing a destroyed official (kept: never changed, §10)."""
    from models.inspection import InspectionReport

    if not officials:
        return []
    found = []
    for report_id, body in session.execute(select(InspectionReport.id, InspectionReport.body)):
        if _names(json.loads(body), officials):
            found.append(report_id)
    return found


def _names(node, officials) -> bool:
    if isinstance(node, dict):
        return node.get("official") in officials or any(_names(v, officials) for v in node.values())
    if isinstance(node, list):
        return any(_names(v, officials) for v in node)
    return False


def _snapshots_gone_by(destroyed_at):
    """The date the backup retention policy has removed every snapshot older than this
    execution (None: the policy keeps snapshots for ever)."""
    from jobs.backup.retention import snapshots_gone_by

    gone = snapshots_gone_by(destroyed_at)
    return gone.isoformat() if gone is not None else None
