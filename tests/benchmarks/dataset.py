"""The benchmark's data: seeded dossiers, an audit trail of the wanted length, documents."""

import hmac
import os
import random
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, update

PASSWORD = "Bench-Pass-2026!"


def ensure_officials(count: int, echo=print) -> int:
    """Seed (``dossier seed``) up to ``count`` officials; returns how many there are."""
    from models.db import db
    from jobs.seed import ensure_accounts, ensure_departments, seed
    from models import Official

    present = db.session.scalar(select(func.count()).select_from(Official.__table__))
    if present < count:
        echo(f"seeding {count - present} officials")
        seed(count - present, PASSWORD)
    else:
        ensure_departments()
        ensure_accounts(PASSWORD)
    return max(present, count)


def ensure_audit_events(count: int, echo=print) -> int:
    """Append events until the trail holds ``count``, chained exactly as
    ``security.audit.record`` chains them, in bulk (a benchmark's setup, not a writer)."""
    from models.db import db
    from jobs.backup.runs import prune_changes
    from security import audit

    head = db.session.execute(select(audit.HEAD.c.seq, audit.HEAD.c.chain).where(audit.HEAD.c.id == 1)).one()
    missing = count - head.seq
    if missing <= 0:
        return head.seq
    echo(f"appending {missing} audit events")
    key = audit.audit_key()
    prev = audit.genesis(key) if head.seq == 0 else bytes.fromhex(head.chain)
    rng = random.Random(11)
    start = datetime.now(timezone.utc) - timedelta(days=365)
    seq, batch = head.seq, []
    actions = ("read", "update", "create", "login", "review")
    while seq < count:
        seq += 1
        values = {
            "seq": seq, "at": (start + timedelta(seconds=seq)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor_id": None, "actor_name": "bench", "action": rng.choice(actions), "object_type": "official",
            "object_id": str(rng.randrange(1, 100_000)), "client_addr": "10.0.0.1",
            "details": audit.canonical_json({"fields": ["post"]}),
        }
        chain = hmac.digest(key, prev + audit.encode(*(values[c] for c in audit.ENCODED)), "sha256")
        values["chain"], prev = chain.hex(), chain
        batch.append(values)
        if len(batch) == 20_000 or seq == count:
            db.session.execute(insert(audit.EVENTS), batch)
            batch = []
    db.session.execute(update(audit.HEAD).where(audit.HEAD.c.id == 1).values(
        seq=seq, chain=prev.hex(), key_id=audit.key_id(key)))
    db.session.commit()
    prune_changes()
    return seq


def scan(path, size: int) -> bytes:
    from tests import documents

    data = documents.padded_pdf(size)
    path.write_bytes(data)
    return data


def urandom_files(folder, count: int, size: int) -> list:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        path = folder / f"raw-{i}"
        with open(path, "wb") as fh:
            fh.write(os.urandom(size))
        files.append(path)
    return files
