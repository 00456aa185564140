"""A gunicorn worker killed (kill -9) in the middle of an upload: nothing half-written.

The product runs under gunicorn; a worker can die at any moment (the OOM
killer, an operator). Its transaction never commits, so no row is left; its
upload's temp file is left in the store's tmp/ and the clean-up job removes it.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from models import Material
from models.storage import attachments
from tests import documents
from tests.apps import DEMO_PASSWORD
from tests.helpers import free_port, row_count

ROOT = Path(__file__).resolve().parents[2]



class Browser:
    def __init__(self, port):
        self.port = port
        self.cookie = ""

    def request(self, method, url, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {**(headers or {}), **({"Cookie": self.cookie} if self.cookie else {})}
        conn.request(method, url, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        return response.status, data

    def sign_in(self, username):
        status, _ = self.request("POST", "/login/", urlencode({"username": username, "password": DEMO_PASSWORD}),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302


def multipart(fields: dict, file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----dossier-fault-test"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{file_name}"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def server(app, tmp_path):
    """gunicorn with one worker on this run's database, key store and attachment store."""
    config = tmp_path / "dossier_config.py"
    settings = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "DOSSIER_KEYSTORE_URL",
                                                  "DOSSIER_AUDIT_CHECKPOINT_FILE", "CLAMD_SOCKET", "CLAMD_DATABASE_DIR")}
    with app.app_context():
        settings["ATTACHMENT_STORE"] = str(attachments.root())
    settings.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    config.write_text("".join(f"{k} = {v!r}\n" for k, v in settings.items()))
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "120",
         "app:create_app()"], cwd=ROOT, env={**os.environ, "DOSSIER_CONFIG": str(config)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield port, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def test_a_worker_killed_mid_upload_leaves_no_row_and_the_clean_up_removes_its_temp_file(
        app, db, server, make_official):
    port, master = server
    official = make_official()
    browser = Browser(port)
    browser.sign_in("clerk")
    with app.app_context():
        tmp = attachments.root() / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    for stale in tmp.iterdir():
        stale.unlink()
    # A large scan: encrypting it takes long enough to be caught in the middle.
    content = documents.padded_pdf(24 * 1024 * 1024)
    body, content_type = multipart({"official": official.id, "material_class": "1", "title": "大扫描件",
                                    "formed_on": "2020-05-01", "forming_unit": "市委组织部", "page_count": "",
                                    "source_channel": "hr", "received_on": ""}, "scan.pdf", content)
    (worker,) = workers(master.pid)
    outcome = {}

    def upload():
        try:
            outcome["status"] = browser.request("POST", f"/materialview/add?_flt_0_official={official.id}", body,
                                                {"Content-Type": content_type})[0]
        except (OSError, http.client.HTTPException) as error:
            outcome["error"] = error

    sender = threading.Thread(target=upload)
    sender.start()
    deadline = time.monotonic() + 60
    while not any(tmp.iterdir()) and sender.is_alive() and time.monotonic() < deadline:
        time.sleep(0.002)
    killed = any(tmp.iterdir())
    if killed:
        os.kill(worker, signal.SIGKILL)
    sender.join(timeout=60)
    assert killed, f"the upload finished before the worker could be killed: {outcome}"
    assert "status" not in outcome  # the connection died with the worker

    # Nothing half-written: no material, and the partial file is only in tmp/.
    db.session.expire_all()
    assert row_count(db, Material) == 0
    left = list(tmp.iterdir())
    assert left and all(p.parent == tmp for p in left)
    with app.app_context():
        stored = [p for p in attachments.root().rglob("*") if p.is_file() and p.parent != tmp]
    assert stored == []

    # gunicorn starts another worker; the same browser goes on.
    for _ in range(100):
        if workers(master.pid) and workers(master.pid) != [worker]:
            break
        time.sleep(0.1)
    assert browser.request("GET", "/mydrafts/")[0] == 200

    # A day later the clean-up job removes what the dead worker left.
    from jobs import scheduler

    day_old = time.time() - 25 * 3600
    for path in left:
        os.utime(path, (day_old, day_old))
    outcome = scheduler.run_job("cleanup", "test:1")
    assert f"temp_files {len(left)}," in outcome, outcome
    assert list(tmp.iterdir()) == []


class HeldWrites:
    """Another session holding a lock the request must wait for, where the test kills its
    worker: on PostgreSQL the audit chain head, which every write takes last, just before
    its commit (the record and its versions are already written in the transaction); on
    SQLite the database file itself (SQLite refuses, rather than waits, a reader's upgrade
    to writer, so the request waits at its first statement instead)."""

    def __init__(self, engine):
        self.connection = engine.raw_connection()
        cursor = self.connection.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("SELECT seq FROM audit_chain_head WHERE id = 1 FOR UPDATE")
        else:
            self.connection.isolation_level = None
            cursor.execute("BEGIN EXCLUSIVE")

    def release(self):
        self.connection.rollback()
        self.connection.close()


def killed_while_waiting(master, browser, method, url, body):
    """Send the request, let it reach the held lock, kill its worker: the connection dies."""
    outcome = {}

    def send():
        try:
            outcome["status"] = browser.request(method, url, body, {"Content-Type": "application/x-www-form-urlencoded"})[0]
        except (OSError, http.client.HTTPException) as error:
            outcome["error"] = error

    (worker,) = workers(master.pid)
    sender = threading.Thread(target=send)
    sender.start()
    time.sleep(1.5)
    assert sender.is_alive(), f"the request did not wait for the held lock: {outcome}"
    os.kill(worker, signal.SIGKILL)
    sender.join(timeout=60)
    assert "status" not in outcome
    for _ in range(100):
        if workers(master.pid) and workers(master.pid) != [worker]:
            break
        time.sleep(0.1)


def test_a_worker_killed_mid_form_post_or_mid_review_decision_leaves_nothing_half_written(
        app, db, server, make_official, make_record, users):
    from models import ReviewDecision
    from models.career import WorkExperience
    from tests.helpers import pending

    port, master = server
    official = make_official()
    record = make_record(WorkExperience, official=official, start_date=official.work_start_date, end_date=None)
    record.review_state, record.entered_by_id = "submitted", users["clerk"].id  # waiting for first review
    db.session.commit()
    clerk, head = Browser(port), Browser(port)
    clerk.sign_in("clerk")
    head.sign_in("dept_head")
    rows_before = row_count(db, WorkExperience)
    decisions_before = row_count(db, ReviewDecision)
    official_id, record_id = official.id, record.id
    db.session.rollback()  # the test's own session holds nothing while the lock is held

    form = {"official": official_id, "unit": "市档案局", "post": "科员", "start_date": "2015-03-01",
            "end_date": "2016-03-01", "source_channel": "hr", "received_on": ""}
    for browser, url, body in (
            (clerk, f"/workexperienceview/add?_flt_0_official={official_id}", urlencode(form)),
            (head, "/review/first/decide", urlencode({"item": f"work_experience:{record_id}", "decision": "approve"}))):
        held = HeldWrites(db.engine)
        try:
            killed_while_waiting(master, browser, "POST", url, body)
        finally:
            held.release()
        # The next worker is up and serving before the next kill.
        assert browser.request("GET", "/mydrafts/")[0] == 200

    db.session.expire_all()
    assert row_count(db, WorkExperience) == rows_before  # the draft was never written
    assert row_count(db, ReviewDecision) == decisions_before
    assert pending(db, WorkExperience, id=record_id)[0].review_state == "submitted"
    with app.app_context():
        from models.db import db as fresh
        from security import audit

        assert audit.verify(fresh.session).ok
        fresh.session.remove()
    # The same browsers go on with the new worker.
    assert clerk.request("GET", "/mydrafts/")[0] == 200
    assert head.request("GET", "/review/first/")[0] == 200
