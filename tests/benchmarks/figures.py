"""Each figure of the table: the product's work and the raw cost of the same work,
measured one after the other in the same run."""

import hashlib
import hmac
import os
import random
import time
from datetime import date

from sqlalchemy import insert, select, text

from .dataset import PASSWORD
from .measure import Figure, best_seconds, latencies, latency_figure, throughput_figure

MIB = 1024 * 1024


def signed_in(app, username: str):
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"sign-in as {username} failed"
    return client


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _sql(conn, statement, **params):
    return conn.execute(text(statement), params).all()


# --- pages ----------------------------------------------------------------------------------

LIST_SQL = """
SELECT o.id, o.name, o.gender, o.birth_date, d.name, o.post, o.status
FROM official o LEFT JOIN department d ON d.id = o.department_id
WHERE o.review_state = 'approved' {where}
ORDER BY o.name LIMIT 25"""


def list_and_search(app, engine, repeat: int) -> list[Figure]:
    from models.db import db
    from models import Department

    client = signed_in(app, "hr_reviewer")
    with app.app_context():
        department = db.session.scalar(select(Department.id).where(Department.code == "D03"))
    prefixes = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵"]
    product_list = latencies(lambda i: _get(client, "/officialview/list/"), repeat)
    product_search = latencies(lambda i: _get(
        client, f"/officialview/list/?_flt_0_name={prefixes[i % len(prefixes)]}&_flt_0_department={department}"),
        repeat)
    with engine.connect() as conn:
        raw_list = latencies(lambda i: _sql(conn, LIST_SQL.format(where="")), repeat)
        raw_search = latencies(lambda i: _sql(
            conn, LIST_SQL.format(where="AND o.name LIKE :prefix AND o.department_id = :department"),
            prefix=prefixes[i % len(prefixes)] + "%", department=department), repeat)
    from .floor import signed_in_floor

    floor = signed_in_floor(engine, [])
    hand_written = latencies(lambda i: _get(floor, "/officials"), repeat)
    return [
        latency_figure("official list page, 25 rows", product_list, raw_list, limit_ms=50, within=10),
        latency_figure("official list page beside a hand-written Flask page of the same rows", product_list,
                       hand_written, within=3),
        latency_figure("search: name prefix + department", product_search, raw_search, limit_ms=50, within=10),
    ]


def official_page(app, engine, repeat: int, officials: list[int]) -> list[Figure]:
    from models import RECORD_MODELS

    from .floor import signed_in_floor

    client = signed_in(app, "hr_reviewer")
    product = latencies(lambda i: _get(client, f"/officialview/show/{officials[i % len(officials)]}"), repeat)
    statements = [f"SELECT * FROM {m.__tablename__} WHERE official_id = :id AND review_state = 'approved'"
                  for m in RECORD_MODELS]

    def raw_page(i):
        official_id = officials[i % len(officials)]
        with engine.connect() as conn:
            _sql(conn, "SELECT o.*, d.name FROM official o LEFT JOIN department d ON d.id = o.department_id "
                       "WHERE o.id = :id", id=official_id)
            for statement in statements:
                _sql(conn, statement, id=official_id)

    raw = latencies(raw_page, repeat)
    floor = signed_in_floor(engine, [m.__tablename__ for m in RECORD_MODELS])
    hand_written = latencies(lambda i: _get(floor, f"/official/{officials[i % len(officials)]}"), repeat)
    return [latency_figure("official page, every section", product, raw, limit_ms=100),
            latency_figure("official page beside a hand-written Flask page of the same rows", product,
                           hand_written, within=3)]


# --- writes ---------------------------------------------------------------------------------

def entry_and_approval(app, engine, repeat: int, official_id: int) -> Figure:
    """A clerk enters a training record through the form; the department head and HR approve it."""
    from models.db import db
    from models.training import Training

    clerk, head, hr = (signed_in(app, name) for name in ("clerk", "dept_head", "hr_reviewer"))

    def enter(i):
        response = clerk.post("/trainingview/add", data={
            "official": str(official_id), "name": f"基准测试培训班{i}", "start_date": "2024-03-01",
            "end_date": "2024-03-05", "place": "北京市", "institution": "中共中央党校（国家行政学院）",
            "hours": "40", "source_channel": "hr", "received_on": date.today().isoformat()})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        with app.app_context():
            record_id = db.session.scalar(select(Training.__table__.c.id).where(
                Training.__table__.c.name == f"基准测试培训班{i}"))
        item = f"training:{record_id}"
        for client, url, data in (
                (clerk, "/mydrafts/submit", {"item": item}),
                (head, "/review/first/decide", {"item": item, "decision": "approve"}),
                (hr, "/review/final/decide", {"item": item, "decision": "approve"})):
            assert client.post(url, data=data).status_code == 302
        with app.app_context():
            state = db.session.scalar(select(Training.__table__.c.review_state).where(
                Training.__table__.c.id == record_id))
            assert state == "approved", state

    product = latencies(enter, repeat, warmup=1)
    table = Training.__table__

    def raw(i):
        with engine.begin() as conn:
            new_id = conn.execute(insert(table).values(
                official_id=official_id, name=f"原始插入{i}", start_date=date(2024, 3, 1), end_date=date(2024, 3, 5),
                place="北京市", institution="党校", hours=40, source_channel="hr", received_on=date.today(),
                review_state="draft").returning(table.c.id)).scalar_one()
            for state in ("submitted", "first_approved", "approved"):
                conn.execute(table.update().where(table.c.id == new_id).values(review_state=state))

    raw_ms = latencies(raw, repeat, warmup=1)
    # The raw rows were approved behind the application, without versions: the
    # four-property check would rightly call them altered, so they go again.
    with engine.begin() as conn:
        conn.execute(table.delete().where(table.c.name.like("原始插入%")))
    return latency_figure("enter a record through the form and approve it (2 reviews)", product, raw_ms)


def versioned_write(app, engine, repeat: int, official_id: int) -> Figure:
    from models.db import db
    from models.training import Training

    values = dict(official_id=official_id, start_date=date(2023, 5, 1), end_date=date(2023, 5, 3), place="上海市",
                  institution="党校", hours=24, source_channel="hr", received_on=date.today(), review_state="draft")

    def versioned(i):
        with app.app_context():
            db.session.add(Training(name=f"版本化写入{i}", **values))
            db.session.commit()

    product = latencies(versioned, repeat)
    table = Training.__table__

    def plain(i):
        with engine.begin() as conn:
            conn.execute(insert(table).values(name=f"无版本写入{i}", **values))

    raw = latencies(plain, repeat)
    return latency_figure("versioned write (Continuum) vs the same insert", product, raw)


# --- files ----------------------------------------------------------------------------------

def ingest_upload_fixity(app, workdir, files: int, size: int, rounds: int, official_id: int) -> list[Figure]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from jobs.fixity import run_fixity
    from models.storage import attachments
    from tests import documents

    source = workdir / "scan.pdf"
    source.write_bytes(documents.padded_pdf(size))
    megabytes = files * size / 1e6

    def raw_ingest():
        # The same stream work with nothing else: read, hash, encrypt, one write per MiB, fsync.
        aead, nonce = AESGCM(AESGCM.generate_key(bit_length=256)), os.urandom(12)
        for i in range(files):
            digest, stored = hashlib.sha256(), hashlib.sha256()
            target = workdir / f"raw-ingest-{i}"
            with open(source, "rb") as reader, open(target, "wb") as writer:
                while chunk := reader.read(MIB):
                    digest.update(chunk)
                    sealed = aead.encrypt(nonce, chunk, b"bench")
                    stored.update(sealed)
                    writer.write(sealed)
                writer.flush()
                os.fsync(writer.fileno())
            target.unlink()

    with app.app_context():
        def product_ingest():
            for _ in range(files):
                with open(source, "rb") as reader:
                    attachments.put(reader, official_id)

        raw_rate = megabytes / best_seconds(raw_ingest, rounds)
        ingest_rate = megabytes / best_seconds(product_ingest, rounds)

    client = signed_in(app, "hr_reviewer")

    def upload():
        for i in range(files):
            with open(source, "rb") as reader:
                response = client.post(
                    f"/materialview/add?_flt_0_official={official_id}", content_type="multipart/form-data",
                    data={"official": str(official_id), "material_class": "10", "title": f"基准扫描件{i}",
                          "formed_on": "2020-01-01", "forming_unit": "基准测试", "page_count": "",
                          "source_channel": "hr", "received_on": "", "upload": (reader, "scan.pdf")})
            assert response.status_code == 302, response.status_code

    upload_rate = megabytes / best_seconds(upload, 1)

    with app.app_context():
        from models.db import db
        from models import Material

        stored = [attachments.path_of(sha) for sha in db.session.scalars(
            select(Material.__table__.c.stored_sha256).execution_options(include_pending=True))]
        total = sum(p.stat().st_size for p in stored) / 1e6

        def raw_fixity():
            for path in stored:
                digest = hashlib.sha256()
                with open(path, "rb") as fh:
                    while chunk := fh.read(MIB):
                        digest.update(chunk)

        raw_fixity_rate = total / best_seconds(raw_fixity, rounds)
        fixity_rate = total / best_seconds(lambda: run_fixity("stored"), rounds)
    return [
        throughput_figure("attachment ingest (stream, SHA-256, encrypt, disk)", "MB/s", ingest_rate, raw_rate,
                          at_least_share=0.5),
        throughput_figure("attachment upload through the HTTP form", "MB/s", upload_rate, raw_rate),
        throughput_figure(f"fixity check ({len(stored)} files)", "MB/s", fixity_rate, raw_fixity_rate,
                          at_least_share=0.7),
    ]


# --- the audit trail ------------------------------------------------------------------------

def audit_verify(app) -> Figure:
    from models.db import db
    from security import audit

    with app.app_context():
        result = audit.verify(db.session, checkpoints=False)
        assert result.ok, result.message
        product = result.checked / result.seconds
        key = audit.audit_key()
        rows = db.session.execute(select(*(audit.EVENTS.c[c] for c in audit.ENCODED)).order_by(
            audit.EVENTS.c.seq)).all()
        encoded = [audit.encode(*row) for row in rows]
        db.session.rollback()
    started = time.perf_counter()
    prev = audit.genesis(key)
    for data in encoded:
        prev = hmac.digest(key, prev + data, "sha256")
    raw = len(encoded) / (time.perf_counter() - started)
    figure = throughput_figure(f"audit verify ({result.checked:,} events)", "events/s", product, raw,
                               at_least_share=0.6)
    return figure


def sample_officials(app, count: int) -> list[int]:
    from models.db import db
    from models import Official

    with app.app_context():
        ids = list(db.session.scalars(select(Official.__table__.c.id).where(
            Official.__table__.c.review_state == "approved")))
    return random.Random(5).sample(ids, min(count, len(ids)))


def clerk_official(app) -> int:
    """An approved official of the clerk's department (D01); at a tiny size, one is moved there."""
    from sqlalchemy import update

    from models.db import db
    from models import Department, Official

    with app.app_context():
        table = Official.__table__
        d01 = db.session.scalar(select(Department.id).where(Department.code == "D01"))
        approved = select(table.c.id).where(table.c.review_state == "approved").order_by(table.c.id).limit(1)
        found = db.session.scalar(approved.where(table.c.department_id == d01))
        if found is None:
            found = db.session.scalar(approved)
            db.session.execute(update(table).where(table.c.id == found).values(department_id=d01))
            db.session.commit()
        return found
