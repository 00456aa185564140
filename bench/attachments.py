"""Attachment upload and fixity throughput beside raw AES-256-GCM and SHA-256.

    python -m bench.attachments [--files 8] [--size-mib 64] [--rounds 3]

Runs on a throw-away instance (its own SQLite database, key store and
attachment store under a temporary directory, or ``DATABASE_URL``), so it never
touches real data. Every figure is MiB/s of document bytes, best of the rounds:

- raw SHA-256 / raw AES-GCM: hashlib and ``cryptography`` over the same bytes in
  memory, 1 MiB at a time, nothing else;
- store: ``storage.attachments.put`` from a file on disk (type check, page
  count, encryption, both hashes, fsync, rename);
- upload: the whole HTTP request through the add form (multipart parsing,
  form validation, store, catalogue entry, audit event, commit);
- fixity: ``flask dossier fixity`` at both depths over the stored files.
"""

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

MIB = 1024 * 1024


def best(rounds, work):
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--size-mib", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    os.environ["DOSSIER_INSTANCE_DIR"] = str(workdir / "instance")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from app import create_app
    from config import database_url
    from tests import documents

    size = args.size_mib * MIB
    scan = workdir / "scan.pdf"
    scan.write_bytes(documents.padded_pdf(size))
    data = scan.read_bytes()
    total = len(data) * args.files
    mib = total / MIB

    def raw_sha():
        for _ in range(args.files):
            digest = hashlib.sha256()
            for at in range(0, len(data), MIB):
                digest.update(data[at:at + MIB])

    def raw_gcm():
        aead, nonce = AESGCM(AESGCM.generate_key(bit_length=256)), os.urandom(12)
        for _ in range(args.files):
            for at in range(0, len(data), MIB):
                aead.encrypt(nonce, data[at:at + MIB], b"bench")

    figures = {"raw SHA-256": mib / best(args.rounds, raw_sha), "raw AES-256-GCM": mib / best(args.rounds, raw_gcm)}

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "WTF_CSRF_ENABLED": False,
                      "ATTACHMENT_MAX_BYTES": size + MIB, "TESTING": True})
    with app.app_context():
        from app.extensions import db
        from jobs.seed import seed
        from jobs.setup import initialise
        from models import Official
        from storage import attachments

        initialise()
        seed(1, "Bench-Pass-2026!")
        official = db.session.query(Official).first()

        def store():
            for _ in range(args.files):
                with open(scan, "rb") as source:
                    attachments.put(source, official.id)

        figures["store (attachments.put)"] = mib / best(args.rounds, store)

        client = app.test_client()
        # HR reaches every department, so the seeded official is in scope whatever its department.
        client.post("/login/", data={"username": "hr_reviewer", "password": "Bench-Pass-2026!"})

        def upload():
            for i in range(args.files):
                with open(scan, "rb") as source:
                    response = client.post(
                        f"/materialview/add?_flt_0_official={official.id}", content_type="multipart/form-data",
                        data={"official": str(official.id), "material_class": "10", "title": f"scan {i}",
                              "formed_on": "2020-01-01", "forming_unit": "bench", "page_count": "",
                              "source_channel": "hr", "received_on": "", "upload": (source, "scan.pdf")})
                assert response.status_code == 302, response.status_code

        figures["upload (HTTP form)"] = mib / best(args.rounds, upload)

        from jobs.fixity import run_fixity

        # Fixity reads every stored file: the store now holds rounds × files uploads.
        stored = run_fixity("stored").run
        for depth in ("stored", "full"):
            seconds = best(args.rounds, lambda: run_fixity(depth))
            figures[f"fixity --depth {depth}"] = stored.bytes / MIB / seconds
        files_checked = stored.files
        dialect = db.engine.dialect.name

    print(f"{args.files} files × {args.size_mib} MiB, best of {args.rounds}; fixity over {files_checked} stored files; "
          f"database {dialect}; Python {sys.version.split()[0]}")
    base = figures["raw AES-256-GCM"]
    for name, rate in figures.items():
        print(f"  {name:28} {rate:9.1f} MiB/s   {rate / base:5.2f} × raw AES-GCM")
    import shutil

    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
