"""Sensitive fields encrypted at rest with each official's data key (§6.1.1)

Existing plaintext is encrypted in place (current rows and their versions), so
the migration runs inside the app, where the key ring is: ``flask dossier init``
or ``flask db upgrade``. The field format (AES-256-GCM, format version 1, the
associated data binding a value to its place) and the blind index are frozen here
as this revision wrote them; only the installation's key store is reached through
its interface (``dek``, ``index_key``), since the keys belong to the installation,
not to the schema.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

"""
import hashlib
import hmac
import os
import struct

from alembic import op
import sqlalchemy as sa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SENSITIVE = {
    "official": ["citizen_id", "office_phone", "mobile", "email"],
    "sanction": ["reason"],
    "integrity_report": ["summary"],
    "integrity_risk": ["risk_point", "controls"],
    "violation_record": ["description", "handling"],
    "personal_matter_report": ["content"],
    "change_request": ["proposed", "original"],
}


# The field format of this revision: version(1) ‖ key version(4) ‖ nonce(12) ‖ ciphertext ‖ tag(16).
FORMAT_VERSION = 1
NONCE_SIZE = 12
_HEADER = struct.Struct(">BI")


def _field_aad(table, column, row_id, official_id) -> bytes:
    return f"{table}|{column}|{row_id}|{official_id}|{FORMAT_VERSION}".encode()


def _encrypt(key, key_version, plaintext, aad) -> bytes:
    nonce = os.urandom(NONCE_SIZE)
    return _HEADER.pack(FORMAT_VERSION, key_version) + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _decrypt(key, blob, aad) -> bytes:
    version, _key_version = _HEADER.unpack_from(blob)
    if version != FORMAT_VERSION:
        raise ValueError(f"unknown format version {version}")
    nonce = blob[_HEADER.size:_HEADER.size + NONCE_SIZE]
    return AESGCM(key).decrypt(nonce, blob[_HEADER.size + NONCE_SIZE:], aad)


def _blind_index(ring, value: str) -> str:
    return hmac.new(ring.index_key, value.encode(), hashlib.sha256).hexdigest()


def _tables():
    for table, columns in SENSITIVE.items():
        for stored in (table, f"{table}_version"):
            yield table, stored, columns


def _convert(bind, live, stored, columns, to_cipher: bool):
    """Rewrite every value of ``columns`` into the ``__new`` columns, row by row."""
    from flask import current_app

    # The installation's key store, as the app opened it (security.keys.init_app).
    ring = current_app.extensions["dossier_keyring"]
    official = "id" if live == "official" else "official_id"
    keys = ["id"] + (["transaction_id"] if stored.endswith("_version") else [])
    t = sa.table(stored, *[sa.column(c) for c in {*keys, official, *columns, *(f"{c}__new" for c in columns)}],
                 *( [sa.column("citizen_id_index")] if live == "official" else []))
    rows = bind.execute(sa.select(*[t.c[c] for c in {*keys, official, *columns}])).mappings().all()
    for row in rows:
        version, key = ring.dek(row[official], create=True)
        values = {}
        for column in columns:
            value = row[column]
            aad = _field_aad(live, column, row["id"], row[official])
            if value is None:
                values[f"{column}__new"] = None
            elif to_cipher:
                values[f"{column}__new"] = _encrypt(key, version, str(value).encode(), aad)
            else:
                values[f"{column}__new"] = _decrypt(key, bytes(value), aad).decode()
        if live == "official" and to_cipher:
            values["citizen_id_index"] = _blind_index(ring, row["citizen_id"]) if row["citizen_id"] else None
        bind.execute(sa.update(t).where(*[t.c[k] == row[k] for k in keys]).values(**values))


def _swap(stored, columns):
    with op.batch_alter_table(stored, schema=None) as batch_op:
        for column in columns:
            batch_op.drop_column(column)
    with op.batch_alter_table(stored, schema=None) as batch_op:
        for column in columns:
            batch_op.alter_column(f"{column}__new", new_column_name=column)


def upgrade():
    bind = op.get_bind()
    for live, stored, columns in _tables():
        with op.batch_alter_table(stored, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(sa.Column(f"{column}__new", sa.LargeBinary(), nullable=True))
            if live == "official":
                batch_op.add_column(sa.Column("citizen_id_index", sa.String(length=64), nullable=True))
        _convert(bind, live, stored, columns, to_cipher=True)
        _swap(stored, columns)
    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_official_citizen_id_index", ["citizen_id_index"])


def downgrade():
    bind = op.get_bind()
    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.drop_constraint("uq_official_citizen_id_index", type_="unique")
    for live, stored, columns in _tables():
        with op.batch_alter_table(stored, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(sa.Column(f"{column}__new", sa.Text(), nullable=True))
        _convert(bind, live, stored, columns, to_cipher=False)
        _swap(stored, columns)
        if live == "official":
            with op.batch_alter_table(stored, schema=None) as batch_op:
                batch_op.drop_column("citizen_id_index")
