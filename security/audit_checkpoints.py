"""Signed checkpoints of the audit chain: the log's format, and reading it back with every
signature checked. The writer (``security.audit.checkpoint``) appends to it; the log and
its copies on the backup targets (``security.checkpointing.mirrors``) are read together."""

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from security.audit_keys import config_path, public_key_path


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    chain: str
    at: str
    line: int = 0


def signed_bytes(seq: int, chain: str, at: str) -> bytes:
    return f"dossier-audit-checkpoint\x1f{seq}\x1f{chain}\x1f{at}".encode()


def checkpoint_path() -> Path:
    return config_path("DOSSIER_AUDIT_CHECKPOINT_FILE", "audit-checkpoints.log")


class CheckpointProblem(Exception):
    def __init__(self, problem, seq=None, **params):
        self.problem, self.seq, self.params = problem, seq, params


def read_checkpoints(last_only: bool = False) -> list[Checkpoint]:
    """Every checkpoint line of the log and of its copies on the backup targets, each
    signature checked, ordered by seq: a log rewound in one place is still caught."""
    from security.checkpointing import mirrors

    lines = []
    for path in (checkpoint_path(), *mirrors()):
        if not path.exists():
            continue
        found = [(n, text) for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.strip()]
        lines += found[-1:] if last_only else found
    if not lines:
        return []
    pub_path = public_key_path()
    if not pub_path.exists():
        raise CheckpointProblem("no_public_key", path=str(pub_path))
    public = serialization.load_pem_public_key(pub_path.read_bytes())
    found = []
    for number, text in lines:
        try:
            entry = json.loads(text)
            cp = Checkpoint(int(entry["seq"]), str(entry["chain"]), str(entry["at"]), number)
            signature = base64.b64decode(entry["signature"], validate=True)
        except (ValueError, KeyError, TypeError):
            raise CheckpointProblem("bad_checkpoint", line=number) from None
        try:
            public.verify(signature, signed_bytes(cp.seq, cp.chain, cp.at))
        except InvalidSignature:
            raise CheckpointProblem("bad_checkpoint_signature", cp.seq, line=number) from None
        found.append(cp)
    return sorted(found, key=lambda c: (c.seq, c.line))
