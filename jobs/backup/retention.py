"""Backup retention (§8): which snapshots each target keeps, and when old ones are gone.

``BACKUP_KEEP`` holds restic's keep rules ({"daily": 7, "weekly": 5, "monthly": 12,
"yearly": 0}; "last" and "hourly" too; 0 leaves a rule out). After each successful run,
``apply`` asks restic which snapshots the rules keep (``forget --dry-run`` with the
``--keep-*`` flags), keeps with each of them the rest of its chain before it (an
incremental holds only the rows changed since the run before it, so it restores only on
top of its full backup and the incrementals between), forgets the others and prunes
their data. Snapshots are grouped by host only (``--group-by host``): every run's
snapshot has its own ``run:`` and ``chain:`` tags, so grouping by tags would make each
snapshot a group of one and keep everything, and grouping by paths would split the
history whenever a staging or store directory is moved.

An empty policy (every rule 0) keeps every snapshot: restic forgets nothing without a rule.
"""

import calendar
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app

from .restic import Repository

# Our policy's keys → restic's flags (restic help forget).
FLAGS = {"last": "--keep-last", "hourly": "--keep-hourly", "daily": "--keep-daily", "weekly": "--keep-weekly",
         "monthly": "--keep-monthly", "yearly": "--keep-yearly"}
TAG = "dossier"


class PolicyError(ValueError):
    """BACKUP_KEEP names a rule restic does not have, or a count that is not a whole number ≥ 0."""


def policy_of(configured: dict | None = None) -> dict[str, int]:
    """The configured policy (or ``configured``), checked: rule → count, unused rules left out."""
    raw = current_app.config.get("BACKUP_KEEP") if configured is None else configured
    checked = {}
    for rule, count in (raw or {}).items():
        if rule not in FLAGS:
            raise PolicyError(f"BACKUP_KEEP: unknown rule {rule!r} (one of {', '.join(FLAGS)})")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise PolicyError(f"BACKUP_KEEP: {rule} must be a whole number of snapshots, 0 or more, not {count!r}")
        if count:
            checked[rule] = count
    return checked


def keep_args(policy: dict[str, int]) -> list[str]:
    return [arg for rule, count in policy.items() for arg in (FLAGS[rule], str(count))]


def _tag(snapshot: dict, name: str) -> int | None:
    return next((int(t[len(name) + 1:]) for t in snapshot.get("tags") or () if t.startswith(name + ":")
                 and t[len(name) + 1:].isdigit()), None)


def with_chains(snapshots: list[dict], chosen: set[str]) -> set[str]:
    """``chosen`` and, for each chosen snapshot, the snapshots of its chain from earlier runs."""
    keep = set(chosen)
    newest: dict[int, int] = {}
    for snap in snapshots:
        chain, run = _tag(snap, "chain"), _tag(snap, "run")
        if snap["id"] in chosen and chain is not None and run is not None:
            newest[chain] = max(run, newest.get(chain, run))
    for snap in snapshots:
        chain, run = _tag(snap, "chain"), _tag(snap, "run")
        if chain in newest and run is not None and run <= newest[chain]:
            keep.add(snap["id"])
    return keep


@dataclass
class Outcome:
    kept: list[str]
    forgotten: list[str]


def decide(repo: Repository, policy: dict[str, int]) -> Outcome:
    """What the policy keeps and forgets in ``repo`` now; changes nothing.

    One restic command: its dry run lists every snapshot of the tag, kept or not (each
    restic command opens the repository, a key derivation of about half a second)."""
    if not policy:
        return Outcome([s["id"] for s in repo.snapshots([TAG])], [])
    output = repo.run("forget", "--dry-run", "--group-by", "host", "--tag", TAG, *keep_args(policy)).stdout
    groups = json.loads(output or "[]") or []
    chosen = {snap["id"] for group in groups for snap in group.get("keep") or []}
    listed = {snap["id"]: snap for group in groups for snap in (group.get("keep") or []) + (group.get("remove") or [])}
    snapshots = sorted(listed.values(), key=lambda snap: snap["time"])
    keep = with_chains(snapshots, chosen)
    return Outcome([s["id"] for s in snapshots if s["id"] in keep], [s["id"] for s in snapshots if s["id"] not in keep])


def apply(repo: Repository, policy: dict[str, int]) -> Outcome:
    """Forget what the policy does not keep, then prune the data only they referred to."""
    outcome = decide(repo, policy)
    if outcome.forgotten:
        repo.forget(outcome.forgotten, prune=True)
    return outcome


# --- when old snapshots are gone -------------------------------------------------------------

def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# Per rule and count n: the first day whose nightly run no longer lets the rule keep a
# snapshot taken on ``day`` (the newest of its day, week, month or year). One snapshot a
# night means the n newest snapshots (last, hourly) are those of the last n nights.
FIRST_DAY_NOT_KEPT = {
    "last": lambda day, n: day + timedelta(days=n),
    "hourly": lambda day, n: day + timedelta(days=n),
    "daily": lambda day, n: day + timedelta(days=n),
    # restic's weeks are ISO weeks, Monday to Sunday.
    "weekly": lambda day, n: day - timedelta(days=day.weekday()) + timedelta(weeks=n),
    "monthly": lambda day, n: _add_months(day.replace(day=1), n),
    "yearly": lambda day, n: date(day.year + n, 1, 1),
}
# jobs.scheduler: the full backup runs on Sundays, incrementals Monday to Saturday.
LAST_CHAIN_DAY = calendar.SATURDAY


def snapshots_gone_by(destroyed_at: datetime, policy: dict | None = None) -> date | None:
    """The day by which every snapshot taken before ``destroyed_at`` is forgotten and
    pruned in every target under ``policy`` (BACKUP_KEEP by default); None if the policy
    keeps every snapshot.

    A safe upper bound, assuming the schedule of ``jobs.scheduler`` keeps running (a
    backup every night, the full one on Sundays; forget and prune follow each run):

    - the last snapshot before ``destroyed_at`` was taken on its day or before; older
      ones fall out of every rule no later than it does (a rule keeps the newest of each
      day, week, month or year), so it is the one to outlive;
    - it stays while any later snapshot of its chain is kept, and a chain ends with the
      Saturday incremental before the next Sunday's full backup: we take the Saturday on
      or after that day as the snapshot's day, as if it were the newest of its buckets;
    - each keep rule lets it go on the first day whose run starts the n-th newer day, ISO
      week, month or year (``FIRST_DAY_NOT_KEPT``); the latest over the rules is the run
      that forgets and prunes it, and a day more covers a run lasting into the next day.

    Extra runs ("back up now") only make snapshots go sooner. Nights without a
    successful run postpone it: restic counts only the days that have snapshots.
    """
    rules = policy_of(policy)
    if not rules:
        return None
    day = destroyed_at.date()
    chain_end = day + timedelta(days=(LAST_CHAIN_DAY - day.weekday()) % 7)
    forgotten_on = max(FIRST_DAY_NOT_KEPT[rule](chain_end, count) for rule, count in rules.items())
    return forgotten_on + timedelta(days=1)
