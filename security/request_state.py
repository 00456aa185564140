"""What one request works out or decides once, kept for that request alone.

One object per request, created on first use and held on Flask's ``g``, which lives
exactly as long as the request's application context: nothing in it can outlive the
request, and nobody keeps a list of keys to clear. Each field says who sets it.
"""

from dataclasses import dataclass, field

from flask import g

# The reach of the signed-in user before anyone has worked it out (None is a reach: no limit).
UNKNOWN = object()


@dataclass
class RequestState:
    # "author": this request may load the user's own drafts (views set it, models.visibility reads it).
    visibility: str | None = None
    # The department reach of the signed-in user (security.scope.current).
    reach: object = UNKNOWN
    # Grants of a set of roles, by role ids, read once (security.grants.of_roles).
    grants: dict = field(default_factory=dict)
    # The grant generation this request reads grants and the menu under (security.grants.generation;
    # None: nothing shared).
    generation: object = UNKNOWN
    # Plaintexts of stored sensitive values this request decrypted, by (associated data, ciphertext)
    # (models.encryption): each is decrypted once, whichever object or raw row brings it.
    plaintexts: dict = field(default_factory=dict)
    # (material classes, section tables) closed to the reader (views.catalogue.closed_to_reader).
    closed_materials: tuple | None = None
    # The review queue counts the menu shows, by stage (views.workflow.QueueCount).
    queue_counts: dict = field(default_factory=dict)
    # True while the menu is drawn to be kept: its queue counts are markers (views.menu_cache).
    menu_marks: bool = False
    # The change request an edit of approved content became (views.base.RecordView).
    change_request: object = None
    # The official a self-service form is for (views.self_service, views.base.official_field).
    form_official_id: int | None = None
    # Grants chosen on a create form, proposed once the new row exists (security.views).
    held_grants: list = field(default_factory=list)


def current() -> RequestState:
    """This request's state (needs an application context)."""
    state = g.get("dossier_request_state")
    if state is None:
        state = g.dossier_request_state = RequestState()
    return state
