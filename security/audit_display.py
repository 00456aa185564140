"""How an audit event reads on the auditor's screen: what it is about, named only for whom
may read that official (§5.1 work need, §6.1 知曉範圍), and its details as label/value rows."""

import json

from sqlalchemy import select

from models import Official
from models.db import db
from security import audit_registry, scope


def official_id_of(event) -> int | None:
    """The official an event is about: the official itself, or the official of a dossier record."""
    if event.object_type == "official":
        return _int(event.object_id)
    return _int(details_of(event).get("official"))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def details_of(event) -> dict:
    try:
        value = json.loads(event.details or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def prefetch_names(events, user=None) -> dict[int, str]:
    """The names of the officials ``events`` are about that the viewer may read: one query
    for a page of events, set on each event as ``named``, which the screen shows."""
    wanted = {i for i in (official_id_of(e) for e in events) if i is not None}
    reach = scope.scope_of(user) if user is not None else scope.current()
    names = {}
    condition = reach.officials() if reach is not None else None
    if wanted and not (reach is not None and reach.kind == "none"):
        query = select(Official.id, Official.name).where(Official.id.in_(wanted))
        if condition is not None:
            query = query.where(condition)
        names = dict(db.session.execute(query.execution_options(**scope.UNSCOPED)).all())
    for event in events:
        event.named = object_named(event, names)
    return names


def object_named(event, names: dict) -> str:
    """``Name (#id)`` for an official the viewer may read (in ``names``), else the stored id alone."""
    official_id = official_id_of(event)
    if official_id is not None and official_id in names:
        if event.object_type == "official":
            return f"{names[official_id]} (#{official_id})"
        return f"{event.object_id or ''} — {names[official_id]} (#{official_id})"
    return event.object_id or ""


def detail_rows(event) -> list[tuple[str, str]]:
    """(label, value) of the details, known keys labelled; anything secret-looking left out."""
    rows = []
    for key, value in sorted(details_of(event).items()):
        if audit_registry.is_secret(key):
            continue
        label = audit_registry.DETAIL_LABELS.get(key, key)
        if isinstance(value, list):
            text = "、".join(str(v) for v in value)
        elif isinstance(value, dict):
            text = "; ".join(f"{k}: {v}" for k, v in sorted(value.items()))
        else:
            text = "" if value is None else str(value)
        rows.append((str(label), text))
    return rows
