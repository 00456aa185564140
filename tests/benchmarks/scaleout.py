"""Scale-out, shown: two app instances (two gunicorn masters on two ports) and two schedulers
on one PostgreSQL and one Redis, the same load driven across both, then the guarantees a
second node must not break, checked on the running instances.

    DATABASE_URL=postgresql://… DOSSIER_INSTANCE_DIR=… python -m tests.benchmarks.scaleout
        [--clients 32] [--seconds 30] [--workers W] [--threads T]

The two instances share what production nodes share (the database, Redis, the key store,
the attachment store, the keys) and nothing else. It reports each instance's requests,
its CPU per request and PostgreSQL's, and then checks, printing each outcome:

- one audit chain without forks: ``dossier audit verify`` over the whole trail, which both
  instances appended to during the load;
- the lockout is shared: five wrong passwords alternating between the instances lock the
  account on both;
- the sign-in limit is shared (Redis): attempts from one address alternating between the
  instances are refused after ``AUTH_RATE_LIMIT`` of them in all, not per instance;
- each scheduled job runs once per slot with two schedulers: a job on a 5-second interval,
  whose every slot both schedulers fire for, ran once per slot (their own logs);
- sessions are revocable on both: a session opened on one instance opens pages on the
  other, and signing out on one ends it on the other.

Exits non-zero if any check fails.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.helpers import free_port

from . import cpu, load
from .dataset import PASSWORD

ROOT = load.ROOT
SLOT_SECONDS = 5
PAGE = "/officialview/list/"


def _config(path: Path, url: str) -> dict:
    """The settings both instances and both schedulers run with (a DOSSIER_CONFIG file)."""
    path.write_text("\n".join([
        "import logging as _logging",
        "_logging.basicConfig(level=_logging.INFO, format='%(asctime)s %(message)s')",
        f"SQLALCHEMY_DATABASE_URI = {url!r}",
        "DOSSIER_BEHIND_PROXY = True",
        "RATELIMIT_ENABLED = True",
        "RATELIMIT_STORAGE_URI = 'redis://127.0.0.1:6379/0'",
        f"RATELIMIT_KEY_PREFIX = 'scaleout-{uuid.uuid4().hex[:8]}'",
        "AUTH_RATE_LIMIT = '10 per minute'",
        f"DOSSIER_JOB_TRIGGERS = {{'audit_checkpoint': {{'trigger': 'interval', 'seconds': {SLOT_SECONDS}}}}}",
    ]) + "\n")
    return {"DOSSIER_CONFIG": str(path)}


def _scheduler(env: dict, log: Path, cores) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "dossier", "scheduler"], cwd=ROOT,
                            env={**os.environ, **env}, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            start_new_session=True,
                            preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None)


def check_audit_chain(env: dict) -> tuple[bool, str]:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "dossier", "audit", "verify"], cwd=ROOT,
                            env={**os.environ, **env}, capture_output=True, text=True)
    said = [line for line in result.stdout.splitlines() if line.strip()]
    return result.returncode == 0, f"exit {result.returncode}: {said[-1] if said else result.stderr[-300:]}"


def _signed_in_here(client: load.Client) -> bool:
    """The list opens (a session that ended is sent to the login page)."""
    status, _ = client.request("GET", PAGE)
    return status == 200


def _unlock(url: str, username: str) -> None:
    """The benchmark's own account starts unlocked (an earlier run locked it for LOCKOUT_MINUTES)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE account_security SET locked_until = NULL, login_failures = 0 "
                              "WHERE user_id = (SELECT id FROM ab_user WHERE username = :name)"), {"name": username})
    finally:
        engine.dispose()


def check_lockout(ports: list[int], url: str) -> tuple[bool, str]:
    """The right password opens the account; then five wrong ones, alternating between the
    instances; then the right one is refused on both."""
    _unlock(url, "clerk")
    opened = load.Client(ports[0], "203.0.113.10").sign_in("clerk", PASSWORD)
    statuses = []
    for attempt in range(5):
        client = load.Client(ports[attempt % 2], "203.0.113.10")
        statuses.append(client.sign_in("clerk", f"Wrong-Guess-{attempt:04d}"))
    refused = [not load.Client(port, "203.0.113.10").sign_in("clerk", PASSWORD) for port in ports]
    return opened and all(refused) and not any(statuses), (
        f"the right password opened it: {opened}; then 5 wrong ones on A, B, A, B, A; the right one "
        f"afterwards refused on A and B: {refused}")


def check_sign_in_limit(ports: list[int], limit: int = 10) -> tuple[bool, str]:
    """Attempts from one address, alternating between the instances, until the first refusal."""
    address = "203.0.113.20"
    for attempt in range(1, 2 * limit + 2):
        client = load.Client(ports[attempt % 2], address)
        _, page = client.request("GET", "/login/")
        status, _ = client.request("POST", "/login/", {"username": "nobody", "password": "Wrong-Guess-1",
                                                        "csrf_token": client.csrf_token(page)})
        if status == 429:
            return attempt == limit + 1, f"first refusal (429) at attempt {attempt} across both; limit {limit}"
    return False, f"no refusal in {2 * limit + 1} attempts"


def check_sessions(ports: list[int]) -> tuple[bool, str]:
    """A session opened on the first instance, used on the second, ended on the first."""
    first = load.Client(ports[0], "203.0.113.30")
    first.sign_in("hr_reviewer")
    second = load.Client(ports[1], "203.0.113.30")
    second.cookie = first.cookie
    opened = _signed_in_here(second)
    _, page = first.request("GET", PAGE)
    status, _ = first.request("POST", "/logout/", {"csrf_token": first.csrf_token(page)})
    ended = not _signed_in_here(second)
    return opened and ended, (f"opened on the other instance: {opened}; signed out (HTTP {status}) on the first, "
                              f"ended on the other: {ended}")


SLOT_LINE = re.compile(r"job audit_checkpoint \(due ([^)]+)\): (.*)$")


def check_slots(logs: list[Path]) -> tuple[bool, str]:
    """Every slot both schedulers fired for ran once; each slot fired ran."""
    fired: dict[str, list[bool]] = {}
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            found = SLOT_LINE.search(line)
            if found:
                fired.setdefault(found.group(1), []).append(not found.group(2).startswith("taken elsewhere"))
    both = {due: ran for due, ran in fired.items() if len(ran) == 2}
    once = all(sum(ran) == 1 for ran in fired.values())
    return bool(both) and once, (f"{len(fired)} slots fired, {len(both)} by both schedulers, "
                                 f"each run once: {once}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    from config import database_url

    url = database_url(os.environ.get("DATABASE_URL"))
    if not url.startswith("postgresql"):
        raise SystemExit("scale-out runs on PostgreSQL: set DATABASE_URL")
    work = Path(tempfile.mkdtemp(prefix="dossier-scaleout-"))
    env = _config(work / "scaleout_config.py", url)
    server_cores, client_cores = cpu.split_cores()
    ports = [free_port(), free_port()]
    servers, schedulers, logs = [], [], [work / "scheduler-a.log", work / "scheduler-b.log"]
    try:
        for port in ports:
            servers.append(load.serve(env, port, args.workers, args.threads, None, server_cores))
        for log in logs:
            schedulers.append(_scheduler(env, log, server_cores))
        found = load.drive(ports, servers, url, load.sample_officials(url), args.clients, args.seconds,
                           client_cores)
        # Let the schedulers fire a few more slots with the servers idle.
        time.sleep(max(0.0, 3 * SLOT_SECONDS - args.seconds))
        checks = {
            "lockout shared": check_lockout(ports, url),
            "sign-in limit shared": check_sign_in_limit(ports),
            "sessions revocable on both": check_sessions(ports),
        }
    finally:
        for process in [*servers, *schedulers]:
            os.killpg(process.pid, signal.SIGTERM)
        for process in [*servers, *schedulers]:
            process.wait(timeout=30)
    checks["each slot run once (two schedulers)"] = check_slots(logs)
    checks["one audit chain, verified"] = check_audit_chain(env)

    print(f"two instances, {args.clients} clients, {args.seconds:.0f} s: {found['requests_per_s']:.1f} requests/s, "
          f"p50 {found['p50_ms']:.0f} ms, p95 {found['p95_ms']:.0f} ms, errors {found['errors']} "
          f"{found['failures'] or ''}, "
          f"client CPU {found['client_cpu_share']:.0%} of its core")
    for index, port in enumerate(ports):
        print(f"  instance {'AB'[index]} (:{port}): {found['requests_per_instance'][port]} requests, "
              f"{found['server_cpu_ms_per_request'][port]:.1f} ms CPU/request")
    print(f"  PostgreSQL: {found['postgres_cpu_ms_per_request']:.1f} ms CPU/request")
    for name, (ok, detail) in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if args.json:
        Path(args.json).write_text(json.dumps({"load": found, "checks": {k: list(v) for k, v in checks.items()}},
                                              indent=2, default=str))
    return 0 if all(ok for ok, _ in checks.values()) and found["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
