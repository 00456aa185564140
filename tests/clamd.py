"""A real ClamAV daemon for the tests, on a unix socket under a temporary directory.

Its signature database is written here, never downloaded: the MD5 of the EICAR
test string (a whole-file hash, ``.hdb``) and the EICAR string as a body pattern
(``.ndb``), so the test file is also found behind a PDF header. clamd runs in the
foreground as a child of the test run and is stopped at its end.
"""

import hashlib
import subprocess
import time
from pathlib import Path

from models.storage.scanner import Clamd

# The standard anti-virus test file (eicar.org): harmless, detected by every scanner.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!H+H*"
EICAR_HDB = "Dossier.Test.EICAR-File"
EICAR_NDB = "Dossier.Test.EICAR-Body"

CONFIG = """\
LocalSocket {socket}
DatabaseDirectory {database}
Foreground yes
LogFile {directory}/clamd.log
PidFile {directory}/clamd.pid
TemporaryDirectory {directory}
StreamMaxLength {stream_max}
MaxFileSize 300M
MaxScanSize 300M
MaxThreads 4
"""


class TestClamd:
    def __init__(self, directory: Path, stream_max: str = "300M"):
        self.directory = directory
        self.database = directory / "db"
        self.socket = str(directory / "clamd.sock")
        self.config = directory / "clamd.conf"
        self.process = None
        self.started_in = None
        self.database.mkdir(parents=True, exist_ok=True)
        (self.database / "dossier-test.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:{EICAR_HDB}\n")
        (self.database / "dossier-test.ndb").write_text(f"{EICAR_NDB}:0:*:{EICAR.hex()}\n")
        self.config.write_text(CONFIG.format(socket=self.socket, database=self.database, directory=directory,
                                            stream_max=stream_max))

    def start(self) -> None:
        started = time.perf_counter()
        self.process = subprocess.Popen(["clamd", "--foreground", f"--config-file={self.config}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Clamd(self.socket, timeout=5)
        deadline = time.monotonic() + 60
        while not client.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (self.directory / "clamd.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"clamd did not start:\n{log}")
            time.sleep(0.01)
        self.started_in = time.perf_counter() - started

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
