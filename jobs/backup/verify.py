"""Proof of a restored instance: the schema, the counts and every file hash against the
manifest, a sample of encrypted fields and files decrypted, and the audit chain verified
up to the head the manifest recorded.
"""

import random
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text

from models import Material, Official
from models.db import db
from models.encryption import _Unreadable, sensitive_fields
from models.storage import attachments
from security import audit

from . import database
from .restore import RestoreProblem


def restored_app(into: Path, url: str, app_factory=None):
    """The restored instance as an application, for checks (and for the operator's first look).

    ``app_factory`` builds it: the application's own factory, which the application
    hands to every app it builds (``app.extensions["dossier_app_factory"]``, the
    default here), since jobs sit below the application and never import it.
    """
    create_app = app_factory or current_app.extensions["dossier_app_factory"]
    namespace: dict = {}
    exec((into / "dossier_config.py").read_text(encoding="utf-8"), namespace)
    overrides = {k: v for k, v in namespace.items() if k.isupper()}
    overrides.update(SQLALCHEMY_DATABASE_URI=url, TESTING=current_app.config.get("TESTING", False))
    for name in ("SECRET_KEY", "DOSSIER_ENV", "RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI", "WTF_CSRF_ENABLED"):
        overrides.setdefault(name, current_app.config.get(name))
    return create_app(overrides)


def verify_restored(app, content: dict, sample: int) -> dict:
    """Prove the restored instance against its manifest; RestoreProblem at the first failure."""
    checks = {}
    with app.app_context():
        session = db.session
        try:
            schema = session.scalar(text("SELECT version_num FROM alembic_version"))
            if schema != content["schema"]:
                raise RestoreProblem("schema", found=schema, expected=content["schema"])
            tables = database.metadata().tables
            for name, expected in content["counts"].items():
                found = session.scalar(select(func.count()).select_from(tables[name]))
                if found != expected:
                    raise RestoreProblem("count", table=name, found=found, expected=expected)
            checks["tables"] = len(content["counts"])
            checks["rows"] = sum(content["counts"].values())
            checks["files"] = len(content["store"])

            rng = random.Random()
            official_ids = list(session.scalars(
                select(Official.id).execution_options(include_pending=True, all_departments=True)))
            fields = sensitive_fields(Official)
            checked = 0
            for official_id in rng.sample(official_ids, min(sample, len(official_ids))):
                official = session.get(Official, official_id, execution_options={
                    "include_pending": True, "all_departments": True})
                for name in fields:
                    value = getattr(official, name)
                    if isinstance(value, _Unreadable) and value.reason != "shredded":
                        raise RestoreProblem("decrypt_field", official=official_id)
                checked += 1
            checks["officials_decrypted"] = checked
            materials = list(session.scalars(
                select(Material).execution_options(include_pending=True, all_departments=True)))
            opened = 0
            for material in rng.sample(materials, min(sample, len(materials))):
                try:
                    digest = attachments.plaintext_digest(material.stored_sha256, material.official_id,
                                                          material.file_key_id)
                except attachments.AttachmentError as error:
                    # A destroyed key (the official's or the file's) is no fault of the backup.
                    if error.code == "shredded":
                        continue
                    raise RestoreProblem("decrypt_file", material=material.id)
                except Exception:
                    raise RestoreProblem("decrypt_file", material=material.id)
                if digest != material.content_sha256:
                    raise RestoreProblem("decrypt_file", material=material.id)
                opened += 1
            checks["files_decrypted"] = opened

            result = audit.verify(session)
            if not result.ok:
                raise RestoreProblem("audit", error=result.message)
            head = content["audit_head"]
            if result.last_seq != head["seq"] or (head["seq"] and result.last_chain != head["chain"]):
                raise RestoreProblem("audit_head", found=result.last_seq, expected=head["seq"])
            checks["audit_events"] = result.last_seq
        finally:
            session.rollback()
            session.remove()
            db.engine.dispose()
    return checks
