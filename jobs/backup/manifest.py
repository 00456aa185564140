"""The manifest of a backup: what it holds, signed so that it cannot be altered
unnoticed.

It records counts per table, the audit chain head, the SHA-256 of every file
(the database part, the audit checkpoints, every stored attachment), the product
and schema version. It is signed with the Ed25519 key that signs audit
checkpoints, a key kept outside the database and outside every backup.
"""

import base64
import json
from importlib import metadata as package_metadata

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from security import audit

FORMAT = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"


class ManifestError(RuntimeError):
    pass


def product_version() -> str:
    try:
        return package_metadata.version("officials-dossier")
    except package_metadata.PackageNotFoundError:
        return "unknown"


def build(run, taken, created_at: str, staging_path: str, store_path: str) -> dict:
    return {
        "format": FORMAT,
        "product": "officials-dossier",
        "product_version": product_version(),
        "schema": taken.schema,
        "dialect": taken.dialect,
        "run": run.id,
        "kind": taken.kind,
        "base_position": taken.base,
        "position": taken.position,
        "created_at": created_at,
        "counts": taken.counts,
        "audit_head": taken.audit_head,
        "files": taken.files,
        "store": taken.store_files,
        "paths": {"staging": staging_path, "store": store_path},
    }


def encode(manifest: dict) -> bytes:
    return json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sign(data: bytes) -> bytes:
    return base64.b64encode(audit.signing_key().sign(b"dossier-backup-manifest\x1f" + data)) + b"\n"


def verify(data: bytes, signature: bytes) -> dict:
    """The manifest, if its signature is good; ManifestError otherwise."""
    path = audit.public_key_path()
    if not path.exists():
        raise ManifestError(f"No public key at {path} to check the manifest's signature.")
    public = serialization.load_pem_public_key(path.read_bytes())
    try:
        public.verify(base64.b64decode(signature.strip(), validate=True), b"dossier-backup-manifest\x1f" + data)
    except (InvalidSignature, ValueError):
        raise ManifestError("The manifest's signature does not verify: it was altered or signed by another key.")
    manifest = json.loads(data)
    if manifest.get("format") != FORMAT:
        raise ManifestError(f"Unknown manifest format {manifest.get('format')!r}.")
    return manifest
