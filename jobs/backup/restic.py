"""restic, driven through its ``--json`` output (never its screen text).

One ``Repository`` per target. The repository password comes from a file
(``RESTIC_PASSWORD_FILE``), never from the command line, so it shows in no
process list or log.
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator


class ResticError(RuntimeError):
    """restic failed; the message carries its own last words."""


@dataclass
class BackupSummary:
    snapshot_id: str
    files_new: int
    files_changed: int
    files_unmodified: int
    data_added: int
    bytes_processed: int
    # What restic actually read: everything for a forced (full) backup, otherwise the
    # files it found new or modified against its parent snapshot.
    bytes_read: int
    seconds: float


class Repository:
    def __init__(self, path: str | Path, password_file: str | Path, binary: str = "restic",
                 cache_dir: str | Path | None = None):
        self.path = Path(path)
        self.password_file = str(password_file)
        self.binary = binary
        self.cache_dir = cache_dir

    def _env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RESTIC_")}
        env.update(RESTIC_REPOSITORY=str(self.path), RESTIC_PASSWORD_FILE=self.password_file)
        if self.cache_dir:
            env["RESTIC_CACHE_DIR"] = str(self.cache_dir)
        return env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([self.binary, *args, "--json"], env=self._env(), capture_output=True, text=True)
        if check and result.returncode != 0:
            raise ResticError(self._last_words(result.stderr) or f"restic {args[0]} exited with {result.returncode}")
        return result

    def stream(self, *args: str) -> Iterator[dict]:
        """restic's JSON messages, one by one, as it writes them."""
        process = subprocess.Popen([self.binary, *args, "--json"], env=self._env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            for line in process.stdout:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        yield json.loads(line)
                    except ValueError:
                        continue
            stderr = process.stderr.read()
        finally:
            returncode = process.wait()
        if returncode != 0:
            raise ResticError(self._last_words(stderr) or f"restic {args[0]} exited with {returncode}")

    @staticmethod
    def _last_words(stderr: str) -> str:
        lines = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
        fatal = [line for line in lines if line.startswith("Fatal:")]
        return (fatal[-1] if fatal else " ".join(lines[-3:]))[:1000]

    # -- the repository ------------------------------------------------------

    def exists(self) -> bool:
        return (self.path / "config").is_file()

    def init(self) -> None:
        self.run("init")

    def unlock(self) -> None:
        """Remove locks left by a restic process that is gone (a killed backup).

        Each restic command costs a key derivation (about a second): only called
        when the repository holds locks at all."""
        locks = self.path / "locks"
        if locks.is_dir() and any(locks.iterdir()):
            self.run("unlock")

    def snapshots(self, tags: list[str] | None = None) -> list[dict]:
        args = ["snapshots"]
        for tag in tags or ():
            args += ["--tag", tag]
        found = json.loads(self.run(*args).stdout or "[]") or []
        return sorted(found, key=lambda s: s["time"])

    def backup(self, paths: list[str], tags: list[str], parent: str | None = None, force: bool = False,
               progress: Callable[[dict], None] | None = None, time: str | None = None) -> BackupSummary:
        args = ["backup", "--host", "dossier", "-vv"]
        if time:  # "2026-12-01 01:00:00", local time: the snapshot's own time (tests of retention)
            args += ["--time", time]
        for tag in tags:
            args += ["--tag", tag]
        if force:
            args.append("--force")
        elif parent:
            args += ["--parent", parent]
        summary, read = None, 0
        for message in self.stream(*args, *paths):
            kind = message.get("message_type")
            if kind == "status" and progress:
                progress(message)
            elif kind == "verbose_status" and message.get("action") in ("new", "modified"):
                item = message.get("item", "")
                if not item.endswith("/"):
                    try:
                        read += os.stat(item).st_size
                    except OSError:
                        pass
            elif kind == "summary":
                summary = message
        if summary is None or not summary.get("snapshot_id"):
            raise ResticError("restic finished without reporting a snapshot")
        return BackupSummary(
            snapshot_id=summary["snapshot_id"], files_new=summary.get("files_new", 0),
            files_changed=summary.get("files_changed", 0), files_unmodified=summary.get("files_unmodified", 0),
            data_added=summary.get("data_added", 0), bytes_processed=summary.get("total_bytes_processed", 0),
            bytes_read=summary.get("total_bytes_processed", 0) if force else read,
            seconds=summary.get("total_duration", 0.0),
        )

    def restore(self, snapshot: str, target: str | Path, include: list[str] | None = None) -> None:
        args = ["restore", snapshot, "--target", str(target)]
        for path in include or ():
            args += ["--include", path]
        self.run(*args)

    def dump(self, snapshot: str, path: str) -> bytes:
        result = subprocess.run([self.binary, "dump", snapshot, path], env=self._env(), capture_output=True)
        if result.returncode != 0:
            raise ResticError(self._last_words(result.stderr.decode(errors="replace")))
        return result.stdout

    def check(self, read_data_subset: str | None = None) -> dict:
        """Run ``restic check``; return what it says it did (restic 0.14 has no JSON for it):
        the share of data packs it read and how many packs that was."""
        args = ["check"]
        if read_data_subset:
            args.append(f"--read-data-subset={read_data_subset}")
        output = self.run(*args).stdout
        if "no errors were found" not in output:
            raise ResticError("restic check did not report a clean repository")
        share = re.search(r"read ([\d.]+%) of data packs", output)
        packs = re.findall(r"(\d+) / (\d+) packs", output)
        return {"read_data": share.group(1) if share else "0%",
                "packs_read": int(packs[-1][0]) if share and packs else 0}

    def forget(self, snapshot_ids: list[str], prune: bool = True) -> None:
        if snapshot_ids:
            self.run("forget", *snapshot_ids, *(["--prune"] if prune else []))
