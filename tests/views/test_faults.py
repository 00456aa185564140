"""Faults of the parts under the app: the database connection cut mid-request, a full store.

Each leaves a clean page in the user's language, nothing half-written, and the
next request working.
"""

import io
import os
import subprocess

import pytest
from sqlalchemy import text

from models import Material
from models.storage import attachments
from tests import documents
from tests.helpers import messages, row_count


def test_a_database_connection_killed_mid_request_is_a_clean_page_and_the_next_request_works(
        app, db, databases, login_as, monkeypatch):
    original = app.view_functions["MyDraftsView.list"]

    def killed_mid_request():
        from models.db import db as _db

        if databases.kind == "postgresql":
            # The administrator (or a failover) ends this request's backend; the request goes on using it.
            pid = _db.session.execute(text("SELECT pg_backend_pid()")).scalar()
            with _db.engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        else:
            # SQLite has no server: the request's connection to the file is closed under it.
            _db.session.connection().connection.dbapi_connection.close()
        return original()

    monkeypatch.setitem(app.view_functions, "MyDraftsView.list", killed_mid_request)
    client = login_as("clerk")
    response = client.get("/mydrafts/")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "系统出现内部错误，未保存任何内容" in html
    assert "psycopg" not in html and "terminat" not in html and "SELECT" not in html
    monkeypatch.undo()
    assert client.get("/mydrafts/").status_code == 200


@pytest.fixture
def small_store(app, tmp_path):
    """An attachment store on its own 256 KiB file system, as a nearly full volume would be."""
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited file system needs root (CI runs as root)")
    mount = tmp_path / "store"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True)
    saved = app.config.get("ATTACHMENT_STORE")
    app.config["ATTACHMENT_STORE"] = str(mount)
    try:
        yield mount
    finally:
        app.config["ATTACHMENT_STORE"] = saved
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_attachment_store_refuses_the_upload_with_a_message_and_keeps_nothing(
        db, login_as, make_official, small_store):
    official = make_official()
    big = documents.padded_pdf(600 * 1024)  # a valid PDF larger than the store has room for
    response = login_as("clerk").post(
        f"/materialview/add?_flt_0_official={official.id}",
        data={"official": str(official.id), "material_class": "1", "title": "扫描件", "formed_on": "2020-05-01",
              "forming_unit": "市委组织部", "page_count": "", "source_channel": "hr", "received_on": "",
              "upload": (io.BytesIO(big), "扫描件.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    shown = " ".join(messages(response.get_data(as_text=True)))
    assert response.status_code == 200 and "附件存储空间已满" in shown
    assert row_count(db, Material) == 0
    assert [p for p in small_store.rglob("*") if p.is_file()] == []
    # Space is back: a small document goes in.
    small = login_as("clerk").post(
        f"/materialview/add?_flt_0_official={official.id}",
        data={"official": str(official.id), "material_class": "1", "title": "小文件", "formed_on": "2020-05-01",
              "forming_unit": "市委组织部", "page_count": "", "source_channel": "hr", "received_on": "",
              "upload": (io.BytesIO(documents.pdf(1)), "小文件.pdf")},
        content_type="multipart/form-data")
    assert small.status_code == 302 and row_count(db, Material) == 1
