"""Helpers for reading what a user sees and what the database holds."""

import io
import re
from datetime import date

from sqlalchemy import func, select

from tests.apps import DEMO_PASSWORD


def row_count(db, model, **where) -> int:
    """Rows in the model's table whatever their review state."""
    table = model.__table__
    query = select(func.count()).select_from(table)
    for key, value in where.items():
        query = query.where(table.c[key] == value)
    return db.session.scalar(query)


def pending(db, model, **where) -> list:
    """Records of ``model`` including those not yet approved."""
    query = select(model).execution_options(include_pending=True)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return list(db.session.scalars(query))


def messages(html: str) -> list[str]:
    """Flash messages and field errors as the user reads them."""
    found = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S)
    found += re.findall(r'<span class="help-block[^"]*"[^>]*>(.*?)</span>', html, re.S)
    found += re.findall(r'<span class="[^"]*text-danger[^"]*"[^>]*>(.*?)</span>', html, re.S)
    return [re.sub(r"<[^>]+>|&times;|\s+", " ", f).strip() for f in found if f.strip()]


def form_data(model, row: dict, official_id=None) -> dict:
    """A record as its form would post it (dates ISO, relations by id, blanks empty)."""
    data = {}
    for column in model.__table__.columns:
        key = column.key
        if key not in row or key in ("id", "review_state", "entered_by_id", "changed_by_id", "entered_at", "changed_at"):
            continue
        value = row[key]
        if key.endswith("_id") and column.foreign_keys:
            key = key[:-3]
        if isinstance(value, date):
            value = value.isoformat()
        data[key] = "" if value is None else str(value)
    if official_id is not None:
        data["official"] = str(official_id)
    return data


def sample_rows(factory) -> dict:
    """One generated row for every section (drawing dossiers until each has appeared)."""
    samples = {}
    from models import SECTIONS

    while len(samples) < len(SECTIONS):
        dossier = factory.dossier()
        for table_name, rows in dossier.sections.items():
            if rows and table_name not in samples:
                samples[table_name] = (dossier.official, rows[0])
    return samples


def as_attacker(engine, *statements, **params):
    """Run SQL with the audit trail's append-only triggers switched off, then on again:
    what someone holding the database's owner account could do."""
    from sqlalchemy import text

    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                conn.execute(text(statement), params)
            return
        triggers = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('audit_event', 'audit_chain_head')"
        )).all()
        for name, _sql in triggers:
            conn.execute(text(f"DROP TRIGGER {name}"))
        for statement in statements:
            conn.execute(text(statement), params)
        for _name, sql in triggers:
            conn.execute(text(sql))


def subprocess_config(app, path, **extra) -> dict:
    """The environment of a `flask dossier …` or gunicorn process running this test app's
    instance: its database, key store, checkpoint log and secret, plus ``extra`` settings."""
    import os

    settings = {name: app.config[name] for name in (
        "SQLALCHEMY_DATABASE_URI", "DOSSIER_KEYSTORE_URL", "DOSSIER_AUDIT_CHECKPOINT_FILE", "SECRET_KEY",
        "CLAMD_SOCKET", "CLAMD_DATABASE_DIR")}
    settings.update(extra)
    path.write_text("\n".join(f"{k} = {v!r}" for k, v in settings.items()) + "\n")
    return {**os.environ, "DOSSIER_CONFIG": str(path), "DOSSIER_INSTANCE_DIR": app.instance_path}


def free_port() -> int:
    """A port on this machine nobody listens on, for a server a test starts."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serving(port: int, seconds: float = 60) -> bool:
    """Wait until the app started on ``port`` (a gunicorn a test or benchmark runs) answers its
    sign-in page; False if it has not within ``seconds``."""
    import http.client
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login/")
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.2)
    return False


def stored_files() -> list:
    """Every file in the attachment store."""
    from models.storage import attachments

    return [p for p in attachments.root().rglob("*") if p.is_file()]


def stored_with_peak_memory(path, official_id: int):
    """The file at ``path`` put in the attachment store, and the most memory Python held meanwhile."""
    import tracemalloc

    from models.storage import attachments

    tracemalloc.start()
    try:
        with open(path, "rb") as source:
            stored = attachments.put(source, official_id)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return stored, peak


def file_form(official, content, name="履历表.pdf", **fields):
    """The form of filing a document for ``official``, with ``content`` as its file."""
    return {
        "official": str(official.id), "material_class": "1", "title": "干部履历表", "formed_on": "2020-05-01",
        "forming_unit": "市委组织部", "page_count": "", "source_channel": "hr", "received_on": "",
        "upload": (io.BytesIO(content), name), **fields,
    }


def post_file(client, official, content, query="", **fields):
    return client.post(f"/materialview/add?_flt_0_official={official.id}{query}",
                       data=file_form(official, content, **fields), content_type="multipart/form-data")


def official_page(application, official_id: int) -> list[str]:
    """The cells of an official's dossier page as the HR reviewer reads them."""
    client = application.test_client()
    response = client.post("/login/", data={"username": "hr_reviewer", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get(f"/officialview/show/{official_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Tokens and times of this request differ between any two page loads.
    html = re.sub(r'name="csrf_token"[^>]*>', "", html)
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in cells]


def new_events(db, after: int) -> list:
    """Audit events after number ``after``, as committed by now."""
    from security.audit_tables import AuditEvent

    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq)))


def last_seq(db) -> int:
    """The number of the last audit event (0 for an empty trail)."""
    from security.audit_tables import AuditEvent

    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0)))


class sub_department:
    """``with sub_department(db, "D04", under="D03") as (parent, child):`` the seeded department
    ``child`` placed under ``parent`` for the block, and back at the top after it."""

    def __init__(self, db, child: str, under: str):
        self.db, self.child, self.under = db, child, under

    def _by_code(self, code):
        from models import Department

        return self.db.session.scalar(select(Department).where(Department.code == code))

    def __enter__(self):
        parent, child = self._by_code(self.under), self._by_code(self.child)
        child.parent = parent
        self.db.session.commit()
        return parent, child

    def __exit__(self, *exc):
        self.db.session.rollback()
        self._by_code(self.child).parent = None
        self.db.session.commit()
        return False


def legacy_material(official, content: bytes, **overrides):
    """A material filed the way releases before migration 0016 filed it: its file under the
    official's data key, file_key_id NULL (what ``dossier attachments rekey`` moves)."""
    from datetime import date

    from models import Material
    from models.db import db
    from models.storage import attachments, formats
    from security import crypto
    from security.keys import keyring

    version, key = keyring().dek(official.id, create=True)
    sink = io.BytesIO()
    digest = crypto.encrypt_stream(key, version, io.BytesIO(content), sink, attachments.file_aad(official.id))
    path = attachments.path_of(digest.cipher_sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sink.getvalue())
    fmt = formats.detect(io.BytesIO(content), ["pdf", "ofd", "jpeg", "png", "tiff"])
    values = dict(title="干部履历表", formed_on=date(2019, 5, 1), forming_unit="市委组织部", review_state="approved",
                  material_class="1", media_type=fmt.media_type, size=digest.size, content_sha256=digest.plain_sha256,
                  stored_sha256=digest.cipher_sha256, file_key_id=None, page_count=1, file_name="旧履历表.pdf")
    values.update(overrides)
    material = Material(official=official, **values)
    db.session.add(material)
    db.session.commit()
    return material


# A page every signed-in role in these tests may open; signed out, it sends to the sign-in page.
SIGNED_IN_PAGE = "/officialview/list/"


def session_copy(app, client):
    """Another browser holding ``client``'s session cookie, on ``app`` (this app, or another
    node's: the cookie saved, copied, stolen, or sent by the proxy to another node)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def opens_nothing(client) -> bool:
    """The client's session is over: the page sends it to the sign-in page."""
    response = client.get(SIGNED_IN_PAGE)
    return response.status_code == 302 and "/login" in response.headers["Location"]
