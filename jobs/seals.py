"""A stored text's seal: its SHA-256, signed with the Ed25519 key that signs audit
checkpoints and backup manifests (kept outside the database), under a context of its
own per kind of text, so that no other signed text passes for one of this kind."""

import base64
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from security import audit


def digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def seal(body: str, context: bytes) -> tuple[str, str]:
    """(sha256, base64 signature) of ``body``."""
    sha = digest(body)
    return sha, base64.b64encode(audit.signing_key().sign(context + sha.encode())).decode()


def check(body: str, sha256: str, signature: str, context: bytes) -> str | None:
    """None when the body matches its hash and the hash its signature; else what is wrong."""
    if digest(body) != sha256:
        return "body_changed"
    path = audit.public_key_path()
    if not path.exists():
        return "no_public_key"
    public = serialization.load_pem_public_key(path.read_bytes())
    try:
        public.verify(base64.b64decode(signature, validate=True), context + sha256.encode())
    except (InvalidSignature, ValueError):
        return "bad_signature"
    return None
