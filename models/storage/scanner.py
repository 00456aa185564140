"""A client of ClamAV's daemon (§6.2.2 防病毒), over its documented socket protocol.

Commands are sent in the null-terminated form (``zCOMMAND\\0``). A scan is
``INSTREAM``: the bytes go in chunks, each prefixed by its length as a 4-byte
big-endian integer, ended by a zero length, so a 200 MB scan never sits whole
in memory on either side. clamd answers ``stream: OK``, ``stream: <name> FOUND``
or ``… ERROR``.

``CLAMD_SOCKET`` is a unix socket path, or ``tcp://host:port``.
"""

import socket
import struct
from dataclasses import dataclass
from typing import Iterable

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd cannot be reached, or could not finish the scan."""


class ScanLimit(ScannerUnavailable):
    """clamd refused a stream longer than its StreamMaxLength."""


class TooLarge(Exception):
    """The file is longer than the scan was allowed to read."""


@dataclass(frozen=True)
class Verdict:
    # None when clean; otherwise the signature clamd names.
    signature: str | None

    @property
    def clean(self) -> bool:
        return self.signature is None


class Clamd:
    def __init__(self, address: str, timeout: float = 120.0):
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        try:
            if self.address.startswith("tcp://"):
                host, _sep, port = self.address[len("tcp://"):].rpartition(":")
                sock = socket.create_connection((host, int(port)), timeout=self.timeout)
            else:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                sock.connect(self.address)
            return sock
        except (OSError, ValueError) as error:
            raise ScannerUnavailable(f"clamd at {self.address}: {error}") from error

    @staticmethod
    def _reply(sock: socket.socket) -> str:
        data = bytearray()
        while not data.endswith(b"\0"):
            block = sock.recv(4096)
            if not block:
                break
            data += block
        return data.rstrip(b"\0").decode("utf-8", "replace").strip()

    def command(self, name: str) -> str:
        try:
            with self._connect() as sock:
                sock.sendall(b"z" + name.encode() + b"\0")
                return self._reply(sock)
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self.address}: {error}") from error

    def ping(self) -> bool:
        try:
            return self.command("PING") == "PONG"
        except ScannerUnavailable:
            return False

    def version(self) -> str:
        """``ClamAV 1.4.6/27100/Tue Dec  1 08:00:00 2026``: engine, signature version and date
        (just the engine when only local signatures are loaded)."""
        return self.command("VERSION")

    def reload(self) -> str:
        return self.command("RELOAD")

    def scan_chunks(self, chunks: Iterable[bytes]) -> Verdict:
        """Stream ``chunks`` to clamd; split here so no chunk is larger than ``CHUNK``."""
        sock = self._connect()
        try:
            sock.sendall(b"zINSTREAM\0")
            for chunk in chunks:
                view = memoryview(chunk)
                for start in range(0, len(view), CHUNK):
                    part = view[start:start + CHUNK]
                    sock.sendall(struct.pack(">I", len(part)))
                    sock.sendall(part)
            sock.sendall(struct.pack(">I", 0))
            reply = self._reply(sock)
        except (BrokenPipeError, ConnectionResetError) as error:
            # clamd answers and closes the stream early when it exceeds its StreamMaxLength.
            reply = self._last_words(sock)
            if not reply:
                raise ScannerUnavailable(f"clamd at {self.address} ended the scan: {error}") from error
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self.address}: {error}") from error
        finally:
            sock.close()
        return parse_reply(reply)

    @classmethod
    def _last_words(cls, sock) -> str:
        try:
            return cls._reply(sock)
        except OSError:
            return ""

    def scan_file(self, source, limit: int | None = None) -> Verdict:
        """Scan a seekable binary file from its start; leaves it at 0. A file longer
        than ``limit`` is not read past it: TooLarge."""
        source.seek(0)

        def chunks():
            read = 0
            while block := source.read(CHUNK):
                read += len(block)
                if limit is not None and read > limit:
                    raise TooLarge()
                yield block

        try:
            return self.scan_chunks(chunks())
        finally:
            source.seek(0)


def parse_reply(reply: str) -> Verdict:
    _name, _sep, result = reply.partition(": ")
    if result == "OK":
        return Verdict(None)
    if result.endswith(" FOUND"):
        return Verdict(result[: -len(" FOUND")])
    if "size limit exceeded" in reply:
        raise ScanLimit(f"clamd refused the stream: {reply} (raise its StreamMaxLength)")
    raise ScannerUnavailable(f"clamd could not scan: {reply or 'no answer'}")
