"""CPU seconds of processes, read from /proc: the server's tree, PostgreSQL's backends, the clients.

A figure of load says what the server does only beside what the rest of the machine
did meanwhile: the load generator's own CPU share, and PostgreSQL's.
"""

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: the fields start after the last ")".
    return raw[raw.rindex(")") + 2:].split()


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system seconds of ``pid`` (with its reaped children's when ``children``)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICK


def tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None:
                parents[int(entry.name)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier and pid not in found]
        found += frontier
    return found


class Meter:
    """CPU seconds of a changing set of processes between ``start`` and ``stop``: a process
    that appears meanwhile counts from zero, one that ends counts up to its last reading."""

    def __init__(self, pids):
        self.pids = pids  # a callable giving the pids to watch now
        self.first, self.last = {}, {}

    def _read(self) -> dict:
        return {pid: cpu_seconds(pid) for pid in self.pids()}

    def start(self) -> None:
        self.first = self._read()
        self.last = dict(self.first)

    def sample(self) -> None:
        self.last.update({pid: s for pid, s in self._read().items() if s})

    def stop(self) -> float:
        self.sample()
        return sum(seconds - self.first.get(pid, 0.0) for pid, seconds in self.last.items())


def postgres_backends(url: str) -> list[int]:
    """The server processes serving connections to ``url``'s database, but the asking one."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            # Client backends only: autovacuum's workers come and go on their own schedule.
            return list(conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                          "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")))
    finally:
        engine.dispose()


def split_cores() -> tuple[set[int] | None, set[int] | None]:
    """(server cores, client cores): the last core for the load generator, the others for the
    server, where this process may use two or more; (None, None) on one core."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return set(cores[:-1]), {cores[-1]}
