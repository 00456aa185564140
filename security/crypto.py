"""The one encryption helper: AES-256-GCM, nothing home-made.

Fields:  version(1) ‖ key version(4) ‖ nonce(12) ‖ ciphertext ‖ tag(16), with
         associated data that binds the value to its place
         (``table|column|row id|official id|format version``), so a value copied
         to another row, column or official does not decrypt.
Files:   segmented AES-GCM, 1 MiB segments, since one-shot GCM cannot take more
         than 2 GiB and must not hold a 200 MB scan in memory. Nonce = 8-byte
         random file prefix ‖ 4-byte segment counter; the associated data carries
         the counter and a last-segment flag, so segments cannot be reordered,
         dropped or the file truncated unnoticed. SHA-256 of the plaintext and
         of the ciphertext are computed on the way through.
Keys:    data keys and file keys are wrapped by the key-encryption key with the same
         AEAD; a file's content key is derived (HKDF) from its file key and the
         official's data key.
"""

import hashlib
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT_VERSION = 1
NONCE_SIZE = 12
TAG_SIZE = 16
KEY_SIZE = 32
SEGMENT_SIZE = 1024 * 1024
_HEADER = struct.Struct(">BI")  # format version, key version
_FILE_HEADER = struct.Struct(">4sBI8s")  # magic, format version, key version, nonce prefix
FILE_MAGIC = b"DOSF"


class DecryptionError(Exception):
    """Ciphertext that does not authenticate: wrong key, wrong place, or tampered."""


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def file_content_key(file_key: bytes, data_key: bytes, key_id: int) -> bytes:
    """The key a stored file is encrypted under: HKDF-SHA256 of the file's own key, salted
    with the official's data key. Destroying the file key shreds that one file (§9.2);
    destroying the official's data key still shreds every file of the dossier."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=data_key,
                info=f"dossier file|{key_id}|{FORMAT_VERSION}".encode()).derive(file_key)


def field_aad(table: str, column: str, row_id, official_id) -> bytes:
    return f"{table}|{column}|{row_id}|{official_id}|{FORMAT_VERSION}".encode()


def encrypt(key: bytes, key_version: int, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return _HEADER.pack(FORMAT_VERSION, key_version) + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def key_version_of(blob: bytes) -> int:
    return _HEADER.unpack_from(blob)[1]


def decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    version, _key_version = _HEADER.unpack_from(blob)
    if version != FORMAT_VERSION:
        raise DecryptionError(f"unknown format version {version}")
    start = _HEADER.size
    nonce = blob[start:start + NONCE_SIZE]
    try:
        return AESGCM(key).decrypt(nonce, blob[start + NONCE_SIZE:], aad)
    except InvalidTag as error:
        raise DecryptionError("the value does not authenticate") from error


# ------------------------------------------------------------------ files


@dataclass
class StreamDigest:
    size: int
    plain_sha256: str
    cipher_sha256: str


def _segment_aad(aad: bytes, counter: int, last: bool) -> bytes:
    return aad + struct.pack(">I?", counter, last)


def encrypt_stream(key: bytes, key_version: int, source, sink, aad: bytes,
                   segment_size: int = SEGMENT_SIZE, limit: int | None = None) -> StreamDigest:
    """Encrypt ``source`` (a binary file object) into ``sink`` segment by segment.

    Raises ValueError("too large") as soon as more than ``limit`` bytes arrive, so
    an oversized upload is refused without being read to the end.
    """
    prefix = os.urandom(8)
    aead = AESGCM(key)
    plain_hash, cipher_hash = hashlib.sha256(), hashlib.sha256()
    header = _FILE_HEADER.pack(FILE_MAGIC, FORMAT_VERSION, key_version, prefix)
    sink.write(header)
    cipher_hash.update(header)
    size, counter = 0, 0
    segment = source.read(segment_size)
    while True:
        following = source.read(segment_size) if segment else b""
        last = not following
        size += len(segment)
        if limit is not None and size > limit:
            raise ValueError("too large")
        plain_hash.update(segment)
        nonce = prefix + struct.pack(">I", counter)
        sealed = aead.encrypt(nonce, segment, _segment_aad(aad, counter, last))
        sink.write(sealed)
        cipher_hash.update(sealed)
        if last:
            break
        segment, counter = following, counter + 1
    return StreamDigest(size, plain_hash.hexdigest(), cipher_hash.hexdigest())


def file_key_version(source) -> int:
    magic, version, key_version, _prefix = _FILE_HEADER.unpack(source.read(_FILE_HEADER.size))
    source.seek(0)
    if magic != FILE_MAGIC or version != FORMAT_VERSION:
        raise DecryptionError("not an encrypted dossier file")
    return key_version


def decrypt_stream(key: bytes, source, aad: bytes, segment_size: int = SEGMENT_SIZE):
    """Yield plaintext segments; raises DecryptionError on any tampering or truncation."""
    header = source.read(_FILE_HEADER.size)
    if len(header) != _FILE_HEADER.size:
        raise DecryptionError("truncated file header")
    magic, version, _key_version, prefix = _FILE_HEADER.unpack(header)
    if magic != FILE_MAGIC or version != FORMAT_VERSION:
        raise DecryptionError("not an encrypted dossier file")
    aead = AESGCM(key)
    sealed_size = segment_size + TAG_SIZE
    counter = 0
    sealed = source.read(sealed_size)
    while True:
        following = source.read(sealed_size) if sealed else b""
        last = not following
        nonce = prefix + struct.pack(">I", counter)
        try:
            yield aead.decrypt(nonce, sealed, _segment_aad(aad, counter, last))
        except InvalidTag as error:
            raise DecryptionError(f"segment {counter} does not authenticate") from error
        if last:
            return
        sealed, counter = following, counter + 1
