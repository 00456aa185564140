"""Data keys beside each backup target, never inside a snapshot.

Each target holds a few generations of the key store (data keys and the
product's own keys, all still wrapped by the KEK, which is never backed up), as
small files outside the restic repository. Destroying an official's key removes it
from every generation in every target, so that their content in every old
snapshot becomes unreadable without rewriting a single snapshot. A target that
cannot be reached at that moment is purged at its next backup, which drops from
every generation the keys the live key store records as destroyed (tombstones,
never "whatever it lacks": an empty or wrong key store must not wipe backups).
"""

import base64
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, select

from security.files import replace_private
from security.keys import data_key, keystore_metadata, system_key

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
    return {"format": 1, "kek_id": ring.kek_id, "written_at": datetime.now().isoformat(timespec="seconds"),
            "data_keys": data, "system_keys": system}


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


def reconcile(target, destroyed: set[int]) -> int:
    """Drop from every generation the keys destroyed since it was written."""
    removed = 0
    for path in generations(target):
        content = json.loads(path.read_text(encoding="utf-8"))
        kept = [entry for entry in content["data_keys"] if entry[0] not in destroyed]
        if len(kept) != len(content["data_keys"]):
            removed += len(content["data_keys"]) - len(kept)
            content["data_keys"] = kept
            _write_atomic(path, content)
    return removed


def purge(targets, official_id: int) -> dict[str, str | None]:
    """Remove an official's destroyed key from every target; target → error or None."""
    outcome = {}
    for target in targets:
        try:
            if not Path(target).is_dir():
                raise KeyringError(f"target {target} is not reachable")
            reconcile(target, {official_id})
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
    data, system, content = {}, {}, {}
    for path in found:
        content = json.loads(path.read_text(encoding="utf-8"))
        data.update({entry[0]: entry for entry in content["data_keys"]})
        system.update({entry[0]: entry for entry in content["system_keys"]})
    return {**content, "data_keys": [data[k] for k in sorted(data)], "system_keys": [system[k] for k in sorted(system)]}


def build_keystore(content: dict, url: str) -> int:
    """A key store for a restored instance, from a keyring generation."""
    engine = create_engine(url)
    try:
        keystore_metadata.create_all(engine)
        with engine.begin() as conn:
            conn.execute(data_key.delete())
            conn.execute(system_key.delete())
            if content["data_keys"]:
                conn.execute(insert(data_key), [
                    {"official_id": oid, "version": version, "kek_id": kek, "created_at": datetime.fromisoformat(at),
                     "wrapped": base64.b64decode(wrapped)}
                    for oid, version, kek, at, wrapped in content["data_keys"]])
            conn.execute(insert(system_key), [
                {"name": name, "kek_id": kek, "wrapped": base64.b64decode(wrapped)}
                for name, kek, wrapped in content["system_keys"]])
    finally:
        engine.dispose()
    return len(content["data_keys"])
