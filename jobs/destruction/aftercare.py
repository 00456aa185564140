"""The steps of an execution that come after its commit and cannot be rolled back.

Crypto-shredding (NIST SP 800-88 cryptographic erase): every copy of a key goes. For a
whole dossier, the official's data key in the key store (``KeyRing.destroy``, which
leaves a tombstone) and in every keyring generation beside every backup target
(``jobs.backup.keyrings.purge``); for a material with a key of its own, that key the
same way. Then the stored files no remaining material references.

Every step is idempotent and its outcome is committed into the list's
``execution_report`` as soon as it is done: a run killed between two steps is
finished by calling ``execute`` again, which does exactly the steps not yet done.
A target that cannot be reached is left "failed" with its reason; the next backup to
that target also purges it (its keyrings are reconciled against the tombstones), and
``execute`` again retries it now.
"""

import json

from flask_babel import gettext as _
from sqlalchemy import func, select

from security import audit

PENDING, DONE = "pending", "done"
REMOVED, ABSENT, REFERENCED = "removed", "absent", "still referenced"


def load(destruction_list) -> dict:
    return json.loads(destruction_list.execution_report or "{}")


def _save(session, destruction_list, report) -> None:
    destruction_list.execution_report = json.dumps(report, ensure_ascii=False, sort_keys=True)
    session.commit()


def _open_steps(report) -> int:
    keys = list(report.get("keys", {}).values()) + list(report.get("file_keys", {}).values())
    return (sum(not k["shredded"] for k in keys) + sum(s != DONE for k in keys for s in k["targets"].values())
            + sum(s == PENDING for s in report.get("files", {}).values()))


def finish(session, destruction_list, actor) -> dict:
    """Do the steps the report shows as not done; the report as it stands afterwards."""
    report = load(destruction_list)
    if not _open_steps(report):
        return report
    from jobs.backup import keyrings
    from security.keys import keyring

    ring = keyring()
    for official, entry in report.get("keys", {}).items():
        _shred(session, destruction_list, report, entry, lambda o=int(official): ring.destroy(o),
               lambda targets, o=int(official): keyrings.purge(targets, o))
    destroy_file_key = getattr(ring, "destroy_file_key", None)
    purge_file_key = getattr(keyrings, "purge_file_key", None)
    if destroy_file_key is not None and purge_file_key is not None:
        for key_id, entry in report.get("file_keys", {}).items():
            _shred(session, destruction_list, report, entry, lambda k=key_id: destroy_file_key(_key(k)),
                   lambda targets, k=key_id: purge_file_key(targets, _key(k)))
    _remove_files(session, destruction_list, report)
    left = remaining(destruction_list)
    audit.record("destruction_aftercare", object_type="destruction_list", object_id=destruction_list.id, actor=actor,
                 session=session, details={
                     "keys_shredded": sorted(k for k, e in report.get("keys", {}).items() if e["shredded"]),
                     "file_keys_shredded": sorted(k for k, e in report.get("file_keys", {}).items() if e["shredded"]),
                     "files_removed": sum(s == REMOVED for s in report.get("files", {}).values()),
                     "remaining": len(left)})
    session.commit()
    return report


def _key(key_id: str):
    return int(key_id) if key_id.isdigit() else key_id


def _shred(session, destruction_list, report, entry, destroy, purge) -> None:
    if not entry["shredded"]:
        destroy()
        entry["shredded"] = True
        _save(session, destruction_list, report)
    for target, state in list(entry["targets"].items()):
        if state == DONE:
            continue
        outcome = purge([target]).get(target)
        entry["targets"][target] = DONE if outcome is None else f"failed: {outcome}"
        _save(session, destruction_list, report)


def _remove_files(session, destruction_list, report) -> None:
    from models import Material
    from models.storage import attachments

    for sha, state in list(report.get("files", {}).items()):
        if state != PENDING:
            continue
        # Another material filed with the same stored bytes keeps the file.
        still = session.scalar(select(func.count()).select_from(Material).where(Material.stored_sha256 == sha)
                               .execution_options(include_pending=True, all_departments=True))
        if still:
            report["files"][sha] = REFERENCED
        else:
            path = attachments.path_of(sha)
            existed = path.exists()
            path.unlink(missing_ok=True)
            report["files"][sha] = REMOVED if existed else ABSENT
        _save(session, destruction_list, report)


def remaining(destruction_list) -> list[str]:
    """What the execution has still to do, one sentence each (empty: nothing is left)."""
    report = load(destruction_list)
    left = []
    if destruction_list.state != "executed":
        left.append(_("The database part has not been executed: list %(id)s is %(state)s.",
                      id=destruction_list.id, state=destruction_list.state))
    for kind, entries in (("keys", report.get("keys", {})), ("file_keys", report.get("file_keys", {}))):
        for key, entry in sorted(entries.items()):
            what = (_("the data key of official %(id)s", id=key) if kind == "keys"
                    else _("the file key %(id)s of material %(material)s", id=key, material=entry["material"]))
            if not entry["shredded"]:
                left.append(_("Destroy %(what)s in the key store.", what=what))
            for target, state in sorted(entry["targets"].items()):
                if state == PENDING:
                    left.append(_("Purge %(what)s from the keyring of backup target %(target)s.",
                                  what=what, target=target))
                elif state != DONE:
                    left.append(_("Purge %(what)s from the keyring of backup target %(target)s (%(reason)s); the "
                                  "next backup to that target also completes it.", what=what, target=target,
                                  reason=state))
    for sha, state in sorted(report.get("files", {}).items()):
        if state == PENDING:
            left.append(_("Remove the stored file %(sha)s.", sha=sha[:16]))
    return left
