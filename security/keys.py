"""Envelope encryption keys (regulation §6.1.1).

- The key-encryption key (KEK) comes from the file named by ``DOSSIER_KEK_FILE``
  or from ``DOSSIER_KEK`` (base64); it is never stored in a database or backup.
  The embedded default creates ``instance/kek.key`` on first run, with a warning;
  production refuses to start without an explicit one.
- Every official has a data key (DEK), kept only wrapped by the KEK, in a key
  store of its own (``DOSSIER_KEYSTORE_URL``, by default ``instance/keystore.db``),
  never in the main database, its dumps or its logs. Destroying an official's
  DEK makes every copy of their encrypted content unreadable (crypto-shredding).
- Every stored file has a key of its own (``file_key``, wrapped by the KEK under
  a label of its own), so one material can be destroyed (§9.2) without its dossier;
  the attachment store derives the file's content key from it and the official's
  DEK, so destroying either still makes the file unreadable.
- A check value encrypted under the KEK lets start-up tell a wrong KEK clearly.
"""

import base64
import hashlib
import logging
import os
import time
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import (
    Column, DateTime, Integer, LargeBinary, MetaData, String, Table, create_engine, delete, insert, select, update,
)

from . import crypto
from .files import create_exclusive, private_sqlite

log = logging.getLogger(__name__)

keystore_metadata = MetaData()
data_key = Table(
    "data_key", keystore_metadata,
    Column("official_id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
    Column("kek_id", String(16), nullable=False),
    Column("created_at", DateTime, nullable=False),
)
# Keys of the keyring itself (the blind-index key) and the KEK check value.
system_key = Table(
    "system_key", keystore_metadata,
    Column("name", String(40), primary_key=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("kek_id", String(16), nullable=False),
)
# Tombstones of destroyed data keys: backups purge exactly these from the keyrings
# beside every target (jobs.backup.keyrings), never "whatever this key store lacks".
destroyed_key = Table(
    "destroyed_key", keystore_metadata,
    Column("official_id", Integer, primary_key=True),
    Column("destroyed_at", DateTime, nullable=False),
)
# One key per stored file (§9.2: one material destroyed without its dossier), wrapped under
# the KEK with a label of its own. AUTOINCREMENT on SQLite: an id once handed out (and
# perhaps destroyed, its tombstone kept) is never handed out again.
file_key = Table(
    "file_key", keystore_metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("wrapped", LargeBinary, nullable=False),
    Column("kek_id", String(16), nullable=False),
    Column("created_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)
destroyed_file_key = Table(
    "destroyed_file_key", keystore_metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("destroyed_at", DateTime, nullable=False),
)
KEK_CHECK = b"dossier key-encryption key check"


class KeyError_(RuntimeError):
    """A key problem an operator must fix; the message says what."""


class ShreddedKey(LookupError):
    """The official's data key was destroyed: their content can no longer be read."""


class ShreddedFileKey(ShreddedKey):
    """One stored file's key was destroyed: that material can no longer be read."""


def kek_id_of(kek: bytes) -> str:
    return hashlib.sha256(b"dossier-kek-id" + kek).hexdigest()[:16]


def load_kek(config, instance_path: str) -> bytes:
    if config.get("DOSSIER_KEK"):
        kek = base64.b64decode(config["DOSSIER_KEK"])
    else:
        path = Path(config.get("DOSSIER_KEK_FILE") or Path(instance_path) / "kek.key")
        if not path.exists():
            if config.get("DOSSIER_ENV") == "production":
                raise KeyError_("No key-encryption key: set DOSSIER_KEK_FILE (32 random bytes, base64) for production.")
            if create_exclusive(path, base64.b64encode(crypto.new_key()) + b"\n"):
                log.warning("Created a development key-encryption key at %s: keep it out of backups.", path)
        kek = base64.b64decode(path.read_bytes().strip())
    if len(kek) != crypto.KEY_SIZE:
        raise KeyError_("The key-encryption key must be 32 bytes (base64-encoded).")
    return kek


class KeyRing:
    """The KEK, the key store and a per-process cache of unwrapped data keys."""

    def __init__(self, kek: bytes, keystore_url: str):
        self.kek = kek
        self.kek_id = kek_id_of(kek)
        self.engine = create_engine(keystore_url)
        keystore_metadata.create_all(self.engine)
        self._cache: dict[int, tuple[int, bytes]] = {}
        self._cached_at: dict[int, float] = {}
        self._file_cache: dict[int, bytes] = {}
        self._file_cached_at: dict[int, float] = {}
        self._check()
        self.index_key = self._system_key("blind_index")

    # -- the KEK ---------------------------------------------------------

    def _wrap(self, key: bytes, label: str) -> bytes:
        return crypto.encrypt(self.kek, 0, key, label.encode())

    def _unwrap(self, wrapped: bytes, label: str) -> bytes:
        return crypto.decrypt(self.kek, wrapped, label.encode())

    def _check(self) -> None:
        with self.engine.begin() as conn:
            row = conn.execute(select(system_key).where(system_key.c.name == "kek_check")).first()
            if row is None:
                conn.execute(insert(system_key).values(name="kek_check", wrapped=self._wrap(KEK_CHECK, "kek_check"),
                                                       kek_id=self.kek_id))
                return
        try:
            ok = self._unwrap(row.wrapped, "kek_check") == KEK_CHECK
        except crypto.DecryptionError:
            ok = False
        if not ok:
            raise KeyError_(
                f"The key-encryption key (id {self.kek_id}) does not open this key store, which was made with "
                f"key id {row.kek_id}: check DOSSIER_KEK_FILE."
            )

    def system_key(self, name: str) -> bytes:
        """A key of the product itself (not of an official), created on first use."""
        return self._system_key(name)

    def _system_key(self, name: str) -> bytes:
        with self.engine.begin() as conn:
            row = conn.execute(select(system_key).where(system_key.c.name == name)).first()
            if row is not None:
                return self._unwrap(row.wrapped, name)
            key = crypto.new_key()
            conn.execute(insert(system_key).values(name=name, wrapped=self._wrap(key, name), kek_id=self.kek_id))
            return key

    # -- data keys -------------------------------------------------------

    @staticmethod
    def _label(official_id: int, version: int) -> str:
        return f"dek|{official_id}|{version}"

    # Another worker may destroy a key (crypto-shredding): a cached copy is trusted
    # this long at most, and callers whose ciphertext does not open ask again fresh.
    cache_seconds = 60.0

    def dek(self, official_id: int, create: bool = False, fresh: bool = False) -> tuple[int, bytes]:
        """(version, key) of the official's data key; ShreddedKey if it is gone."""
        cached = self._cache.get(official_id)
        if cached is not None and not fresh and time.monotonic() - self._cached_at.get(official_id, 0) < self.cache_seconds:
            return cached
        with self.engine.begin() as conn:
            row = conn.execute(select(data_key).where(data_key.c.official_id == official_id)).first()
            if row is None:
                if not create:
                    raise ShreddedKey(official_id)
                key, version = crypto.new_key(), 1
                conn.execute(insert(data_key).values(
                    official_id=official_id, version=version, wrapped=self._wrap(key, self._label(official_id, version)),
                    kek_id=self.kek_id, created_at=datetime.now()))
                self._remember(official_id, (version, key))
                return version, key
        key = self._unwrap(row.wrapped, self._label(official_id, row.version))
        self._remember(official_id, (row.version, key))
        return row.version, key

    # Ids per key-store query of ``deks``: under every SQLite build's bound-parameter limit.
    batch_size = 500

    def deks(self, official_ids) -> dict[int, tuple[int, bytes]]:
        """(version, key) of many officials' data keys, as ``dek`` gives them one by one, in one
        key-store query per ``batch_size`` officials not cached: a check over every dossier
        otherwise pays a round trip per official. An official whose key is gone is left out."""
        now, found, wanted = time.monotonic(), {}, []
        for official_id in dict.fromkeys(official_ids):
            cached = self._cache.get(official_id)
            if cached is not None and now - self._cached_at.get(official_id, 0) < self.cache_seconds:
                found[official_id] = cached
            else:
                wanted.append(official_id)
        rows = []
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), self.batch_size):
                rows += conn.execute(select(data_key.c.official_id, data_key.c.version, data_key.c.wrapped)
                                     .where(data_key.c.official_id.in_(wanted[start:start + self.batch_size]))).all()
        for row in rows:
            entry = (row.version, self._unwrap(row.wrapped, self._label(row.official_id, row.version)))
            self._remember(row.official_id, entry)
            found[row.official_id] = entry
        return found

    def _remember(self, official_id: int, entry: tuple[int, bytes]) -> None:
        self._cache[official_id] = entry
        self._cached_at[official_id] = time.monotonic()

    def create_many(self, official_ids) -> dict[int, tuple[int, bytes]]:
        """Data keys for many new officials in one write (bulk seeding and import)."""
        now, rows, made = datetime.now(), [], {}
        for official_id in official_ids:
            key = crypto.new_key()
            rows.append({"official_id": official_id, "version": 1, "kek_id": self.kek_id, "created_at": now,
                         "wrapped": self._wrap(key, self._label(official_id, 1))})
            made[official_id] = (1, key)
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(data_key), rows)
        for official_id, entry in made.items():
            self._remember(official_id, entry)
        return made

    def destroy(self, official_id: int) -> bool:
        """Crypto-shred: without this key none of the official's ciphertext opens again."""
        self._cache.pop(official_id, None)
        with self.engine.begin() as conn:
            gone = conn.execute(delete(data_key).where(data_key.c.official_id == official_id)).rowcount > 0
            if conn.execute(select(destroyed_key.c.official_id).where(
                    destroyed_key.c.official_id == official_id)).first() is None:
                conn.execute(insert(destroyed_key).values(official_id=official_id, destroyed_at=datetime.now()))
            return gone

    def destroyed(self) -> set[int]:
        """Officials whose data key was destroyed here."""
        with self.engine.connect() as conn:
            return set(conn.scalars(select(destroyed_key.c.official_id)))

    # -- file keys -------------------------------------------------------

    @staticmethod
    def _file_label(key_id: int, version: int) -> str:
        # Not the label of a data key: a wrapped file key put in data_key (or the
        # reverse) does not unwrap.
        return f"fdek|{key_id}|{version}"

    def new_file_key(self) -> tuple[int, bytes]:
        """(id, key) of a new key for one stored file."""
        key, version = crypto.new_key(), 1
        with self.engine.begin() as conn:
            while True:
                key_id = conn.execute(insert(file_key).values(
                    version=version, wrapped=b"", kek_id=self.kek_id, created_at=datetime.now())).inserted_primary_key[0]
                # A key store rebuilt from a keyring may hand out an id a tombstone names:
                # that id stays destroyed, and the next one is taken.
                if conn.execute(select(destroyed_file_key.c.id).where(destroyed_file_key.c.id == key_id)).first() is None:
                    break
                conn.execute(delete(file_key).where(file_key.c.id == key_id))
            conn.execute(update(file_key).where(file_key.c.id == key_id).values(
                wrapped=self._wrap(key, self._file_label(key_id, version))))
        self._remember_file(key_id, key)
        return key_id, key

    def file_key(self, key_id: int, fresh: bool = False) -> bytes:
        """The key of one stored file; ShreddedFileKey (a ShreddedKey) if it is gone."""
        cached = self._file_cache.get(key_id)
        if cached is not None and not fresh and time.monotonic() - self._file_cached_at.get(key_id, 0) < self.cache_seconds:
            return cached
        with self.engine.connect() as conn:
            row = conn.execute(select(file_key).where(file_key.c.id == key_id)).first()
        if row is None:
            self._file_cache.pop(key_id, None)
            raise ShreddedFileKey(key_id)
        key = self._unwrap(row.wrapped, self._file_label(row.id, row.version))
        self._remember_file(key_id, key)
        return key

    def file_keys(self, ids) -> dict[int, bytes]:
        """Many files' keys, as ``file_key`` gives them one by one, in one key-store query per
        ``batch_size`` keys not cached. A key that is gone is left out."""
        now, found, wanted = time.monotonic(), {}, []
        for key_id in dict.fromkeys(ids):
            cached = self._file_cache.get(key_id)
            if cached is not None and now - self._file_cached_at.get(key_id, 0) < self.cache_seconds:
                found[key_id] = cached
            else:
                wanted.append(key_id)
        rows = []
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), self.batch_size):
                rows += conn.execute(select(file_key.c.id, file_key.c.version, file_key.c.wrapped)
                                     .where(file_key.c.id.in_(wanted[start:start + self.batch_size]))).all()
        for row in rows:
            key = self._unwrap(row.wrapped, self._file_label(row.id, row.version))
            self._remember_file(row.id, key)
            found[row.id] = key
        return found

    def _remember_file(self, key_id: int, key: bytes) -> None:
        self._file_cache[key_id] = key
        self._file_cached_at[key_id] = time.monotonic()

    def destroy_file_key(self, key_id: int) -> bool:
        """Crypto-shred one stored file: without this key it never opens again. The tombstone
        lets backups purge the key from every keyring generation (jobs.backup.keyrings)."""
        self._file_cache.pop(key_id, None)
        with self.engine.begin() as conn:
            gone = conn.execute(delete(file_key).where(file_key.c.id == key_id)).rowcount > 0
            if conn.execute(select(destroyed_file_key.c.id).where(destroyed_file_key.c.id == key_id)).first() is None:
                conn.execute(insert(destroyed_file_key).values(id=key_id, destroyed_at=datetime.now()))
            return gone

    def destroyed_file_keys(self) -> set[int]:
        """Ids of the file keys destroyed here."""
        with self.engine.connect() as conn:
            return set(conn.scalars(select(destroyed_file_key.c.id)))

    def rotate(self, new_kek: bytes) -> int:
        """Re-wrap every data key, file key and system key under ``new_kek``; content is not
        touched. The number of data keys and file keys re-wrapped."""
        new = KeyRing.__new__(KeyRing)
        new.kek, new.kek_id = new_kek, kek_id_of(new_kek)
        count = 0
        with self.engine.begin() as conn:
            for row in conn.execute(select(data_key)).all():
                label = self._label(row.official_id, row.version)
                conn.execute(update(data_key).where(data_key.c.official_id == row.official_id).values(
                    wrapped=new._wrap(self._unwrap(row.wrapped, label), label), kek_id=new.kek_id))
                count += 1
            for row in conn.execute(select(file_key)).all():
                label = self._file_label(row.id, row.version)
                conn.execute(update(file_key).where(file_key.c.id == row.id).values(
                    wrapped=new._wrap(self._unwrap(row.wrapped, label), label), kek_id=new.kek_id))
                count += 1
            for row in conn.execute(select(system_key)).all():
                conn.execute(update(system_key).where(system_key.c.name == row.name).values(
                    wrapped=new._wrap(self._unwrap(row.wrapped, row.name), row.name), kek_id=new.kek_id))
        self.kek, self.kek_id = new_kek, new.kek_id
        return count

    # -- blind index -----------------------------------------------------

    def blind_index(self, value: str) -> str:
        """A keyed hash for exact lookups and uniqueness of an encrypted value."""
        import hmac

        return hmac.new(self.index_key, value.encode(), hashlib.sha256).hexdigest()


def keyring() -> KeyRing:
    return current_app.extensions["dossier_keyring"]


def init_app(app) -> None:
    kek = load_kek(app.config, app.instance_path)
    url = app.config.get("DOSSIER_KEYSTORE_URL") or f"sqlite:///{Path(app.instance_path) / 'keystore.db'}"
    app.extensions["dossier_keyring"] = open_keystore(kek, url, production=app.config.get("DOSSIER_ENV") == "production")


def open_keystore(kek: bytes, url: str, production: bool = False) -> "KeyRing":
    """The key store, or a sentence saying why it cannot be used.

    A new, empty key store beside a database full of ciphertext would make every
    official unreadable and the citizen-ID index blind: production never creates one."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if not path.exists() and production:
            raise KeyError_(f"The key store {path} does not exist: restore it (see Recovery) or point "
                            f"DOSSIER_KEYSTORE_URL at it. Production never creates an empty one.")
        if path.exists() and not os.access(path, os.R_OK | os.W_OK):
            raise KeyError_(f"The key store {path} cannot be read and written by this process: check its owner "
                            f"and permissions.")
    # Created (or tightened) readable by the app's account alone.
    private_sqlite(url)
    try:
        return KeyRing(kek, url)
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        raise KeyError_(f"The key store {shown} cannot be opened ({reason}): check DOSSIER_KEYSTORE_URL.") from error
