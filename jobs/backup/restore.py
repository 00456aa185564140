"""Restores (§6.2.3 數據恢復計劃).

``restore`` rebuilds a complete instance in a new directory from a target: the
database (the chain's full snapshot, then each incremental up to the chosen
snapshot), the attachment store, a key store from the target's keyring and the
audit checkpoints, with a configuration file that starts it. Every manifest's
signature and every file's SHA-256 are checked on the way.

``jobs.backup.verify`` proves a restored instance against its manifest, and
``jobs.backup.restore_test`` does both into scratch space on a schedule.
"""

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from config import database_url
from jobs.setup import ensure_database
from security import audit

from . import database, keyrings, manifest
from .restic import ResticError
from .runs import repository

# Every way a restore or restore test can fail, as the operator reads it.
PROBLEMS = {
    "no_snapshot": _l("The target holds no backup snapshot."),
    "unknown_snapshot": _l("Snapshot %(snapshot)s is not in this target."),
    "broken_chain": _l("The full backup that snapshot %(snapshot)s builds on is missing from the target."),
    "restic": _l("restic reports a problem with the repository: %(error)s"),
    "manifest": _l("The manifest of snapshot %(snapshot)s cannot be trusted: %(error)s"),
    "file_hash": _l("File %(file)s does not match the SHA-256 recorded in the manifest."),
    "file_missing": _l("File %(file)s, recorded in the manifest, is not in the snapshot."),
    "database": _l("The database could not be rebuilt: %(error)s"),
    "not_empty": _l("The database to restore into is not empty: %(database)s"),
    "into_exists": _l("The directory to restore into already holds files: %(into)s"),
    "keyring": _l("The target's keyring cannot be used: %(error)s"),
    "schema": _l("The restored database is at schema %(found)s, the manifest says %(expected)s."),
    "count": _l("Table %(table)s holds %(found)s rows, the manifest says %(expected)s."),
    "decrypt_field": _l("An encrypted field of official %(official)s does not decrypt."),
    "decrypt_file": _l("Stored file of material %(material)s does not decrypt to its recorded hash."),
    "audit": _l("The audit trail does not verify: %(error)s"),
    "audit_head": _l("The audit chain ends at event %(found)s, the manifest recorded %(expected)s."),
}


class RestoreProblem(RuntimeError):
    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(code)

    @property
    def message(self) -> str:
        return str(PROBLEMS[self.code] % self.params)


@dataclass
class Restored:
    into: Path
    database_url: str
    snapshot: str
    chain: list[str]
    manifest: dict
    seconds: float = 0.0
    rows_applied: int = 0
    checks: dict = field(default_factory=dict)


def _tag(snap: dict, name: str) -> str | None:
    return next((t.split(":", 1)[1] for t in snap.get("tags", []) if t.startswith(name + ":")), None)


def chain_of(snapshots: list[dict], wanted: str) -> list[dict]:
    """The full snapshot ``wanted`` builds on and every snapshot of its chain up to it."""
    if not snapshots:
        raise RestoreProblem("no_snapshot")
    if wanted == "latest":
        chosen = snapshots[-1]
    else:
        chosen = next((s for s in snapshots if s["id"].startswith(wanted) or s.get("short_id") == wanted), None)
        if chosen is None:
            raise RestoreProblem("unknown_snapshot", snapshot=wanted)
    chain, run = _tag(chosen, "chain"), int(_tag(chosen, "run") or 0)
    members = sorted((s for s in snapshots if _tag(s, "chain") == chain and int(_tag(s, "run") or 0) <= run),
                     key=lambda s: int(_tag(s, "run")))
    if not members or _tag(members[0], "kind") != "full" or _tag(members[0], "run") != chain:
        raise RestoreProblem("broken_chain", snapshot=chosen["id"][:8])
    return members


def _manifest_in(place: Path, snap: dict) -> dict | None:
    """The verified manifest of a snapshot restored (at least in part) at ``place``."""
    for path in snap.get("paths", []):
        folder = _inside(place, path)
        if (folder / manifest.MANIFEST).is_file():
            try:
                return manifest.verify((folder / manifest.MANIFEST).read_bytes(),
                                       (folder / manifest.SIGNATURE).read_bytes())
            except (manifest.ManifestError, OSError, ValueError) as error:
                raise RestoreProblem("manifest", snapshot=snap["id"][:8], error=str(error))
    return None


def _inside(root: Path, absolute: str) -> Path:
    return root / absolute.lstrip("/")


def _check_files(folder: Path, recorded: dict) -> None:
    for name, digest in sorted(recorded.items()):
        path = folder / name
        if not path.is_file():
            raise RestoreProblem("file_missing", file=name)
        if database.sha256_file(path) != digest:
            raise RestoreProblem("file_hash", file=name)


def restore(target: str, snapshot: str, into: Path, into_database: str | None = None, echo=print) -> Restored:
    """Rebuild an instance from ``target`` in ``into`` (a new or empty directory)."""
    started = time.monotonic()
    into = Path(into).resolve()
    if into.exists() and any(into.iterdir()):
        raise RestoreProblem("into_exists", into=str(into))
    into.mkdir(parents=True, exist_ok=True)
    repo = repository(target)
    try:
        snapshots = repo.snapshots(["dossier"])
    except ResticError as error:
        raise RestoreProblem("restic", error=str(error))
    chain = chain_of(snapshots, snapshot)
    url = database_url(into_database) if into_database else f"sqlite:///{into / 'dossier.db'}"
    if make_url(url).get_backend_name() == "postgresql":
        ensure_database(url)  # a new server has no database of that name yet
    if not _database_empty(url):
        raise RestoreProblem("not_empty", database=make_url(url).database)

    try:
        applied, last = _rebuild(repo, target, chain, into, url, echo)
    except BaseException:
        # Nothing half-written: the directory and the database were empty when we began.
        for child in into.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        _empty_database(url)
        raise
    write_config(into, url)
    return Restored(into=into, database_url=url, snapshot=chain[-1]["id"], chain=[s["id"] for s in chain],
                    manifest=last, seconds=time.monotonic() - started,
                    rows_applied=applied)


def _restore_chain(repo, chain: list[dict], work: Path, echo) -> list[tuple[Path, dict]]:
    """Each snapshot of the chain restored under ``work`` with its verified manifest:
    the last one whole, the others only their backup content (not the store)."""
    restored, staging = [], None
    for snap in [chain[-1], *chain[:-1]]:
        place = work / snap["id"][:8]
        whole = snap is chain[-1]
        echo(f"restoring snapshot {snap['id'][:8]} ({_tag(snap, 'kind')}){'' if whole else ': database part'}")
        try:
            repo.restore(snap["id"], place, include=None if whole else [staging])
            content = _manifest_in(place, snap)
            if content is None and not whole:  # moved staging area: take the whole snapshot
                repo.restore(snap["id"], place)
                content = _manifest_in(place, snap)
        except ResticError as error:
            raise RestoreProblem("restic", error=str(error))
        if content is None:
            raise RestoreProblem("manifest", snapshot=snap["id"][:8], error="no manifest in the snapshot")
        staging = staging or content["paths"]["staging"]
        restored.append((place, content))
    return restored[1:] + restored[:1]  # oldest first, the chosen snapshot last


def _rebuild(repo, target, chain, into: Path, url: str, echo) -> tuple[int, dict]:
    """The database, the store, the key store and the checkpoints; rows applied from
    incrementals, and the manifest of the snapshot restored."""
    work = into / ".restore-work"
    members = _restore_chain(repo, chain, work, echo)
    last = members[-1][1]
    loader = database.Loader(url)
    applied = 0
    try:
        for index, (place, content) in enumerate(members):
            folder = _inside(place, content["paths"]["staging"])
            _check_files(folder, content["files"])
            try:
                if index == 0:
                    loader.load_full(folder)
                else:
                    applied += loader.apply_changes(folder)
            except Exception as error:  # a driver error or a failed pg_restore, said plainly
                raise RestoreProblem("database", error=str(error)[:500])
        try:
            loader.finish()
        except Exception as error:
            raise RestoreProblem("database", error=str(error)[:500])
    finally:
        loader.dispose()

    final = work / chain[-1]["id"][:8]
    store = into / "attachments"
    restored_store = _inside(final, last["paths"]["store"])
    if restored_store.exists():
        shutil.move(str(restored_store), store)
    else:
        store.mkdir()
    _check_files(store, last["store"])
    checkpoints = _inside(final, last["paths"]["staging"]) / "audit" / "checkpoints.log"
    if checkpoints.exists():
        shutil.copyfile(checkpoints, into / "audit-checkpoints.log")
    try:
        keys = keyrings.merged(target)
        keyrings.build_keystore(keys, f"sqlite:///{into / 'keystore.db'}")
    except (keyrings.KeyringError, OSError, ValueError, KeyError) as error:
        raise RestoreProblem("keyring", error=str(error))
    shutil.rmtree(work, ignore_errors=True)
    return applied, last


def _empty_database(url: str) -> None:
    if make_url(url).get_backend_name() == "sqlite":
        Path(make_url(url).database).unlink(missing_ok=True)
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def _database_empty(url: str) -> bool:
    if make_url(url).get_backend_name() == "sqlite":
        path = Path(make_url(url).database)
        return not path.exists() or path.stat().st_size == 0
    return database.database_is_empty(url)


def write_config(into: Path, url: str) -> Path:
    """The restored instance's settings: its own data, this installation's keys.

    The keys (KEK, audit key, checkpoint signing key) are never in a backup: the
    paths written here are the ones this installation uses; on a new machine, put
    the key files back first (README, "Recovery").
    """
    config = current_app.config
    kek_file = config.get("DOSSIER_KEK_FILE") or str(Path(current_app.instance_path) / "kek.key")
    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "DOSSIER_KEYSTORE_URL": f"sqlite:///{into / 'keystore.db'}",
        "ATTACHMENT_STORE": str(into / "attachments"),
        "DOSSIER_AUDIT_CHECKPOINT_FILE": str(into / "audit-checkpoints.log"),
        "DOSSIER_KEK_FILE": str(Path(kek_file).resolve()),
        "DOSSIER_AUDIT_KEY_FILE": str(audit._config_path("DOSSIER_AUDIT_KEY_FILE", "audit.key").resolve()),
        "DOSSIER_AUDIT_SIGNING_KEY_FILE": str(
            audit._config_path("DOSSIER_AUDIT_SIGNING_KEY_FILE", "audit-signing.key").resolve()),
        "BACKUP_STAGING_DIR": str(into / "backup-staging"),
    }
    path = into / "dossier_config.py"
    lines = ['"""Settings of an instance restored from backup; start it with DOSSIER_CONFIG=this file."""', ""]
    lines += [f"{name} = {value!r}" for name, value in settings.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
