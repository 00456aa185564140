"""Restores (§6.2.3 數據恢復計劃) and restore tests (§8.3).

``restore`` rebuilds a complete instance in a new directory from a target: the
database (the chain's full snapshot, then each incremental up to the chosen
snapshot), the attachment store, a key store from the target's keyring and the
audit checkpoints, with a configuration file that starts it. Every manifest's
signature and every file's SHA-256 are checked on the way.

``restore_test`` does that into scratch space and proves the result: restic's own
check with a share of the data read back, the schema, the counts and every file
hash against the manifest, a sample of encrypted fields and files decrypted, and
the audit chain verified up to the head the manifest recorded.
"""

import json
import random
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlalchemy_utils import create_database

from app.extensions import db
from config import database_url
from jobs.setup import ensure_database
from models.backup import RestoreTest

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
    from security import audit

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


def restored_app(into: Path, url: str):
    """The restored instance as an application, for checks (and for the operator's first look)."""
    from app import create_app

    namespace: dict = {}
    exec((into / "dossier_config.py").read_text(encoding="utf-8"), namespace)
    overrides = {k: v for k, v in namespace.items() if k.isupper()}
    overrides.update(SQLALCHEMY_DATABASE_URI=url, TESTING=current_app.config.get("TESTING", False))
    for name in ("SECRET_KEY", "DOSSIER_ENV", "RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI", "WTF_CSRF_ENABLED"):
        overrides.setdefault(name, current_app.config.get(name))
    return create_app(overrides)


# --- checks of a restored instance ----------------------------------------------------------

def verify_restored(app, content: dict, sample: int) -> dict:
    """Prove the restored instance against its manifest; RestoreProblem at the first failure."""
    from models import Material, Official
    from models.encryption import _Unreadable, sensitive_fields
    from security import audit
    from security.keys import ShreddedKey
    from models.storage import attachments

    checks = {}
    with app.app_context():
        session = db.session
        try:
            schema = session.scalar(text("SELECT version_num FROM alembic_version"))
            if schema != content["schema"]:
                raise RestoreProblem("schema", found=schema, expected=content["schema"])
            tables = database.metadata().tables
            for name, expected in content["counts"].items():
                found = session.scalar(select(func.count()).select_from(tables[name]))
                if found != expected:
                    raise RestoreProblem("count", table=name, found=found, expected=expected)
            checks["tables"] = len(content["counts"])
            checks["rows"] = sum(content["counts"].values())
            checks["files"] = len(content["store"])

            rng = random.Random()
            official_ids = list(session.scalars(
                select(Official.id).execution_options(include_pending=True, all_departments=True)))
            fields = sensitive_fields(Official)
            checked = 0
            for official_id in rng.sample(official_ids, min(sample, len(official_ids))):
                official = session.get(Official, official_id, execution_options={
                    "include_pending": True, "all_departments": True})
                for name in fields:
                    value = getattr(official, name)
                    if isinstance(value, _Unreadable) and value.reason != "shredded":
                        raise RestoreProblem("decrypt_field", official=official_id)
                checked += 1
            checks["officials_decrypted"] = checked
            materials = list(session.scalars(
                select(Material).execution_options(include_pending=True, all_departments=True)))
            opened = 0
            for material in rng.sample(materials, min(sample, len(materials))):
                try:
                    digest = attachments.plaintext_digest(material.stored_sha256, material.official_id)
                except ShreddedKey:
                    continue
                except Exception:
                    raise RestoreProblem("decrypt_file", material=material.id)
                if digest != material.content_sha256:
                    raise RestoreProblem("decrypt_file", material=material.id)
                opened += 1
            checks["files_decrypted"] = opened

            result = audit.verify(session)
            if not result.ok:
                raise RestoreProblem("audit", error=result.message)
            head = content["audit_head"]
            if result.last_seq != head["seq"] or (head["seq"] and result.last_chain != head["chain"]):
                raise RestoreProblem("audit_head", found=result.last_seq, expected=head["seq"])
            checks["audit_events"] = result.last_seq
        finally:
            session.rollback()
            session.remove()
            db.engine.dispose()
    return checks


def scratch_database() -> str | None:
    """PostgreSQL: a fresh, empty scratch database for a restore test (dropped first)."""
    url = make_url(db.engine.url)
    if url.get_backend_name() != "postgresql":
        return None
    wanted = current_app.config.get("RESTORE_TEST_DATABASE_URL")
    scratch = make_url(database_url(wanted)) if wanted else url.set(database=f"{url.database}_restore_test")
    drop_database(scratch)
    create_database(scratch)
    return scratch.render_as_string(hide_password=False)


def drop_database(url) -> None:
    # Not sqlalchemy-utils' drop_database: it neither tolerates a missing database nor
    # ends the sessions a failed restore test may have left open (WITH (FORCE)).
    url = make_url(url)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    server.dispose()


def restore_test(target: str, echo=print) -> RestoreTest:
    """Restore the target's latest snapshot into scratch space and prove it; the result is kept."""
    from security import audit

    config = current_app.config
    record = RestoreTest(target=target, started_at=datetime.now())
    db.session.add(record)
    db.session.commit()
    started = time.monotonic()
    scratch = Path(config.get("RESTORE_TEST_DIR") or Path(current_app.instance_path) / "restore-test")
    shutil.rmtree(scratch, ignore_errors=True)
    checks, scratch_url = {}, None
    try:
        try:
            repo = repository(target)
            repo.unlock()
            echo(f"{target}: restic check, reading {config.get('RESTORE_TEST_READ_DATA')} of the data")
            # What restic reports having read, so the record shows a check only when one ran.
            checks["restic_check"] = repo.check(config.get("RESTORE_TEST_READ_DATA"))
        except ResticError as error:
            raise RestoreProblem("restic", error=str(error))
        scratch_url = scratch_database()
        restored = restore(target, "latest", scratch, scratch_url, echo=echo)
        record.snapshot_id, record.run_id = restored.snapshot, restored.manifest["run"]
        checks["chain"] = len(restored.chain)
        echo(f"{target}: restored snapshot {restored.snapshot[:8]} in {restored.seconds:.1f}s; verifying")
        checks.update(verify_restored(restored_app(scratch, restored.database_url), restored.manifest,
                                      config.get("RESTORE_TEST_SAMPLE", 20)))
        record.ok = True
    except RestoreProblem as problem:
        record.problem = problem.message
    finally:
        record.finished_at = datetime.now()
        record.seconds = round(time.monotonic() - started)
        record.checks = json.dumps(checks, sort_keys=True)
        db.session.commit()
        shutil.rmtree(scratch, ignore_errors=True)
        if scratch_url:
            drop_database(scratch_url)
    audit.record("restore_test", object_type="restore_test", object_id=record.id, actor="scheduler", details={
        "target": target, "snapshot": record.snapshot_id, "ok": record.ok})
    db.session.commit()
    echo(f"{target}: {'passed' if record.ok else 'FAILED: ' + (record.problem or '')}")
    return record
