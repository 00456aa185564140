"""gunicorn's settings for the dossier system: ``gunicorn -c app/gunicorn.conf.py 'app:create_app()'``.

Chosen by measurement (README, "Production topology"; ``python -m tests.benchmarks.load``):
one worker process per core, since a request is mostly Python's own CPU work and more
processes than cores only queue; threaded workers (gthread, 4 threads), as fast as sync
workers on that work but keeping the proxy's connections alive and leaving a worker
three threads while one holds a long upload or export. Each can be changed without
editing this file:

- ``DOSSIER_BIND``: where to listen (default ``127.0.0.1:$PORT``, ``PORT`` 5000);
- ``DOSSIER_WEB_WORKERS``: worker processes (default: the cores this process may use);
- ``DOSSIER_WEB_THREADS``: threads per worker (default 4; 1 gives sync workers);
- ``DOSSIER_WEB_KEEPALIVE``: seconds an idle kept-alive connection stays open (default 30;
  the proxy's own keep-alive towards the app must be shorter). Measured at 32 clients on
  a saturated worker: with 5 s, 2 of about 260 requests met a reset connection; with 30 s
  none did.

The database pool of each worker follows its threads (``DATABASE_POOL_SIZE`` and
``DATABASE_MAX_OVERFLOW``, unless set): a request holds one connection and, for moments,
up to two more, so 3 × W workers × T threads × N nodes is what PostgreSQL's
``max_connections`` must allow at most, plus the schedulers.
"""

import os

_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

bind = os.environ.get("DOSSIER_BIND") or f"127.0.0.1:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("DOSSIER_WEB_WORKERS") or _cores)
threads = int(os.environ.get("DOSSIER_WEB_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
keepalive = int(os.environ.get("DOSSIER_WEB_KEEPALIVE") or 30)
# Uploads of up to ATTACHMENT_MAX_BYTES are scanned and encrypted inside one request.
timeout = 300
graceful_timeout = 30
# Heartbeats on tmpfs: a worker is never taken for dead because a disk is slow.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Each worker builds its own app (keys, engine, pool) after the fork.
preload_app = False

# A request holds its session's connection and, for moments, up to two of its own: a
# sensitive read's audit event (nearly every dossier page) and the checkpoint after it, or
# the lockout counter at sign-in. The pool keeps two per thread open, so that the second
# is not a new PostgreSQL backend each time, and the overflow covers the third (measured:
# with a pool of one per thread and no more, requests waited 30 s for a connection).
os.environ.setdefault("DATABASE_POOL_SIZE", str(2 * threads))
os.environ.setdefault("DATABASE_MAX_OVERFLOW", str(threads))
