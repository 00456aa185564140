"""Mutation check of the security-critical rules, run on demand (not in CI).

Each mutant below breaks one rule the way a careless change would: a guard
removed, a comparison loosened, a check skipped. The script copies the
repository's tracked files into a scratch directory, applies one mutant at a
time there (the work tree is never touched), runs the tests that should catch
it, and reports whether they did ("killed") or not ("SURVIVED"). It exits
non-zero if any mutant survives or no longer applies.

    .venv/bin/python -m tests.mutation.run            # every mutant, SQLite
    .venv/bin/python -m tests.mutation.run scope      # those whose name contains "scope"
    DOSSIER_TEST_DATABASE_URL=postgresql://127.0.0.1:5432/test .venv/bin/python -m tests.mutation.run
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    mutated: str
    tests: tuple[str, ...]


MUTANTS = (
    # --- department scope
    Mutant("scope: no guard on show", "views/base.py",
           "    def _show(self, pk):\n        scope.guard(self.datamodel.obj, pk)\n",
           "    def _show(self, pk):\n",
           ("tests/security/test_scope.py",)),
    Mutant("scope: no guard on delete", "views/base.py",
           "    def _delete(self, pk):\n        scope.guard(self.datamodel.obj, pk)\n",
           "    def _delete(self, pk):\n",
           ("tests/security/test_scope.py::test_deleting_outside_the_scope_is_refused_and_recorded",)),
    Mutant("scope: an edit may move an official out of the departments", "views/base.py",
           "        with session.no_autoflush:\n            within_scope(item)\n",
           "        with session.no_autoflush:\n",
           ("tests/security/test_scope.py::test_a_clerk_cannot_move_an_official_out_of_their_departments",)),
    Mutant("scope: a department scope allows every department", "security/scope.py",
           "            return department_id in self.departments\n",
           "            return True\n",
           ("tests/security/test_scope.py",)),
    Mutant("scope: a refused guess is not recorded", "security/scope.py",
           '    audit.record("access_denied", object_type=model.__tablename__, object_id=pk,\n'
           '                 details={"path": request.path, "method": request.method})\n',
           "",
           ("tests/security/test_scope.py",)),
    # --- workflow moves
    Mutant("workflow: a reviewer may review their own entry", "models/workflow.py",
           "    if actor.id == item.entered_by_id:\n        raise WorkflowError(\"own_entry\"",
           "    if False:\n        raise WorkflowError(\"own_entry\"",
           ("tests/models/test_workflow.py",)),
    Mutant("workflow: first review by a head of any department", "models/workflow.py",
           "    elif transition.same_department and not (",
           "    elif False and not (",
           ("tests/models/test_workflow.py",)),
    Mutant("workflow: a reviewer decides what they may not read", "models/workflow.py",
           "    if not readable(item, closed_to(actor)):",
           "    if False:",
           ("tests/views/test_review.py::test_integrity_file_entries_go_to_the_unit_head_not_to_a_head_who_may_not_read_them",)),
    Mutant("workflow: the unit head's sections reviewed by any department head", "models/workflow.py",
           "        if not has_permission(actor, UNIT_WIDE):",
           "        if False:",
           ("tests/models/test_workflow.py", "tests/views/test_review.py")),
    Mutant("workflow: a rejection without a reason", "models/workflow.py",
           "    if transition.needs_reason and not (reason or \"\").strip():",
           "    if False:",
           ("tests/models/test_workflow.py",)),
    Mutant("workflow: anyone submits an author's entry", "models/workflow.py",
           "        if actor.id != item.entered_by_id:\n            raise WorkflowError(\"not_author\", _(\"Only the author can submit",
           "        if False:\n            raise WorkflowError(\"not_author\", _(\"Only the author can submit",
           ("tests/models/test_workflow.py",)),
    Mutant("workflow: an edit of approved content changes it in place", "models/workflow.py",
           "    if item.review_state == APPROVED:\n        # No autoflush",
           "    if False:\n        # No autoflush",
           ("tests/models/test_workflow.py",)),
    # --- consultation limits
    Mutant("consultation: a grant before its start", "security/consultation.py",
           "    if today < application.valid_from:\n", "    if False:\n",
           ("tests/views/test_consultation.py",)),
    Mutant("consultation: a grant after its end", "security/consultation.py",
           "    if today > application.valid_until:\n", "    if False:\n",
           ("tests/views/test_consultation.py",)),
    Mutant("consultation: one day longer than the longest grant", "security/consultation.py",
           "        if (valid_until - valid_from).days + 1 > longest:",
           "        if (valid_until - valid_from).days > longest:",
           ("tests/views/test_consultation.py",)),
    Mutant("consultation: a grant opens every section", "security/consultation.py",
           "    if section_key not in application.section_keys:\n", "    if False:\n",
           ("tests/views/test_consultation.py",)),
    Mutant("consultation: any computer is a reading terminal", "security/consultation.py",
           "    if not terminal_allowed(address):\n", "    if False:\n",
           ("tests/views/test_consultation.py",)),
    Mutant("consultation: another user's grant opens", "security/consultation.py",
           "    if application is None or application.applicant_id != user.id:",
           "    if application is None:",
           ("tests/views/test_consultation.py",)),
    Mutant("consultation: no unit head when the department has no head", "security/consultation.py",
           '    Route("unit", _l("Unit head"), DECIDE_UNIT, _unit_heads),\n', "",
           ("tests/security/test_consultation_routing.py",)),
    Mutant("consultation: the queue shows every first approval to every approver", "security/consultation.py",
           "Consultation.state == SUBMITTED, ConsultationApprover.user_id == user.id)",
           "Consultation.state == SUBMITTED)",
           ("tests/security/test_consultation_routing.py",)),
    Mutant("consultation: anyone assists a reading", "security/consultation.py",
           "    if not assistant_id or not holders(session, DECIDE_ARCHIVE, among=[assistant_id]):",
           "    if not assistant_id:",
           ("tests/security/test_consultation_routing.py",)),
    # --- permission approvals
    Mutant("approvals: the requester approves their own change", "security/approvals.py",
           "    if request.requested_by_id == actor.id:\n", "    if False:\n",
           ("tests/security/test_approvals.py",)),
    Mutant("approvals: a role may be renamed", "security/views.py",
           "        if stored != item.name:",
           "        if False:",
           ("tests/security/test_approvals.py", "tests/security/test_separation.py")),
    Mutant("approvals: whoever chose the approver's password may be approved by them", "security/approvals.py",
           "        if state is not None and state.credentials_set_by_id == request.requested_by_id:",
           "        if False:",
           ("tests/security/test_separation.py",)),
    Mutant("approvals: an account approves a change of its own grants", "security/approvals.py",
           "    if request.kind in ACCOUNT_KINDS and request.target_id == actor.id:",
           "    if False:",
           ("tests/security/test_separation.py",)),
    Mutant("approvals: two officers' duties in one account", "security/approvals.py",
           "    if not found:\n        return\n",
           "    if True:\n        return\n",
           ("tests/security/test_separation.py",)),
    Mutant("approvals: FAB's Admin may be given", "security/approvals.py",
           "        if reserved:\n",
           "        if False:\n",
           ("tests/security/test_separation.py",)),
    Mutant("accounts: a password reset resolves a loosely spelled id", "security/accounts.py",
           '    if not re.fullmatch(r"[0-9]{1,18}", pk):',
           '    pk = pk.strip().lstrip("+").split(".")[0]\n    if not pk.isdigit():',
           ("tests/security/test_separation.py",)),
    Mutant("accounts: attempts are checked before they are counted", "security/accounts.py",
           "    return counted == 1",
           "    return True",
           ("tests/security/test_lockout_concurrency.py",)),
    Mutant("sessions: an ended session goes on", "security/session_guard.py",
           "        ended = _ended(app)",
           "        ended = None",
           ("tests/security/test_sessions.py",)),
    Mutant("sessions: an officer skips the second factor", "security/manager.py",
           '            session["totp_required"] = True',
           '            pass',
           ("tests/security/test_separation.py",)),
    Mutant("audit: the writer never checkpoints", "security/checkpointing.py",
           "    if session.info.pop(APPENDED, False):",
           "    if False:",
           ("tests/security/test_checkpointing.py",)),
    Mutant("scope: scope read from the role's name", "security/scope.py",
           '    kinds = [kind for kind in WIDTH if (SCOPE_VIEW, f"can_{kind}") in grants]',
           '    from security.roles import ROLE_SCOPE\n    kinds = [ROLE_SCOPE.get(role.name, "none") for role in user.roles]',
           ("tests/security/test_separation.py::test_a_rename_waits_for_approval_and_scope_never_follows_a_name",)),
    # --- audit verification
    Mutant("audit: a chain value that does not match is accepted", "security/audit_verify.py",
           "            if prev.hex() != chain:\n", "            if False:\n",
           ("tests/security/test_audit.py",)),
    Mutant("audit: details hold values", "security/audit_hooks.py",
           '        details["fields"] = _changed_fields(obj)\n',
           '        details["fields"] = {n: str(getattr(obj, n, "")) for n in _changed_fields(obj)}\n',
           ("tests/security/test_crypto.py::test_no_sensitive_value_is_in_a_copy_of_the_database_in_any_form",)),
    # --- encryption at rest
    Mutant("encryption: sensitive fields stored in clear", "models/encryption.py",
           "        setattr(obj, self.column_attr, seal(obj.__tablename__, self.name, obj.id, official_id_of(obj), version, key, value))",
           "        setattr(obj, self.column_attr, str(value).encode())",
           ("tests/security/test_crypto.py::test_no_sensitive_value_is_in_a_copy_of_the_database_in_any_form",)),
    Mutant("encryption: change requests stored in clear", "models/encryption.py",
           "        version, key = keyring().dek(official_id_of(obj), create=True)\n",
           "        version, key = keyring().dek(official_id_of(obj), create=True)\n"
           "        if obj.__tablename__ == \"change_request\":\n"
           "            setattr(obj, self.column_attr, str(value).encode())\n"
           "            return\n",
           ("tests/security/test_crypto.py::test_no_sensitive_value_is_in_a_copy_of_the_database_in_any_form",)),
    Mutant("encryption: the TOTP secret stored in clear", "security/accounts.py",
           "    state.totp_secret = crypto.encrypt(_totp_key(), 1, secret.encode(), _totp_aad(user.id))",
           "    state.totp_secret = secret.encode()",
           ("tests/security/test_crypto.py::test_no_sensitive_value_is_in_a_copy_of_the_database_in_any_form",)),
    Mutant("encryption: the row is not in the associated data", "security/crypto.py",
           "def field_aad(table: str, column: str, row_id, official_id) -> bytes:\n",
           "def field_aad(table: str, column: str, row_id, official_id) -> bytes:\n    row_id = 0\n",
           ("tests/security/test_crypto.py",)),
    # --- identity and contact fields (models.identity) and the history's reading of versions
    Mutant("identity: the history and change requests show identity fields clear to anyone", "models/identity.py",
           "    return value if clear or kind is None else masked(kind, value)\n",
           "    return value\n",
           ("tests/views/test_identity_fields.py::test_the_inspector_reads_them_masked_and_never_in_clear",)),
    Mutant("identity: the official's page shows identity fields clear to anyone", "views/base.py",
           "value if identity.reads_clear(g.user) else identity.masked(kind, value)",
           "value",
           ("tests/views/test_identity_fields.py::test_the_official_page_shows_identity_fields_clear_to_hr_and_masked_to_the_inspector",)),
    Mutant("identity: the edit form keeps identity fields without the tier", "views/base.py",
           "        return without_identity if masked else full\n",
           "        return full\n",
           ("tests/views/test_identity_fields.py::test_without_the_tier_the_edit_form_leaves_identity_fields_out_and_a_save_keeps_them",)),
    Mutant("history: columns without a label show (ciphertext, index, search keys)", "models/history.py",
           " or label_key not in labels:",
           ":",
           ("tests/models/test_history.py::test_only_labelled_fields_show_never_a_ciphertext_index_or_search_key",)),
    # --- key destruction
    Mutant("keys: destroying a key leaves it in the key store", "security/keys.py",
           "            gone = conn.execute(delete(data_key).where(data_key.c.official_id == official_id)).rowcount > 0\n",
           "            gone = True\n",
           ("tests/security/test_crypto.py",)),
    # --- destruction execution (§9.2.3)
    Mutant("destruction: the executor may be their own supervisor", "jobs/destruction/execute.py",
           "    if executor.id == supervisor.id:\n",
           "    if False:\n",
           ("tests/jobs/destruction/test_execute.py",)),
    Mutant("destruction: holds are not checked again at execution", "jobs/destruction/execute.py",
           "    check_holds(session, pending)\n",
           "",
           ("tests/jobs/destruction/test_execute.py",)),
    Mutant("destruction: the backup keyrings keep the destroyed key", "jobs/destruction/aftercare.py",
           "lambda targets, o=int(official): keyrings.purge(targets, o))",
           "lambda targets, o=int(official): {t: None for t in targets})",
           ("tests/jobs/destruction/test_restore_after.py",)),
    Mutant("destruction: the backup keyrings keep a destroyed material's file key", "jobs/destruction/aftercare.py",
           "lambda targets, k=key_id: purge_file_key(targets, _key(k)))",
           "lambda targets, k=key_id: {t: None for t in targets})",
           ("tests/jobs/destruction/test_restore_after.py",)),
    Mutant("destruction: versions of destroyed rows stay", "jobs/destruction/plan.py",
           "                removed[versions.name] += session.execute(delete(versions).where(versions.c.id.in_(chunk))).rowcount\n",
           "                pass\n",
           ("tests/jobs/destruction/test_execute.py",)),
    # --- restore-test checks
    Mutant("restore test: restic check not run", "jobs/backup/restore_test.py",
           '            checks["restic_check"] = repo.check(config.get("RESTORE_TEST_READ_DATA"))\n',
           '            checks["restic_check"] = {"read_data": "100.0%", "packs_read": 2}\n',
           ("tests/jobs/backup/test_restore.py::test_a_corrupted_pack_that_the_restore_does_not_read_is_caught_by_restic_check",)),
    Mutant("restore test: files not checked against the manifest", "jobs/backup/restore.py",
           "        if database.sha256_file(path) != digest:\n", "        if False:\n",
           ("tests/jobs/backup/test_restore.py::test_a_file_that_does_not_match_its_manifest_hash_fails_the_restore_test",)),
    Mutant("restore test: the audit chain of the snapshot not verified", "jobs/backup/verify.py",
           "            if not result.ok:\n                raise RestoreProblem(\"audit\"",
           "            if False:\n                raise RestoreProblem(\"audit\"",
           ("tests/jobs/backup/test_restore.py::test_a_broken_audit_chain_in_the_snapshot_fails_the_restore_test",)),
)


def scratch_copy() -> Path:
    """The tracked files (as they are in the work tree) in a directory of their own."""
    place = Path(tempfile.mkdtemp(prefix="dossier-mutants-"))
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (place / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, place / name)
    return place


def run(mutant: Mutant, place: Path) -> str:
    target = place / mutant.path
    text = target.read_text(encoding="utf-8")
    if text.count(mutant.original) != 1:
        return "does not apply"
    target.write_text(text.replace(mutant.original, mutant.mutated), encoding="utf-8")
    try:
        # The scratch copy first on the path: its modules, not the installed work tree's.
        env = {**os.environ, "PYTHONPATH": str(place)}
        result = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                                 "-p", "no:logging", *mutant.tests], cwd=place, env=env, capture_output=True)
        # 1: a test failed. Anything else (the mutant broke collection, pytest itself) proves nothing.
        return {0: "SURVIVED", 1: "killed"}.get(result.returncode, f"error ({result.returncode})")
    finally:
        target.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTANTS if not argv or any(word in m.name for word in argv)]
    place = scratch_copy()
    outcomes = []
    try:
        for mutant in chosen:
            started = time.monotonic()
            outcome = run(mutant, place)
            outcomes.append(outcome)
            print(f"{outcome:>15}  {time.monotonic() - started:5.0f}s  {mutant.name}", flush=True)
    finally:
        shutil.rmtree(place, ignore_errors=True)
    killed = outcomes.count("killed")
    print(f"{len(chosen)} mutants, {killed} killed")
    return 0 if killed == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
