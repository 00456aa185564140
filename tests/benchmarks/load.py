"""Concurrent load: gunicorn with the product's settings (app/gunicorn.conf.py), many
signed-in clients mixing list, show and edit, for a fixed time.

    DATABASE_URL=… DOSSIER_INSTANCE_DIR=… python -m tests.benchmarks.load [--workers W] [--threads T]
        [--keepalive S] [--clients 32] [--seconds 60]

Each client is a process of its own, so that the load generator is not one Python thread
pool held back by its own lock. Where the machine has two cores or more, the clients run
pinned to the last core and the server to the others (``os.sched_setaffinity``), and the
figure reports the clients' own CPU share of their core, the server's CPU per request
and PostgreSQL's (its backends for this database), read from /proc: what the server does,
not what the load generator did to it. ``tests/benchmarks/scaleout.py`` drives the same
load across two instances.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from tests.helpers import free_port, serving

from . import cpu
from .dataset import PASSWORD
from .measure import Figure, percentile

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = ROOT / "app" / "gunicorn.conf.py"


class FormFields(HTMLParser):
    """The fields a browser would post back from the page's form that carries a CSRF token
    (the record's form, not the search box in the navigation bar)."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select, self._textarea = [], None, None, None

    @property
    def fields(self) -> dict:
        posted = [form for form in self.forms if "csrf_token" in form] or self.forms or [{}]
        return max(posted, key=len)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {}
            self.forms.append(self._current)
            return
        fields = self._current
        if fields is None:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._current = None

    def handle_data(self, data):
        if self._textarea and self._current is not None:
            self._current[self._textarea] += data


class Client:
    """One browser: a kept-alive connection, its session cookie, its own address (as the
    proxy would forward it: each client is counted apart by the sign-in limit)."""

    def __init__(self, port: int, address: str | None = None):
        self.port, self.address = port, address
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method, url, body=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if body is not None:
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, url, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data.decode("utf-8", "replace")

    def csrf_token(self, page: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def sign_in(self, username, password=PASSWORD) -> bool:
        """True when the account is signed in (a refusal also answers 302, back to the login page)."""
        _, page = self.request("GET", "/login/")
        self.conn.request("POST", "/login/", body=urlencode({
            "username": username, "password": password, "csrf_token": self.csrf_token(page)}), headers={
            "Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded",
            **({"X-Forwarded-For": self.address} if self.address else {})})
        response = self.conn.getresponse()
        response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status == 302 and "/login" not in (response.getheader("Location") or "")


def _signed_in(port, address, seed=0):
    """A client signed in as hr_reviewer. Every client uses that one account: at most
    LOCKOUT_FAILURES attempts of an account are checked at once (security.accounts), so a
    client refused because others are signing in at that moment tries again shortly."""
    rng = random.Random(seed)
    for _ in range(20):
        client = Client(port, address)
        if client.sign_in("hr_reviewer"):
            return client
        time.sleep(rng.uniform(0.2, 1.0))
    raise RuntimeError("sign-in as hr_reviewer refused 20 times")


def _client(ports, seconds, officials, seed, cores, go, ready, results):
    if cores:
        os.sched_setaffinity(0, cores)
    rng = random.Random(seed)
    port, address = ports[seed % len(ports)], f"198.51.{100 + seed // 250}.{seed % 250 + 1}"
    client = _signed_in(port, address, seed)
    ready.put(seed)
    go.wait()
    cpu_started = time.process_time()
    deadline = time.monotonic() + seconds
    samples, errors, kinds, failures = [], 0, {"list": 0, "show": 0, "edit": 0}, {}
    while time.monotonic() < deadline:
        roll = rng.random()
        official = rng.choice(officials)
        started = time.perf_counter()
        try:
            if roll < 0.4:
                kind = "list"
                status, _ = client.request("GET", f"/officialview/list/?page_oflist={rng.randrange(0, 200)}")
                ok = status == 200
            elif roll < 0.9:
                kind = "show"
                status, _ = client.request("GET", f"/officialview/show/{official}")
                ok = status == 200
            else:
                kind = "edit"
                status, page = client.request("GET", f"/officialview/edit/{official}")
                form = FormFields()
                form.feed(page)
                fields = form.fields
                fields["post"] = rng.choice(("科员", "主任科员", "副处长"))
                status2, _ = client.request("POST", f"/officialview/edit/{official}", fields)
                ok = status == 200 and status2 in (200, 302)
                status = status if status != 200 else status2
        except (OSError, http.client.HTTPException) as error:
            ok, kind, status = False, "error", type(error).__name__
            client = _signed_in(port, address, seed)
        samples.append((time.perf_counter() - started) * 1000)
        kinds[kind] = kinds.get(kind, 0) + 1
        errors += 0 if ok else 1
        if not ok:
            failures[f"{kind} {status}"] = failures.get(f"{kind} {status}", 0) + 1
    results.put((port, samples, errors, kinds, time.process_time() - cpu_started, failures))


def serve(env: dict, port: int, workers=None, threads=None, keepalive=None, cores=None,
          log: Path | None = None) -> subprocess.Popen:
    """gunicorn with the product's config file, its settings overridden where given, pinned to
    ``cores``, its log in ``log`` (never a pipe nobody reads: a full one stops the workers);
    returns once it answers."""
    log = log or Path(tempfile.mkdtemp(prefix="dossier-load-")) / f"gunicorn-{port}.log"
    settings = {"DOSSIER_BIND": f"127.0.0.1:{port}"}
    for name, value in (("DOSSIER_WEB_WORKERS", workers), ("DOSSIER_WEB_THREADS", threads),
                        ("DOSSIER_WEB_KEEPALIVE", keepalive)):
        if value is not None:
            settings[name] = str(value)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG), "app:create_app()"], cwd=ROOT,
        env={**os.environ, **env, **settings}, stdout=subprocess.DEVNULL, stderr=open(log, "ab"),
        start_new_session=True, preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None)
    if serving(port):
        return server
    server.kill()
    raise RuntimeError(f"gunicorn did not start: {log.read_text(errors='replace')[-2000:]}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def drive(ports, servers, database_url, officials, clients, seconds, client_cores) -> dict:
    """The load on ``ports`` (clients spread over them); requests, latencies and CPU of each part."""
    context = multiprocessing.get_context("fork")
    results, ready, go = context.Queue(), context.Queue(), context.Event()
    pool = [context.Process(target=_client, args=(ports, seconds, officials, seed, client_cores, go, ready,
                                                  results)) for seed in range(clients)]
    for proc in pool:
        proc.start()
    for _ in pool:  # every client signed in before the clock starts
        ready.get(timeout=180)
    meters = {port: cpu.Meter(lambda pid=server.pid: cpu.tree(pid)) for port, server in zip(ports, servers)}
    postgres = cpu.Meter(lambda: cpu.postgres_backends(database_url)) if database_url.startswith("postgresql") else None
    for meter in [*meters.values(), *([postgres] if postgres else [])]:
        meter.start()
    go.set()
    started = time.monotonic()
    found = []
    while len(found) < len(pool):
        try:
            found.append(results.get(timeout=1))
        except Exception:  # queue.Empty: sample the processes meanwhile
            if time.monotonic() - started > seconds + 180:
                raise
        for meter in [*meters.values(), *([postgres] if postgres else [])]:
            meter.sample()
    wall = time.monotonic() - started
    server_cpu = {port: meter.stop() for port, meter in meters.items()}
    postgres_cpu = postgres.stop() if postgres else None
    for proc in pool:
        proc.join()
    samples = [s for f in found for s in f[1]]
    per_port = {port: sum(len(f[1]) for f in found if f[0] == port) for port in ports}
    kinds = {}
    for f in found:
        for k, v in f[3].items():
            kinds[k] = kinds.get(k, 0) + v
    requests = len(samples)
    failures = {}
    for f in found:
        for k, v in f[5].items():
            failures[k] = failures.get(k, 0) + v
    return {
        "requests": requests, "requests_per_s": requests / seconds, "p50_ms": percentile(samples, 0.5),
        "p95_ms": percentile(samples, 0.95), "errors": sum(f[2] for f in found), "failures": failures, "mix": kinds,
        "client_cpu_share": sum(f[4] for f in found) / (wall * (len(client_cores) if client_cores else
                                                                 os.cpu_count() or 1)),
        "server_cpu_ms_per_request": {port: 1000 * server_cpu[port] / max(1, per_port[port]) for port in ports},
        "requests_per_instance": per_port,
        "postgres_cpu_ms_per_request": 1000 * postgres_cpu / max(1, requests) if postgres_cpu is not None else None,
    }


def run(env: dict, officials: list[int], clients: int = 32, seconds: float = 60, workers=None, threads=None,
        keepalive=None, database_url: str | None = None) -> Figure:
    server_cores, client_cores = cpu.split_cores()
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="dossier-load-")) / "gunicorn.log"
    server = serve(env, port, workers, threads, keepalive, server_cores, log)
    try:
        found = drive([port], [server], database_url or "", officials, clients, seconds, client_cores)
    finally:
        stop(server)
    shape = f"{workers or 'cores'} workers × {threads or 4} threads"
    pinned = f"server on cores {sorted(server_cores)}, clients on {sorted(client_cores)}" if client_cores else \
        "unpinned (one core)"
    pg = found["postgres_cpu_ms_per_request"]
    figure = Figure(f"load: gunicorn {shape}, {clients} clients, {seconds:.0f} s", "requests/s",
                    found["requests_per_s"], None, found["p50_ms"], None, target="0 errors",
                    met=found["errors"] == 0,
                    note=(f"p95 {found['p95_ms']:.0f} ms, errors {found['errors']} {found['failures'] or ''}, "
                          f"mix {found['mix']}; {pinned}, "
                          f"client CPU {found['client_cpu_share']:.0%} of its core, server "
                          f"{found['server_cpu_ms_per_request'][port]:.1f} ms CPU/request"
                          + (f", PostgreSQL {pg:.1f} ms CPU/request" if pg is not None else "")))
    found["server_log"] = str(log)
    figure.details = found
    return figure


def sample_officials(url: str, count: int = 500) -> list[int]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(text("SELECT id FROM official ORDER BY id LIMIT :n"), {"n": count}))
    finally:
        engine.dispose()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--keepalive", type=int)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)
    from config import database_url

    url = database_url(os.environ.get("DATABASE_URL"))
    config = Path(tempfile.mkdtemp(prefix="dossier-load-")) / "load_config.py"
    # The clients post the forms' CSRF tokens; the sign-in limit counts each client's address.
    config.write_text(f"SQLALCHEMY_DATABASE_URI = {url!r}\nDOSSIER_BEHIND_PROXY = True\n")
    figure = run({"DOSSIER_CONFIG": str(config)}, sample_officials(url), args.clients, args.seconds,
                 args.workers, args.threads, args.keepalive, url)
    print(f"{figure.name}: {figure.product:.1f} requests/s, p50 {figure.product_p50:.0f} ms; {figure.note}; "
          f"server log {figure.details['server_log']}")
    return figure


if __name__ == "__main__":
    main()
