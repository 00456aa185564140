"""Concurrent load: gunicorn with its workers, many signed-in clients mixing list,
show and edit, for a fixed time. Each client is a process of its own, so that the
load generator is not one Python thread pool held back by its own lock."""

import http.client
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from .dataset import PASSWORD
from .measure import Figure, percentile

ROOT = Path(__file__).resolve().parents[2]


class FormFields(HTMLParser):
    """The fields a browser would post back from the first form of a page."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea, self._done = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        if self._done:
            return
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.fields:
            self._done = True

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class Client:
    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method, url, body=None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
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

    def sign_in(self, username):
        _, page = self.request("GET", "/login/")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/login/", {"username": username, "password": PASSWORD,
                                                     "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"sign-in as {username}: HTTP {status}")


def _client(port, seconds, officials, seed, results):
    rng = random.Random(seed)
    client = Client(port)
    client.sign_in("hr_reviewer")
    deadline = time.monotonic() + seconds
    samples, errors, kinds = [], 0, {"list": 0, "show": 0, "edit": 0}
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
                form.fields["post"] = rng.choice(("科员", "主任科员", "副处长"))
                status2, _ = client.request("POST", f"/officialview/edit/{official}", form.fields)
                ok = status == 200 and status2 in (200, 302)
        except (OSError, http.client.HTTPException):
            ok, kind = False, "error"
            client = Client(port)
            client.sign_in("hr_reviewer")
        samples.append((time.perf_counter() - started) * 1000)
        kinds[kind] = kinds.get(kind, 0) + 1
        errors += 0 if ok else 1
    results.put((samples, errors, kinds))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env: dict, officials: list[int], clients: int = 32, seconds: float = 60, workers: int = 2) -> Figure:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
         "app:create_app()"], cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        pool = [context.Process(target=_client, args=(port, seconds, officials, seed, results))
                for seed in range(clients)]
        for proc in pool:
            proc.start()
        found = [results.get(timeout=seconds + 120) for _ in pool]
        for proc in pool:
            proc.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    samples = [s for f in found for s in f[0]]
    errors = sum(f[1] for f in found)
    kinds = {}
    for f in found:
        for k, v in f[2].items():
            kinds[k] = kinds.get(k, 0) + v
    figure = Figure(f"load: gunicorn {workers} workers, {clients} clients, {seconds:.0f} s", "requests/s",
                    len(samples) / seconds, None, percentile(samples, 0.5), None, target="0 errors",
                    met=errors == 0,
                    note=f"p95 {percentile(samples, 0.95):.0f} ms, errors {errors}, mix {kinds}")
    return figure
