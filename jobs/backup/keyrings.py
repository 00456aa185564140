"""Data keys beside each backup target, never inside a snapshot.

Each target holds a few generations of the key store (data keys and the
product's own keys, all still wrapped by the KEK, which is never backed up), as
small files outside the restic repository. Destroying an official's key removes it
from every generation in every target, so that their content in every old
snapshot becomes unreadable without rewriting a single snapshot. A target that
cannot be reached at that moment is purged at its next backup, which drops from
every generation the keys the live key store records as destroyed (tombstones,
never "whatever it lacks": an empty or wrong key store must not wipe backups).

The keys of single stored files (``file_keys``, §9.2) go the same way: destroying one
removes it from every generation (``purge_file_key``), and the tombstones travel in
each generation (``destroyed_file_keys``) so that a key store rebuilt from a keyring
never opens, nor hands out again, a file key that was destroyed. A generation written
before file keys existed has neither list and still loads.
"""

import base64
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text

from security.files import replace_private
from security.keys import data_key, destroyed_file_key, file_key, keystore_metadata, system_key

PREFIX = "keyring-"


class KeyringError(RuntimeError):
    pass


def folder(target: str | Path) -> Path:
    return Path(target) / "keyring"


def export(ring) -> dict:
    """The key store as it is now, keys still wrapped."""
    with ring.engine.connect() as conn:
        data = [[r.official_id, r.version, r.kek_id, r.created_at.isoformat(), base64.b64encode(r.wrapped).decode()]
                for r in conn.execute(select(data_key).order_by(data_key.c.official_id))]
        system = [[r.name, r.kek_id, base64.b64encode(r.wrapped).decode()]
                  for r in conn.execute(select(system_key).order_by(system_key.c.name))]
        files = [[r.id, r.version, r.kek_id, r.created_at.isoformat(), base64.b64encode(r.wrapped).decode()]
                 for r in conn.execute(select(file_key).order_by(file_key.c.id))]
        destroyed = list(conn.scalars(select(destroyed_file_key.c.id).order_by(destroyed_file_key.c.id)))
    return {"format": 1, "kek_id": ring.kek_id, "written_at": datetime.now().isoformat(timespec="seconds"),
            "data_keys": data, "system_keys": system, "file_keys": files, "destroyed_file_keys": destroyed}


def _write_atomic(path: Path, content: dict) -> None:
    replace_private(path, json.dumps(content, separators=(",", ":")).encode())


def generations(target) -> list[Path]:
    """Oldest first."""
    return sorted(folder(target).glob(f"{PREFIX}*.json"))


def write(target, content: dict, run_id: int, keep: int) -> Path:
    """A new generation for backup run ``run_id``; only the newest ``keep`` stay."""
    where = folder(target)
    where.mkdir(mode=0o700, exist_ok=True)
    path = where / f"{PREFIX}{run_id:010d}.json"
    _write_atomic(path, content)
    for old in generations(target)[:-keep]:
        old.unlink()
    return path


def reconcile(target, destroyed: set[int], destroyed_file_keys: set[int] = frozenset()) -> int:
    """Drop from every generation the keys destroyed since it was written: officials' data
    keys (``destroyed``, official ids) and single files' keys (``destroyed_file_keys``)."""
    removed = 0
    for path in generations(target):
        content = json.loads(path.read_text(encoding="utf-8"))
        kept = [entry for entry in content["data_keys"] if entry[0] not in destroyed]
        files = content.get("file_keys", [])
        kept_files = [entry for entry in files if entry[0] not in destroyed_file_keys]
        tombstones = sorted(set(content.get("destroyed_file_keys", [])) | set(destroyed_file_keys))
        if len(kept) != len(content["data_keys"]) or len(kept_files) != len(files) \
                or tombstones != content.get("destroyed_file_keys", []):
            removed += len(content["data_keys"]) - len(kept) + len(files) - len(kept_files)
            content["data_keys"] = kept
            content["file_keys"], content["destroyed_file_keys"] = kept_files, tombstones
            _write_atomic(path, content)
    return removed


def purge(targets, official_id: int) -> dict[str, str | None]:
    """Remove an official's destroyed key from every target; target → error or None."""
    return _purge(targets, {official_id}, set())


def purge_file_key(targets, key_id: int) -> dict[str, str | None]:
    """Remove one stored file's destroyed key (``KeyRing.destroy_file_key``) from every
    target; target → error or None. A target not reachable now is purged at its next
    backup (the key store's tombstone)."""
    return _purge(targets, set(), {key_id})


def _purge(targets, officials: set[int], file_keys: set[int]) -> dict[str, str | None]:
    outcome = {}
    for target in targets:
        try:
            if not Path(target).is_dir():
                raise KeyringError(f"target {target} is not reachable")
            reconcile(target, officials, file_keys)
            outcome[str(target)] = None
        except (OSError, ValueError, KeyringError) as error:
            outcome[str(target)] = str(error)
    return outcome


def newest(target) -> dict:
    found = generations(target)
    if not found:
        raise KeyringError(f"Target {target} holds no keyring: encrypted content cannot be restored from it.")
    return json.loads(found[-1].read_text(encoding="utf-8"))


def merged(target) -> dict:
    """Every key any generation holds, the newest generation's copy winning.

    Destroyed keys are purged from every generation, so nothing destroyed comes
    back; a key missing from the newest generation only (written by a misconfigured
    instance, say) still opens the snapshots that need it."""
    found = generations(target)
    if not found:
        raise KeyringError(f"Target {target} holds no keyring: encrypted content cannot be restored from it.")
    data, system, files, destroyed, content = {}, {}, {}, set(), {}
    for path in found:
        content = json.loads(path.read_text(encoding="utf-8"))
        data.update({entry[0]: entry for entry in content["data_keys"]})
        system.update({entry[0]: entry for entry in content["system_keys"]})
        files.update({entry[0]: entry for entry in content.get("file_keys", [])})
        destroyed |= set(content.get("destroyed_file_keys", []))
    # A file key any generation records as destroyed stays destroyed, whatever an older one holds.
    return {**content, "data_keys": [data[k] for k in sorted(data)], "system_keys": [system[k] for k in sorted(system)],
            "file_keys": [files[k] for k in sorted(files) if k not in destroyed], "destroyed_file_keys": sorted(destroyed)}


def build_keystore(content: dict, url: str) -> int:
    """A key store for a restored instance, from a keyring generation."""
    engine = create_engine(url)
    try:
        keystore_metadata.create_all(engine)
        with engine.begin() as conn:
            for table in (data_key, system_key, file_key, destroyed_file_key):
                conn.execute(table.delete())
            if content["data_keys"]:
                conn.execute(insert(data_key), [
                    {"official_id": oid, "version": version, "kek_id": kek, "created_at": datetime.fromisoformat(at),
                     "wrapped": base64.b64decode(wrapped)}
                    for oid, version, kek, at, wrapped in content["data_keys"]])
            conn.execute(insert(system_key), [
                {"name": name, "kek_id": kek, "wrapped": base64.b64decode(wrapped)}
                for name, kek, wrapped in content["system_keys"]])
            if content.get("file_keys"):
                conn.execute(insert(file_key), [
                    {"id": key_id, "version": version, "kek_id": kek, "created_at": datetime.fromisoformat(at),
                     "wrapped": base64.b64decode(wrapped)}
                    for key_id, version, kek, at, wrapped in content["file_keys"]])
            if content.get("destroyed_file_keys"):
                conn.execute(insert(destroyed_file_key), [
                    {"id": key_id, "destroyed_at": datetime.now()} for key_id in content["destroyed_file_keys"]])
            if engine.dialect.name == "postgresql":
                # Ids given explicitly do not move the sequence: new keys start after the highest.
                conn.execute(text("SELECT setval(pg_get_serial_sequence('file_key', 'id'), :n, false)"),
                             {"n": 1 + max([conn.scalar(select(func.max(file_key.c.id))) or 0,
                                            *content.get("destroyed_file_keys", [])])})
    finally:
        engine.dispose()
    return len(content["data_keys"])
