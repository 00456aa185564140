"""The one registry of what the audit trail records (regulation §5.3, §6.3): every action
code and object type with its label. The writer (``security.audit.record``) refuses an
action not listed here, so no event can be recorded that the auditor's screen cannot name
or its filter select; the screen reads its labels and filter choices from here alone."""

from flask_babel import lazy_gettext as _l

ACTIONS = {
    # accounts and sessions
    "login": _l("Login"),
    "login_failed": _l("Failed login"),
    "login_refused": _l("Login refused (account locked)"),
    "logout": _l("Logout"),
    "lockout": _l("Account locked"),
    "password_changed": _l("Password changed"),
    "session_revoked": _l("Session ended"),
    "session_expired": _l("Session expired"),
    "second_factor_enabled": _l("Second factor enabled"),
    "second_factor_disabled": _l("Second factor disabled"),
    "second_factor_passed": _l("Second factor passed"),
    "second_factor_failed": _l("Second factor failed"),
    "access_denied": _l("Access refused"),
    # the dossier
    "read": _l("Read"),
    "read_file": _l("Document opened"),
    "file_refused": _l("Document refused"),
    "create": _l("Create"),
    "update": _l("Update"),
    "delete": _l("Delete"),
    "submit": _l("Submitted for review"),
    "review": _l("Review decision"),
    "export": _l("Export"),
    "print": _l("Printed"),
    "completeness_confirmed": _l("Completeness confirmed"),
    # grants and consultation
    "permission_requested": _l("Permission change requested"),
    "permission_approved": _l("Permission change approved"),
    "permission_rejected": _l("Permission change rejected"),
    "consultation_applied": _l("Consultation applied for"),
    "consultation_approved": _l("Consultation approved"),
    "consultation_rejected": _l("Consultation rejected"),
    "consultation_read": _l("Consultation read"),
    "consultation_refused": _l("Consultation reading refused"),
    # keeping: keys, files, backups, checks
    "key_rotation": _l("Key rotation"),
    "files_rekeyed": _l("Files moved to keys of their own"),
    "temp_files_removed": _l("Unfinished uploads removed"),
    "upload_infected": _l("Infected upload refused"),
    "file_quarantined": _l("File quarantined"),
    "antivirus_update": _l("Virus signatures updated"),
    "antivirus_rescan": _l("Virus rescan"),
    "backup": _l("Backup"),
    "backup_retention": _l("Old backups removed"),
    "restore": _l("Restore"),
    "restore_test": _l("Restore test"),
    "fixity_check": _l("Fixity check"),
    "four_property_check": _l("Four-property check"),
    "cleanup_draft_notice": _l("Stale draft notice"),
    "cleanup_removed": _l("Data clean-up"),
    # inspection
    "inspection_report": _l("Inspection report"),
    "rectification_created": _l("Rectification item created"),
    "rectification_closed": _l("Rectification item closed"),
    # disposal
    "hold_placed": _l("Hold placed"),
    "hold_lifted": _l("Hold lifted"),
    "appraisal_marked": _l("Marked invalid"),
    "retention_rule_proposed": _l("Retention rule proposed"),
    "retention_rule_approved": _l("Retention rule approved"),
    "retention_rule_rejected": _l("Retention rule rejected"),
    "retention_due": _l("Due list computed"),
    "destruction_applied": _l("Destruction applied for"),
    "destruction_approved": _l("Destruction approved"),
    "destruction_rejected": _l("Destruction rejected"),
    "destruction_executed": _l("Destruction executed"),
    "destruction_registered": _l("Destruction registered"),
    "destruction_aftercare": _l("Destruction aftercare"),
    "destroyed": _l("Destroyed"),
    # Codes written by earlier versions: trails keep them, so the screen still names them.
    "permission_request": _l("Permission change requested"),
    "permission_approve": _l("Permission change approved"),
    "consultation": _l("Consultation"),
    "destruction": _l("Destruction"),
}

# What an event is about: its object_type, a table name or a kind of thing. The dossier's
# own tables are named by their section (models.sections), which the screen adds.
OBJECT_TYPES = {
    "official": _l("Official"),
    "ab_user": _l("Account"),
    "ab_role": _l("Role"),
    "user_roles": _l("Roles of an account"),
    "user_departments": _l("Departments of an account"),
    "role_permissions": _l("Permissions of a role"),
    "role_rename": _l("Role name"),
    "role_delete": _l("Role deletion"),
    "second_factor_reset": _l("Second factor reset"),
    "department": _l("Department"),
    "staff_department": _l("Staff department"),
    "change_request": _l("Change request"),
    "review_decision": _l("Review decision"),
    "collection_receipt": _l("Collection receipt"),
    "catalogue": _l("Catalogue"),
    "material": _l("Material"),
    "upload": _l("Upload"),
    "consultation": _l("Consultation"),
    "kek": _l("Key-encryption key"),
    "attachment_store": _l("Attachment store"),
    "signatures": _l("Virus signatures"),
    "scan_run": _l("Virus scan"),
    "backup_run": _l("Backup run"),
    "backup_snapshot": _l("Backup snapshot"),
    "restore_test": _l("Restore test"),
    "fixity_run": _l("Fixity check"),
    "four_property_run": _l("Four-property check"),
    "cleanup": _l("Data clean-up"),
    "inspection_report": _l("Inspection report"),
    "rectification_item": _l("Rectification item"),
    "appraisal_mark": _l("Appraisal mark"),
    "disposal_hold": _l("Disposal hold"),
    "retention_rule": _l("Retention rule"),
    "retention_due": _l("Due list"),
    "destruction_list": _l("Destruction list"),
    "destruction_register": _l("Destruction register"),
}

# Keys of an event's details, labelled on the event's page; secrets are never written
# (security.audit_hooks writes field names only), and these keys are never shown anyway.
DETAIL_LABELS = {
    "official": _l("Official"),
    "fields": _l("Fields changed"),
    "decision": _l("Decision"),
    "item": _l("Item"),
    "from": _l("From state"),
    "to": _l("To state"),
    "reason": _l("Reason"),
    "until": _l("Until"),
    "format": _l("Format"),
    "problem": _l("Problem"),
    "sections": _l("Sections"),
    "count": _l("Count"),
    "filters": _l("Filters"),
    "rows": _l("Rows"),
    "page": _l("Page"),
}
SECRET_KEYS = frozenset({"key", "otp", "totp", "code"})
SECRET_PARTS = ("password", "secret", "token")


def is_secret(key: str) -> bool:
    name = key.lower()
    return name in SECRET_KEYS or any(part in name for part in SECRET_PARTS)


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def is_registered(action: str) -> bool:
    return action in ACTIONS
