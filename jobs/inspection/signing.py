"""A report's seal: the SHA-256 of its body, signed with the Ed25519 key that signs
audit checkpoints and backup manifests (kept outside the database)."""

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from security import audit

CONTEXT = b"dossier-inspection-report\x1f"


def digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def seal(body: str) -> tuple[str, str]:
    sha = digest(body)
    signature = audit.signing_key().sign(CONTEXT + sha.encode())
    return sha, base64.b64encode(signature).decode()


def check(report) -> str | None:
    """None when the stored body matches its hash and the hash its signature; else what is wrong."""
    if digest(report.body) != report.sha256:
        return "body_changed"
    path = audit.public_key_path()
    if not path.exists():
        return "no_public_key"
    public = serialization.load_pem_public_key(path.read_bytes())
    try:
        public.verify(base64.b64decode(report.signature, validate=True), CONTEXT + report.sha256.encode())
    except (InvalidSignature, ValueError):
        return "bad_signature"
    return None
