"""The database in a backup, and back.

A full backup takes a consistent snapshot: SQLite's ``VACUUM INTO`` (never a copy
of the live file), PostgreSQL's ``pg_dump`` in custom format on a snapshot
exported by our own transaction. An incremental one writes the current state of
every row the change log names since its base, one JSON line per row, read in
one transaction. The facts the manifest records (counts, the audit chain head,
the schema version, the stored files) are read from that same consistent view.

A restore loads the full snapshot, then applies each incremental in order with
the schema's constraints and triggers out of the way (PostgreSQL: between
pg_restore's data and post-data sections; SQLite: triggers dropped and put back),
then lets the database check them.
"""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from flask_appbuilder import Model
from sqlalchemy import create_engine, delete, event, func, insert, literal, select, text, tuple_, union_all
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from models import tracking
from security.files import sha256_file  # noqa: F401  (the restore checks the parts with it)

# Not counted or dumped: the change log is rebuilt from the next full backup on.
NOT_COUNTED = frozenset({"backup_change"})
FULL_SQLITE = "database/dossier.sqlite"
FULL_PG = "database/dossier.pgdump"
CHANGES_DIR = "database/changes"
BATCH = 1000


def restore_jobs() -> list[str]:
    """pg_restore loads tables and builds indexes in parallel, one job per core (at most 4)."""
    return [f"--jobs={max(1, min(4, os.cpu_count() or 1))}"]


class DatabaseError(RuntimeError):
    pass


@dataclass
class Taken:
    """What one database snapshot holds, read from the snapshot itself."""

    dialect: str
    kind: str
    position: int
    base: int | None
    schema: str
    counts: dict
    audit_head: dict
    store_files: dict  # path in the attachment store → SHA-256 of its bytes
    files: dict = field(default_factory=dict)  # path in the staging area → SHA-256
    changed_rows: int = 0
    size: int = 0


def metadata():
    import models  # noqa: F401  (every table mapped)

    return Model.metadata


# --- values as JSON -------------------------------------------------------------------------

def encode(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, time):
        return {"h": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    return value


DECODERS = {"b": base64.b64decode, "t": datetime.fromisoformat, "d": date.fromisoformat,
            "h": time.fromisoformat, "n": Decimal}


def decode(value):
    if isinstance(value, dict):
        (tag, raw), = value.items()
        return DECODERS[tag](raw)
    return value


# --- facts of a consistent view -------------------------------------------------------------

def _facts(conn, dialect: str, kind: str, base: int | None) -> Taken:
    meta = metadata()
    # Every table's count in one statement: one round trip, not one per table.
    counted = [(name, table) for name, table in sorted(meta.tables.items()) if name not in NOT_COUNTED]
    counts = dict(conn.execute(union_all(*(
        select(literal(name).label("name"), select(func.count()).select_from(table).scalar_subquery())
        for name, table in counted))).all())
    head = conn.execute(text("SELECT seq, chain FROM audit_chain_head WHERE id = 1")).first()
    schema = conn.scalar(text("SELECT version_num FROM alembic_version"))
    material = meta.tables["material"]
    stored = conn.execute(select(material.c.stored_sha256).distinct()).scalars()
    store_files = {f"{sha[:2]}/{sha[2:4]}/{sha}": sha for sha in stored}
    return Taken(dialect=dialect, kind=kind, position=tracking.position(conn), base=base, schema=schema,
                 counts=counts, audit_head={"seq": head.seq if head else 0, "chain": head.chain if head else None},
                 store_files=store_files)


def _sqlite_snapshot_engine(url):
    """An engine whose transactions are real ones: pysqlite leaves SELECTs outside
    any transaction unless told otherwise, and a snapshot needs them inside one."""
    engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _manual(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def consistent_view(engine):
    """A connection whose reads all see one moment of the database, with the change
    log position of that moment (no change below it can still be committing)."""
    if engine.dialect.name == "postgresql":
        # Writers hold ROW EXCLUSIVE on the log until they commit. Taking EXCLUSIVE
        # waits for them and holds new ones back while our snapshot is taken, so
        # every change id below the position we read is committed and visible.
        lock = engine.connect()
        lock.begin()
        lock.execute(text("LOCK TABLE backup_change IN EXCLUSIVE MODE"))
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        try:
            exported = conn.scalar(text("SELECT pg_export_snapshot()"))
        finally:
            lock.rollback()
            lock.close()
        try:
            yield conn, exported
        finally:
            conn.rollback()
            conn.close()
        return
    snapshot_engine = _sqlite_snapshot_engine(engine.url)
    try:
        with snapshot_engine.begin() as conn:
            yield conn, None
    finally:
        snapshot_engine.dispose()


# --- taking ---------------------------------------------------------------------------------

def libpq_env(url) -> tuple[list[str], dict]:
    """pg_dump/pg_restore connection arguments; the password goes in the environment."""
    url = make_url(url) if isinstance(url, str) else url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = []
    for flag, value in (("--host", url.host), ("--port", url.port), ("--username", url.username)):
        if value:
            args += [flag, str(value)]
    return args + ["--dbname", url.database], env


def _run(command, env=None):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise DatabaseError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-800:]}")


def _dump_hashed(command, env, target: Path) -> str:
    """Run a dump writing to its standard output into ``target``; the SHA-256 of what it wrote,
    computed as it is written (the dump is as large as the database: not read twice)."""
    digest = hashlib.sha256()
    with open(target, "wb") as out, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=errors)
        try:
            for chunk in iter(lambda: process.stdout.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        finally:
            process.stdout.close()
            returncode = process.wait()
        if returncode != 0:
            errors.seek(0)
            said = errors.read().decode(errors="replace").strip()[-800:]
            raise DatabaseError(f"{Path(command[0]).name} failed: {said}")
    return digest.hexdigest()


def take(engine, staging: Path, kind: str, base: int | None) -> Taken:
    """Write the database part of a backup into ``staging``."""
    dialect = engine.dialect.name
    (staging / "database").mkdir(parents=True, exist_ok=True)
    if kind == "full" and dialect == "sqlite":
        target = staging / FULL_SQLITE
        target.unlink(missing_ok=True)
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM INTO ?", (str(target),))
        copy = _sqlite_snapshot_engine(f"sqlite:///{target}")
        try:
            with copy.begin() as conn:
                taken = _facts(conn, dialect, kind, None)
        finally:
            copy.dispose()
        taken.files[FULL_SQLITE] = sha256_file(target)
        taken.size = target.stat().st_size
        return taken
    with consistent_view(engine) as (conn, exported):
        taken = _facts(conn, dialect, kind, base)
        if kind == "full":
            target = staging / FULL_PG
            args, env = libpq_env(engine.url)
            # Uncompressed: restic compresses, and deduplicates what did not change.
            taken.files[FULL_PG] = _dump_hashed(["pg_dump", "--format=custom", "--compress=0",
                                                 f"--snapshot={exported}", "--exclude-table-data=backup_change",
                                                 *args], env, target)
            taken.size = target.stat().st_size
        else:
            _write_changes(conn, staging / CHANGES_DIR, base, taken)
    return taken


def _write_changes(conn, folder: Path, base: int, taken: Taken) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tables = metadata().tables
    for table_name, keys in sorted(tracking.changed_keys(conn, base, taken.position).items()):
        table = tables.get(table_name)
        if table is None:
            raise DatabaseError(f"The change log names a table the schema does not have: {table_name}")
        columns = tracking.key_columns(table)
        wanted = sorted(tracking.parse_key(table, k) for k in keys)
        path = folder / f"{table_name}.jsonl"
        digest = hashlib.sha256()
        with open(path, "w", encoding="utf-8") as fh:
            for start in range(0, len(wanted), BATCH):
                batch = wanted[start:start + BATCH]
                match = columns[0].in_([k[0] for k in batch]) if len(columns) == 1 else tuple_(*columns).in_(batch)
                found = {}
                for row in conn.execute(select(table).where(match)).mappings():
                    found[tuple(row[c.name] for c in columns)] = row
                for key in batch:
                    row = found.get(key)
                    entry = {"k": list(key), "x": 1} if row is None else {
                        "k": list(key), "r": {name: encode(value) for name, value in row.items()}}
                    line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
                    fh.write(line)
                    digest.update(line.encode())
                    taken.changed_rows += 1
            fh.flush()
            os.fsync(fh.fileno())
        taken.files[f"{CHANGES_DIR}/{table_name}.jsonl"] = digest.hexdigest()
        taken.size += path.stat().st_size


# --- restoring ------------------------------------------------------------------------------

def database_is_empty(url) -> bool:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                return not conn.scalar(text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"))
            return not conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'table'"))
    finally:
        engine.dispose()


class Loader:
    """Rebuilds a database from a full snapshot and the incrementals after it."""

    def __init__(self, url: str):
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        self.engine = create_engine(url, poolclass=NullPool)
        self._dump: Path | None = None
        self._triggers: list[str] = []

    def load_full(self, staging: Path) -> None:
        if self.dialect == "sqlite":
            source = staging / FULL_SQLITE
            if not source.exists():
                raise DatabaseError("The full backup holds no SQLite database: it was taken from PostgreSQL.")
            # The restored copy is ours alone: moved, not copied (a rename on one disk).
            shutil.move(source, make_url(self.url).database)
            with self.engine.begin() as conn:
                self._triggers = [sql for (sql,) in conn.execute(text(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL"))]
                for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
                    conn.execute(text(f'DROP TRIGGER "{name}"'))
            return
        source = staging / FULL_PG
        if not source.exists():
            raise DatabaseError("The full backup holds no PostgreSQL dump: it was taken from SQLite.")
        self._dump = source
        args, env = libpq_env(self.url)
        _run(["pg_restore", "--section=pre-data", "--section=data", *restore_jobs(), "--no-owner",
              "--no-privileges", "--exit-on-error", *args, str(source)], env)

    def apply_changes(self, staging: Path) -> int:
        """Replace every row an incremental names by its state at that backup."""
        folder = staging / CHANGES_DIR
        tables = metadata().tables
        applied = 0
        with self.engine.begin() as conn:
            for path in sorted(folder.glob("*.jsonl")):
                table = tables[path.stem]
                columns = tracking.key_columns(table)
                keys, rows = [], []
                with open(path, encoding="utf-8") as fh:
                    for line in fh:
                        entry = json.loads(line)
                        keys.append(tuple(entry["k"]))
                        if "r" in entry:
                            rows.append({name: decode(value) for name, value in entry["r"].items()})
                for start in range(0, len(keys), BATCH):
                    batch = keys[start:start + BATCH]
                    match = (columns[0].in_([k[0] for k in batch]) if len(columns) == 1
                             else tuple_(*columns).in_(batch))
                    conn.execute(delete(table).where(match))
                for start in range(0, len(rows), BATCH):
                    conn.execute(insert(table), rows[start:start + BATCH])
                applied += len(keys)
        return applied

    def finish(self) -> None:
        """Put constraints and triggers back, and have the database check them."""
        with self.engine.begin() as conn:
            # The restored instance starts its own chains: its next backup is full.
            conn.execute(text("UPDATE backup_copy SET chain_open = :no"), {"no": False})
            conn.execute(text("DELETE FROM backup_change"))
        if self.dialect == "sqlite":
            with self.engine.begin() as conn:
                for sql in self._triggers:
                    conn.execute(text(sql))
                # The source never enforced foreign keys (SQLite leaves them off), so
                # their state is the source's; the file's own structure must be sound.
                verdict = conn.execute(text("PRAGMA quick_check")).scalar()
            if verdict != "ok":
                raise DatabaseError(f"The restored SQLite file is damaged: {verdict}")
            return
        with self.engine.begin() as conn:
            # Rows added by incrementals carry ids past the sequences the full dump set.
            for name, table in metadata().tables.items():
                pk = list(table.primary_key.columns)
                if len(pk) == 1 and pk[0].type.python_type is int and pk[0].autoincrement in (True, "auto"):
                    sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                           {"t": f'"{name}"', "c": pk[0].name})
                    if sequence:
                        conn.execute(text(f'SELECT setval(:s, (SELECT COALESCE(MAX("{pk[0].name}"), 0) + 1 '
                                          f'FROM "{name}"), false)'), {"s": sequence})
        args, env = libpq_env(self.url)
        _run(["pg_restore", "--section=post-data", *restore_jobs(), "--no-owner", "--no-privileges",
              "--exit-on-error", *args, str(self._dump)], env)

    def dispose(self) -> None:
        self.engine.dispose()
