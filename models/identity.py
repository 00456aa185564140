"""Identity and contact fields (citizen ID, phones, e-mail): a reading tier of their own.

Reading a section shows its record; reading these fields in clear is one more permission,
``can_read_clear`` on ``identity_fields``, granted by role data (security.roles). Without
it every screen shows them masked (``110105********123X``): the official's page and lists
(views.base formatters), the history page (models.history), change requests in the review
queues, rosters (models.rosters) and list exports (jobs.list_export). One permission,
asked here, so no screen can disagree with another about who reads them.

An identity field is a sensitive column (models.encryption) whose ``format`` has a mask;
a sensitive free text (an integrity-file text, a sanction's reason) is no identity field:
it follows its section's read rule.
"""

from functools import cache

from .reading import has_permission

IDENTITY_VIEW = "identity_fields"
READ_CLEAR = ("can_read_clear", IDENTITY_VIEW)


def _mask_email(value: str) -> str:
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


# format → how the value shows without the tier: enough to recognise, not to use.
MASKS = {
    "citizen_id": lambda v: v[:6] + "*" * max(len(v) - 10, 0) + v[-4:],
    "mobile": lambda v: v[:3] + "****" + v[-4:],
    "phone": lambda v: "*" * max(len(v) - 4, 0) + v[-4:],
    "email": _mask_email,
}


@cache
def fields_of(model) -> dict[str, str]:
    """Field name (the plaintext attribute) → format of every identity field of ``model``."""
    return {c.info["plain"]: c.info["format"] for c in model.__table__.columns
            if "plain" in c.info and c.info.get("format") in MASKS}


def reads_clear(user, official=None) -> bool:
    """Whether ``user`` reads identity fields in clear; ``official``, when given, is whose
    fields they are: the official's own account reads their own (self-service)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if official is not None and official.account_id is not None and official.account_id == user.id:
        return True
    return has_permission(user, READ_CLEAR)


def masked(kind: str, value):
    """``value`` of an identity field of format ``kind`` as read without the tier. Anything
    but text (a destroyed key's or a failed authentication's notice) says what it says."""
    if not isinstance(value, str) or not value:
        return value
    return MASKS[kind](value)


def shown(model, key: str, value, clear: bool):
    """``value`` of field ``key`` of ``model`` as this reader reads it."""
    kind = fields_of(model).get(key)
    return value if clear or kind is None else masked(kind, value)
