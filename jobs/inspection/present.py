"""A report as people read it: its figures as labelled rows per part and its findings as
sentences, in the reader's language. The page, the PDF and the workbook all use these."""

from flask_babel import lazy_gettext as _l

from models import completeness

PARTS = {
    "content": _l("Content of the dossiers"),
    "storage": _l("Storage and management"),
    "access": _l("Access and use"),
}

# (part, path into the part's figures, label)
FIGURES = (
    ("content", ("completeness", "officials"), _l("Dossiers checked")),
    ("content", ("completeness", "with_findings"), _l("Dossiers with findings")),
    *(("content", ("completeness", "by_kind", kind), label) for kind, label in completeness.KIND_LABELS.items()),
    ("content", ("timeliness", "receipts_received"), _l("Material received")),
    ("content", ("timeliness", "receipts_overdue"), _l("Receipts not entered by their deadline")),
    ("content", ("timeliness", "entries_overdue"), _l("Entries not approved by their deadline")),
    ("content", ("timeliness", "entry_days"), _l("Average days from receipt to entry")),
    ("content", ("timeliness", "approval_days"), _l("Average days from entry to approval")),
    ("content", ("timeliness", "approved"), _l("Entries approved")),
    ("content", ("review", "rejected"), _l("Review rejections")),
    ("content", ("review", "rejection_rate"), _l("Rejection rate")),
    ("storage", ("fixity", "runs"), _l("Fixity checks")),
    ("storage", ("fixity", "failed_runs"), _l("Fixity checks with problems")),
    ("storage", ("fixity", "files"), _l("Files checked")),
    ("storage", ("scanning", "rescans"), _l("Virus rescans")),
    ("storage", ("scanning", "infected"), _l("Infected files found")),
    ("storage", ("scanning", "quarantined"), _l("Files in quarantine")),
    ("storage", ("key_rotations",), _l("Key rotations")),
    ("storage", ("audit", "ok"), _l("Audit chain verifies")),
    ("storage", ("audit", "checked"), _l("Audit events verified")),
    ("storage", ("checkpoints",), _l("Audit checkpoints signed")),
    ("storage", ("last_checkpoint",), _l("Last audit checkpoint")),
    ("storage", ("four_property", "ok"), _l("Last four-property check all green")),
    ("access", ("consultation", "consultation_applied"), _l("Consultations applied for")),
    ("access", ("consultation", "consultation_approved"), _l("Consultations approved")),
    ("access", ("consultation", "consultation_rejected"), _l("Consultations refused")),
    ("access", ("consultation", "consultation_read"), _l("Consultation readings")),
    ("access", ("consultation", "consultation_refused"), _l("Reads outside a grant refused")),
    ("access", ("denied", "access_denied"), _l("Access denied")),
    ("access", ("exports", "export"), _l("Exports")),
    ("access", ("permissions", "permission_requested"), _l("Permission requests")),
    ("access", ("permissions", "permission_approved"), _l("Permission changes approved")),
    ("access", ("sign_in", "login_failed"), _l("Sign-in failures")),
    ("access", ("sign_in", "lockout"), _l("Lockouts")),
    ("access", ("outside_hours", "events"), _l("Actions outside working hours")),
    ("access", ("outside_hours", "accounts"), _l("Accounts acting outside working hours")),
    ("access", ("events",), _l("Audit events in the period")),
)

FINDINGS = {
    "content.completeness": _l("%(officials)s dossiers have completeness or consistency findings"),
    "content.backlog": _l("Backlog: %(receipts)s receipts not entered and %(entries)s entries not approved in time"),
    "storage.fixity": _l("%(runs)s fixity checks found missing or damaged files"),
    "storage.backup": _l("%(failed)s backups to %(target)s failed"),
    "storage.restore_test": _l("%(failed)s restore tests of %(target)s failed"),
    "storage.audit": _l("The audit chain does not verify (event %(event)s)"),
    "storage.four_property": _l("The last four-property check failed: %(items)s"),
    "storage.infected": _l("%(files)s stored files were found infected"),
    "access.denied": _l("%(events)s attempts to open dossiers outside the reader's scope"),
    "access.lockouts": _l("%(events)s accounts were locked after repeated sign-in failures"),
    "access.outside_hours": _l("%(events)s actions by %(accounts)s accounts outside working hours"),
    "access.unusual": _l("Account %(actor)s opened %(officials)s dossiers on %(day)s (median %(median)s a day)"),
}


def _value(figures: dict, path: tuple):
    for key in path:
        if not isinstance(figures, dict) or key not in figures:
            return None
        figures = figures[key]
    return figures


def display(value) -> str:
    if value is True:
        return str(_l("Yes"))
    if value is False:
        return str(_l("No"))
    return "" if value is None else str(value)


def figure_rows(body: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """(part label, [(figure label, value)]) for every part, the per-target and per-role figures included."""
    parts = []
    for part, label in PARTS.items():
        figures = body["parts"][part]
        rows = [(str(text), display(_value(figures, path))) for p, path, text in FIGURES if p == part]
        if part == "storage":
            for target, copies in sorted(figures["backups"]["targets"].items()):
                rows.append((str(_l("Backups to %(target)s: good / failed", target=target)),
                             f"{copies['good']} / {copies['failed']}"))
            for target, tests in sorted(figures["backups"]["restore_tests"].items()):
                rows.append((str(_l("Restore tests of %(target)s: passed / failed", target=target)),
                             f"{tests['passed']} / {tests['failed']}"))
        if part == "access":
            for role, count in sorted(figures["sensitive_reads_by_role"].items()):
                rows.append((str(_l("Reads of sensitive sections by %(role)s", role=role or "-")), str(count)))
        parts.append((str(label), rows))
    return parts


def finding_text(finding: dict) -> str:
    return str(FINDINGS[finding["kind"]] % finding["values"])


def findings(body: dict) -> list[dict]:
    return [{**f, "text": finding_text(f), "part": str(PARTS[f["kind"].split(".")[0]])} for f in body["findings"]]
