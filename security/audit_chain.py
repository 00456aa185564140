"""The audit chain's fixed parts: its tables, the canonical encoding of an event, and the
error an operator must fix.

chain_n = HMAC-SHA-256(key, chain_{n-1} || encode(event_n)), chain_0 = genesis(key):
the writer (``security.audit``) and the verifier (``security.audit_verify``) must
encode an event to the same bytes, so both take them from here.
"""

import json
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from uuid import UUID

from security.audit_tables import AuditChainHead, AuditEvent

EVENTS = AuditEvent.__table__
HEAD = AuditChainHead.__table__
GENESIS = b"dossier-audit-genesis"
SEP = b"\x1f"
# Fields of the canonical encoding less one: every event has exactly this many separators.
SEPARATORS = 8
ACTION = re.compile(r"[a-z][a-z_]{0,39}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BATCH = 10_000
ENCODED = ("seq", "at", "actor_id", "actor_name", "action", "object_type", "object_id", "client_addr", "details")


class AuditError(RuntimeError):
    """A problem an operator must fix (missing key, missing chain head); the message says what."""


def encode(seq, at, actor_id, actor_name, action, object_type, object_id, client_addr, details) -> bytes:
    """The chained bytes of an event: fields in a fixed order, separated by U+001F.

    No stored field may contain a control character (the writer replaces them, JSON
    escapes them), so the separator count proves the split; a nullable text is ""
    when NULL and "=" + value otherwise, so NULL and "" differ.
    """
    return (
        f"{seq}\x1f{at}\x1f{'' if actor_id is None else actor_id}\x1f"
        f"{'' if actor_name is None else '=' + actor_name}\x1f{action}\x1f"
        f"{'' if object_type is None else '=' + object_type}\x1f"
        f"{'' if object_id is None else '=' + object_id}\x1f"
        f"{'' if client_addr is None else '=' + client_addr}\x1f{details}"
    ).encode()


def _json_default(value):
    if isinstance(value, (date, datetime, Decimal, UUID)):
        return str(value)
    raise TypeError(f"audit details cannot hold a {type(value).__name__}: record a reference instead")


def canonical_json(details: dict) -> str:
    if any("password" in str(k).lower() for k in details):
        raise ValueError("audit details must never hold a password")
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False, default=_json_default)


def stored_text(value, column) -> str | None:
    if value is None:
        return None
    return CONTROL.sub("\ufffd", str(value))[: column.type.length]


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
