"""Sensitive fields: plaintext in Python, AES-GCM ciphertext in the database (§6.1.1).

A model declares the stored column and the attribute people use::

    _mobile = sensitive_column("mobile", format="mobile")
    mobile = Sensitive("_mobile")

Reading ``obj.mobile`` decrypts with the official's data key (cached per object);
assigning it keeps the plaintext until flush, when ``install()``'s hook gives a
new row its id (the id is part of the associated data), encrypts, and writes the
ciphertext. Values of an official whose key was destroyed read as ``SHREDDED``.
"""

from flask import has_request_context
from flask_babel import gettext as _
from sqlalchemy import Column, LargeBinary, event, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from security import crypto, request_state
from security.keys import ShreddedKey, keyring

_PLAIN = "_dossier_plain"
_PENDING = "_dossier_pending"


class _Unreadable:
    """A value that cannot be shown; says why, in the reader's language."""

    def __init__(self, reason):
        self.reason = reason

    def __str__(self):
        if self.reason == "shredded":
            return _("[Key destroyed: this content can no longer be read]")
        return _("[Does not authenticate: this content may have been tampered with]")

    __html__ = __str__

    def __bool__(self):
        return True


SHREDDED = _Unreadable("shredded")
TAMPERED = _Unreadable("tampered")


def sensitive_column(name: str, **info) -> Column:
    """The stored ciphertext of a sensitive field; ``info`` carries its validation rules."""
    return Column(name, LargeBinary, info={"plain": name, **info})


def official_id_of(obj):
    """Whose data key protects ``obj``: the official's own row uses its id."""
    official_id = getattr(obj, "official_id", None)
    if official_id is None and getattr(obj, "official", None) is not None:
        official_id = obj.official.id
    return official_id


class Sensitive:
    """The plaintext face of a sensitive column."""

    def __init__(self, column_attr: str):
        self.column_attr = column_attr

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        cache = obj.__dict__.setdefault(_PLAIN, {})
        if self.name in cache:
            return cache[self.name]
        blob = getattr(obj, self.column_attr)
        value = None if blob is None else self._decrypt(obj, blob)
        cache[self.name] = value
        return value

    def __set__(self, obj, value):
        if isinstance(value, _Unreadable):
            return  # an unreadable value is never written back over its ciphertext
        value = value if value not in ("",) else None
        persistent = getattr(obj, "_sa_instance_state", None) is not None and obj._sa_instance_state.key is not None
        if persistent:
            # Load an expired row first: its refresh would drop the plaintext set below.
            getattr(obj, self.column_attr)
        obj.__dict__.setdefault(_PLAIN, {})[self.name] = value
        obj.__dict__.setdefault(_PENDING, set()).add(self.name)
        if persistent:
            flag_modified(obj, self.column_attr)

    def _decrypt(self, obj, blob: bytes, key_of=None):
        """``key_of(official_id)``, when given, is the first key tried (a batch of keys unwrapped
        together, security.keys.KeyRing.deks); it raises ShreddedKey for a key that is gone."""
        official_id = official_id_of(obj)
        aad = crypto.field_aad(obj.__tablename__, self.name, obj.id, official_id)
        # One request decrypts a stored value once, whichever object or raw row brings it.
        opened = request_state.current().plaintexts if has_request_context() else None
        found = opened.get((aad, bytes(blob))) if opened is not None else None
        if found is None:
            found = self._open(blob, aad, official_id, key_of)
            if opened is not None and not isinstance(found, _Unreadable):
                opened[(aad, bytes(blob))] = found
        return found

    @staticmethod
    def _open(blob: bytes, aad: bytes, official_id: int, key_of=None):
        # A cached key may be stale (destroyed or replaced by another worker): ask once more, fresh.
        for fresh in (False, True):
            try:
                if key_of is not None and not fresh:
                    _version, key = key_of(official_id)
                else:
                    _version, key = keyring().dek(official_id, fresh=fresh)
            except ShreddedKey:
                return SHREDDED
            try:
                return crypto.decrypt(key, blob, aad).decode()
            except crypto.DecryptionError:
                continue
        return TAMPERED

    def encrypt_pending(self, obj) -> None:
        value = obj.__dict__[_PLAIN].get(self.name)
        if value is None:
            setattr(obj, self.column_attr, None)
            return
        version, key = keyring().dek(official_id_of(obj), create=True)
        setattr(obj, self.column_attr, seal(obj.__tablename__, self.name, obj.id, official_id_of(obj), version, key, value))


def seal(table: str, name: str, row_id: int, official_id: int, version: int, key: bytes, value) -> bytes:
    """One sensitive value as stored: AES-GCM under the official's data key (``version``),
    bound to its table, field, row and official, so it decrypts nowhere else."""
    return crypto.encrypt(key, version, str(value).encode(), crypto.field_aad(table, name, row_id, official_id))


class _StoredRow:
    """What decrypting a stored value needs: its table, row and whose data key protects it."""

    def __init__(self, table: str, row_id: int, official_id: int):
        self.__tablename__, self.id, self.official_id = table, row_id, official_id


def open_stored(table: str, name: str, row_id: int, official_id: int, blob):
    """The plaintext of field ``name`` as stored outside its object (a version row, a raw
    SELECT): bound, like every sealed value, to its table, field, row and official. A value
    that cannot be read is SHREDDED or TAMPERED, never its bytes."""
    if blob is None:
        return None
    field = Sensitive(f"_{name}")
    field.name = name
    return field._decrypt(_StoredRow(table, row_id, official_id), bytes(blob))


def sensitive_fields(model) -> dict[str, Sensitive]:
    return {name: attr for klass in reversed(model.__mro__) for name, attr in vars(klass).items()
            if isinstance(attr, Sensitive)}


def pending_changes(obj) -> dict:
    """Plaintext assigned since load, by field name."""
    return {name: obj.__dict__[_PLAIN][name] for name in obj.__dict__.get(_PENDING, ())}


def stored_plaintext(obj, name: str):
    """The value as stored, ignoring anything assigned since."""
    field = sensitive_fields(type(obj))[name]
    blob = obj._sa_instance_state.committed_state.get(field.column_attr)
    if not isinstance(blob, (bytes, memoryview)):
        # Not loaded before the edit (or a loader sentinel): the attribute still holds it.
        blob = getattr(obj, field.column_attr)
    return None if blob is None else field._decrypt(obj, blob)


def forget(obj) -> None:
    if obj is None:  # expiry of an instance already garbage-collected
        return
    obj.__dict__.pop(_PLAIN, None)
    obj.__dict__.pop(_PENDING, None)


def _allocate_id(session, obj) -> None:
    """Give a new row its primary key before INSERT: the id is in the associated data."""
    table = obj.__table__
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        obj.id = bind.execute(text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id'))")).scalar()
        return
    # SQLite has one writer at a time; ids handed out in this flush are remembered.
    handed = session.info.setdefault("dossier_ids", {})
    current = bind.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar() or 0
    obj.id = max(current, handed.get(table.name, 0)) + 1
    handed[table.name] = obj.id


_encrypted: list[tuple] = [()]


def install(models: tuple) -> None:
    """Encrypt pending plaintext of ``models`` at flush; drop cached plaintext on expiry.
    Idempotent."""
    _encrypted[0] = tuple(models)
    for name, listener in (("before_flush", _encrypt), ("after_commit", _forget_ids),
                           ("after_rollback", _forget_ids)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    for model in models:
        for name, listener in (("expire", _forget_on_expire), ("refresh", _forget_on_refresh)):
            if not event.contains(model, name, listener):
                event.listen(model, name, listener)


def _encrypt(session, flush_context, instances):
    from .official import Official

    with session.no_autoflush:
        objects = [o for o in list(session.new) + list(session.dirty)
                   if isinstance(o, _encrypted[0]) and o.__dict__.get(_PENDING)]
        # Officials first: a new official's id is part of their records' associated data.
        objects.sort(key=lambda o: not isinstance(o, Official))
        for obj in objects:
            if obj.id is None:
                _allocate_id(session, obj)
            if getattr(obj, "official_id", None) is None and getattr(obj, "official", None) is not None \
                    and not isinstance(obj, Official):
                obj.official_id = obj.official.id
            fields = sensitive_fields(type(obj))
            for name in obj.__dict__.pop(_PENDING):
                fields[name].encrypt_pending(obj)
                if hasattr(obj, "on_sensitive_encrypted"):
                    obj.on_sensitive_encrypted(name)


def _forget_ids(session):
    session.info.pop("dossier_ids", None)


def _forget_on_expire(target, attrs):
    forget(target)


def _forget_on_refresh(target, context, attrs):
    forget(target)
