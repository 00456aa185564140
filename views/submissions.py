"""One-time submission ids: a create form posted twice (a double click, a resent
page) creates one record.

Every add form carries a fresh random id. The first post to claim it goes on;
a later post of the same id is told the form was already saved, and creates
nothing. A refused post gives its id back, so the corrected form can be sent
again. Claims live in the store the sign-in rate limit uses
(``RATELIMIT_STORAGE_URI``): Redis in production, shared by every worker.
"""

import re
import secrets

from flask import abort, current_app, g, request
from limits.storage import storage_from_string

FIELD = "submission_id"
# Long enough for any form left open, short enough for the store to forget.
EXPIRY_SECONDS = 24 * 3600
TOKEN = re.compile(r"[0-9a-f]{32}")
_stores: dict = {}


def new_id() -> str:
    return secrets.token_hex(16)


def _store():
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if uri not in _stores:
        _stores[uri] = storage_from_string(uri)
    return _stores[uri]


def _key(token: str) -> str:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "dossier")
    return f"{prefix}:submission:{getattr(g.user, 'id', '')}:{token}"


def posted() -> str | None:
    """The posted submission id; a malformed one is a 400. Posts without one (older
    clients, the command line's HTTP scripts) are not deduplicated."""
    token = request.form.get(FIELD)
    if token is None:
        return None
    if not TOKEN.fullmatch(token):
        abort(400)
    return token


def claim(token: str) -> bool:
    """True for the first post of ``token``."""
    return _store().incr(_key(token), EXPIRY_SECONDS) == 1


def give_back(token: str) -> None:
    _store().clear(_key(token))
