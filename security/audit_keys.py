"""The audit trail's keys, kept in files outside the database (§6.3).

The chaining key (HMAC) makes a chain value unforgeable by whoever can write the
database; the Ed25519 signing key signs checkpoints, and its public half, written
beside it, lets anyone check them. Outside production both are created on first
use; production refuses to start without them.
"""

import base64
import hmac
import logging
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from security.audit_chain import GENESIS, AuditError
from security.files import create_exclusive

log = logging.getLogger(__name__)


def config_path(name: str, default: str) -> Path:
    return Path(current_app.config.get(name) or Path(current_app.instance_path) / default)


def production() -> bool:
    return current_app.config.get("DOSSIER_ENV") == "production"


def missing_key(path: Path, what: str, setting: str) -> None:
    if production():
        raise AuditError(f"No {what} at {path}: set {setting} to a file created for this installation.")


def audit_key() -> bytes:
    """The chaining key, from ``DOSSIER_AUDIT_KEY_FILE`` (32 random bytes, raw or base64)."""
    path = config_path("DOSSIER_AUDIT_KEY_FILE", "audit.key")
    cache = current_app.extensions.setdefault("dossier_audit_keys", {})
    if path not in cache:
        if not path.exists():
            missing_key(path, "audit key", "DOSSIER_AUDIT_KEY_FILE")
            if create_exclusive(path, base64.b64encode(os.urandom(32)) + b"\n"):
                log.warning("Created a development audit key at %s: keep it out of the database and its dumps.", path)
        raw = path.read_bytes()
        key = raw if len(raw) == 32 else base64.b64decode(raw.strip(), validate=True)
        if len(key) != 32:
            raise AuditError(f"The audit key {path} must hold 32 random bytes (raw or base64).")
        cache[path] = key
    return cache[path]


def key_id(key: bytes) -> str:
    """Names a key without revealing it."""
    return hmac.digest(key, b"dossier-audit-key-id", "sha256").hex()[:16]


def genesis(key: bytes) -> bytes:
    return hmac.digest(key, GENESIS, "sha256")


def signing_key() -> Ed25519PrivateKey:
    """The checkpoint signing key; its public half is written beside it as ``.pub``."""
    path = config_path("DOSSIER_AUDIT_SIGNING_KEY_FILE", "audit-signing.key")
    if not path.exists():
        missing_key(path, "checkpoint signing key", "DOSSIER_AUDIT_SIGNING_KEY_FILE")
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        if create_exclusive(path, pem):
            log.warning("Created a development checkpoint signing key at %s.", path)
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    pub = public_key_path()
    if not pub.exists():
        create_exclusive(pub, private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ))
    return private


def public_key_path() -> Path:
    private = config_path("DOSSIER_AUDIT_SIGNING_KEY_FILE", "audit-signing.key")
    return private.with_name(private.name + ".pub")


def init_app(app) -> None:
    """Refuse to start production without the keys, rather than at the first login."""
    with app.app_context():
        if production():
            audit_key()
            signing_key()
