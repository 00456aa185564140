"""Files the instance keeps beside its database: keys, the key store, the checkpoint log, keyrings.

They are readable by the app's operating-system account alone (0600), whatever
the process's umask, and a key file appears whole or not at all.
"""

import hashlib
import os
from pathlib import Path

PRIVATE = 0o600
READ_SIZE = 1024 * 1024


def _written_beside(path: Path, content: bytes, mode: int) -> Path:
    """``content`` on disk in a private temporary file next to ``path``, not yet visible."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def create_exclusive(path: Path, content: bytes, mode: int = PRIVATE) -> bool:
    """Write ``path`` atomically unless it exists: several workers may start at once,
    and none may read a half-written key or overwrite another's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _written_beside(path, content, mode)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink()


def replace_private(path: Path, content: bytes, mode: int = PRIVATE) -> None:
    """Write ``path`` whole, replacing what was there: a reader sees the old file or the new one."""
    os.replace(_written_beside(path, content, mode), path)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a mebibyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(READ_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists and only its owner can read or write it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE))
    if path.stat().st_mode & 0o077:
        path.chmod(PRIVATE)
    return path


def private_sqlite(url: str) -> None:
    """An SQLite database file named by ``url`` (sqlite:///path) is created private."""
    if url.startswith("sqlite:///") and url[len("sqlite:///"):] not in ("", ":memory:"):
        private_file(Path(url[len("sqlite:///"):]))
