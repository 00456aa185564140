"""Lockout under concurrency (§6.1.2): however many wrong passwords arrive at once, from
however many addresses, through however many web workers, no more than the limit are
ever checked, and the account is locked once."""

import http.client
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select

from models import AuditEvent
from tests.helpers import free_port, serving, subprocess_config

ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = 20



def serve(env, port, workers=3):
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "60",
         "app:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    if serving(port):
        return server
    server.kill()
    raise AssertionError(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")


def test_twenty_simultaneous_wrong_passwords_check_at_most_five(app, db, make_user, tmp_path):
    user = make_user("clerk")
    env = subprocess_config(app, tmp_path / "config.py", WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=True,
                            RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
                            RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
                            DOSSIER_BEHIND_PROXY=True, DOSSIER_TRUSTED_PROXIES=["127.0.0.1/32"])
    start = db.session.scalar(select(func.max(AuditEvent.seq)))
    port = free_port()
    server = serve(env, port)
    try:
        ready = threading.Barrier(ATTEMPTS)
        statuses = []

        def attempt(n):
            body = urlencode({"username": user.username, "password": f"Wrong-Guess-{n:04d}"})
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ready.wait()
            # Each from an address of its own: the per-address rate limit does not hold them back.
            connection.request("POST", "/login/", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                         "X-Forwarded-For": f"198.51.100.{n + 1}"})
            statuses.append(connection.getresponse().status)

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert statuses.count(302) == ATTEMPTS, statuses
    db.session.expire_all()
    events = db.session.execute(select(AuditEvent.action, AuditEvent.details)
                                .where(AuditEvent.seq > start, AuditEvent.actor_id == user.id)).all()
    checked = [details for action, details in events if action == "login_failed"]
    assert len(checked) == 5, events
    assert [action for action, _details in events].count("lockout") == 1
    assert [action for action, _details in events].count("login_refused") == ATTEMPTS - 5
