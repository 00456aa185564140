"""Encryption at rest (§6.1.1): what a stolen copy of the database does not reveal."""

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, text

from models import Official
from models.encryption import SHREDDED, TAMPERED
from models.integrity_file import IntegrityReport
from models.rewards import Sanction
from security import crypto
from security.keys import KeyError_, keyring
from tests.apps import make_app
from tests.helpers import sample_rows

SECRET_SUMMARY = "廉政报告机密内容甲乙丙"
SECRET_REASON = "处分原因机密内容丁戊己"


@pytest.fixture
def secrets(db, factory, make_official, make_record):
    official_row, _ = sample_rows(factory)["integrity_report"]
    official = make_official(**official_row)
    make_record(IntegrityReport, official=official, summary=SECRET_SUMMARY,
                submitted_on=official.work_start_date)
    make_record(Sanction, official=official, reason=SECRET_REASON, decided_on=official.work_start_date,
                ends_on=None)
    return official, [official.citizen_id, official.mobile, official.email, SECRET_SUMMARY, SECRET_REASON]


def database_copy(app, databases) -> bytes:
    """What someone who copies the database gets: the SQLite file (and its journal), or a pg_dump."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if databases.kind == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists())
    name = url.rsplit("/", 1)[1]
    assert shutil.which("pg_dump"), "pg_dump is needed to check what a dump holds"
    return subprocess.run(["pg_dump", "-h", "127.0.0.1", "-p", "5432", name], check=True,
                          capture_output=True).stdout


def encodings(value: str) -> dict[str, list[bytes]]:
    """The forms a value takes in a copy: its bytes, hex (pg_dump writes bytea so), base64
    (at each of the three alignments it can start on inside longer data), JSON-escaped."""
    raw = value.encode()
    inner = []
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)
        # Drop the characters shared with the bytes around the value.
        start = (shift * 4 + 2) // 3 + (1 if shift else 0)
        inner.append(encoded[start:len(encoded) - 4])
    return {"raw": [raw], "hex": [raw.hex().encode(), raw.hex().upper().encode()], "base64": inner,
            "json": [json.dumps(value).strip('"').encode()]}


def leaks(copy: bytes, secrets: dict[str, str]) -> dict[str, list[str]]:
    """Which secrets appear in the copy, and in which forms."""
    found = {}
    lowered = copy.lower()
    for where, value in secrets.items():
        forms = [kind for kind, variants in encodings(value).items()
                 for variant in variants if variant in copy or (kind == "hex" and variant.lower() in lowered)]
        if forms:
            found[where] = sorted(set(forms))
    return found


@pytest.fixture
def every_secret(db, factory, make_official, make_record, make_material, make_user):
    """A value in every column the models mark sensitive, and in a pending change request,
    a TOTP secret and an audited update: what a stolen copy must not reveal."""
    import uuid

    import pyotp

    from models import DOSSIER_MODELS, SECTIONS, Material
    from models.encryption import sensitive_fields
    from models.workflow import route_edit
    from security import accounts

    def marker(where):
        return f"机密{where}{uuid.uuid4().hex[:12]}"

    found = {}
    official = make_official()
    for name in sensitive_fields(Official):
        found[f"official.{name}"] = getattr(official, name)
    for model in SECTIONS:
        fields = sensitive_fields(model)
        if fields:
            values = {name: marker(f"{model.__tablename__}.{name}") for name in fields}
            make_record(model, **values)
            found.update({f"{model.__tablename__}.{name}": value for name, value in values.items()})
    found["material.file_name"] = marker("material.file_name")
    make_material(official, file_name=found["material.file_name"] + ".pdf")
    covered = {m for m in DOSSIER_MODELS if sensitive_fields(m)}
    assert covered == {Official, Material, *(m for m in SECTIONS if sensitive_fields(m))}

    # A pending change of an approved sanction's reason: the proposal and the value it replaces.
    editor = make_user("hr_reviewer")
    found["change_request.original"] = marker("change_request.original")
    sanction_id = make_record(Sanction, reason=found["change_request.original"]).id
    db.session.expire_all()
    sanction = db.session.get(Sanction, sanction_id)  # as the edit form loads it
    found["change_request.proposed"] = marker("change_request.proposed")
    sanction.reason = found["change_request.proposed"]
    request = route_edit(db.session, sanction, editor)
    db.session.commit()
    assert request.id and json.loads(request.proposed)
    # An audited update of contact details (the trail names fields, never values).
    official.mobile = "13912345678"
    found["official.mobile (updated)"] = official.mobile
    db.session.commit()
    user = make_user("clerk")
    found["account_security.totp_secret"] = pyotp.random_base32()
    accounts.enable_totp(db.session, user, found["account_security.totp_secret"])
    db.session.commit()
    return official, found


def test_no_sensitive_value_is_in_a_copy_of_the_database_in_any_form(app, db, databases, every_secret):
    official, secrets = every_secret
    copy = database_copy(app, databases)
    assert official.name.encode() in copy  # the copy is real: unencrypted fields are there
    assert leaks(copy, secrets) == {}
    keystore = Path(keyring().engine.url.database).read_bytes()
    assert leaks(keystore, secrets) == {}


def test_the_search_finds_every_value_when_encryption_is_switched_off(app, db, databases, factory, make_official,
                                                                      make_record, make_material, make_user,
                                                                      monkeypatch, request):
    """The test above can fail: with AES-GCM replaced by the identity, every value is found."""
    monkeypatch.setattr(crypto, "encrypt", lambda key, version, plaintext, aad: plaintext)
    monkeypatch.setattr(crypto, "decrypt", lambda key, blob, aad: bytes(blob))
    _official, secrets = request.getfixturevalue("every_secret")
    found = leaks(database_copy(app, databases), secrets)
    assert set(found) == set(secrets)
    if databases.kind == "postgresql":
        assert all("hex" in forms for forms in found.values())  # pg_dump writes bytea as hex


def test_the_search_sees_base64_and_json_escapes():
    value = "机密内容abc"
    for prefix in (b"", b"x", b"xy"):
        assert leaks(base64.b64encode(prefix + value.encode() + b"tail"), {"v": value}) == {"v": ["base64"]}
    assert leaks(json.dumps({"k": value}).encode(), {"v": value}) == {"v": ["json"]}
    assert leaks(b"nothing here", {"v": value}) == {}


def test_values_read_back_for_those_allowed(db, secrets, login_as):
    official, values = secrets
    db.session.expire_all()
    again = db.session.get(Official, official.id)
    assert [again.citizen_id, again.mobile, again.email] == values[:3]
    page = login_as("hr_reviewer").get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert values[0] in page


def test_a_value_moved_to_another_row_does_not_decrypt(db, secrets, make_official):
    official, values = secrets
    other = make_official()
    stolen = db.session.scalar(select(Official.__table__.c.mobile).where(Official.__table__.c.id == official.id))
    db.session.execute(Official.__table__.update().where(Official.__table__.c.id == other.id).values(mobile=stolen))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Official, other.id).mobile is TAMPERED


def test_a_value_moved_between_rows_of_the_same_official_does_not_decrypt(db, secrets, make_record):
    """Same data key, other row: only the row bound into the associated data stops it."""
    official, _values = secrets
    other = make_record(Sanction, official=official, reason="另一处分原因", decided_on=official.work_start_date,
                        ends_on=None)
    table = Sanction.__table__
    stolen = db.session.scalar(select(table.c.reason).where(table.c.official_id == official.id,
                                                             table.c.id != other.id))
    db.session.execute(table.update().where(table.c.id == other.id).values(reason=stolen))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Sanction, other.id).reason is TAMPERED


def test_after_the_data_key_is_destroyed_content_cannot_be_read_and_says_so(db, secrets, login_as, make_official):
    official, values = secrets
    bystander = make_official()
    assert keyring().destroy(official.id)
    db.session.expire_all()
    shredded = db.session.get(Official, official.id)
    assert shredded.citizen_id is SHREDDED and shredded.email is SHREDDED
    assert db.session.get(Official, bystander.id).mobile  # other officials are unaffected
    page = login_as("hr_reviewer").get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert "密钥已销毁" in page
    for value in values:
        assert value not in page


def test_a_wrong_kek_stops_start_up_with_a_clear_message(app, databases):
    wrong = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(KeyError_) as refused:
        make_app(app.config["SQLALCHEMY_DATABASE_URI"], DOSSIER_KEK=wrong)
    assert "does not open this key store" in str(refused.value)


def test_production_refuses_to_start_without_a_kek(databases, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_INSTANCE_DIR", str(tmp_path))
    with pytest.raises(KeyError_) as refused:
        make_app(databases.new("prod"), DOSSIER_ENV="production", SECRET_KEY="a-real-secret",
                 DOSSIER_KEYSTORE_URL=f"sqlite:///{tmp_path / 'ks.db'}")
    assert "DOSSIER_KEK_FILE" in str(refused.value)


def test_kek_rotation_keeps_everything_readable(databases, tmp_path):
    url = databases.new("rotate")
    old_file, new_file = tmp_path / "old.key", tmp_path / "new.key"
    for path in (old_file, new_file):
        path.write_bytes(base64.b64encode(os.urandom(32)))
    settings = {"DOSSIER_KEYSTORE_URL": f"sqlite:///{tmp_path / 'keystore.db'}"}
    first = make_app(url, DOSSIER_KEK_FILE=str(old_file), **settings)
    with first.app_context():
        from models.db import db
        from jobs.seed import seed
        from jobs.setup import initialise

        initialise()
        seed(5, "Rotate-Pass-2026!")
        before = {o.id: (o.citizen_id, o.mobile) for o in db.session.scalars(select(Official))}
        sealed = db.session.execute(text("SELECT citizen_id FROM official ORDER BY id")).scalars().all()
        result = first.test_cli_runner().invoke(args=["dossier", "kek", "rotate", "--new-kek-file", str(new_file)])
        assert result.exit_code == 0, result.output
        assert "re-wrapped 5 data keys" in result.output
        # Content was not touched: only the key store changed.
        assert db.session.execute(text("SELECT citizen_id FROM official ORDER BY id")).scalars().all() == sealed
        db.session.remove()
        db.engine.dispose()

    rotated = make_app(url, DOSSIER_KEK_FILE=str(new_file), **settings)
    with rotated.app_context():
        from models.db import db

        after = {o.id: (o.citizen_id, o.mobile) for o in db.session.scalars(select(Official))}
        db.session.remove()
        db.engine.dispose()
    assert after == before
    with pytest.raises(KeyError_):
        make_app(url, DOSSIER_KEK_FILE=str(old_file), **settings)


def test_files_round_trip_in_segments_and_tampering_is_caught(tmp_path):
    import io

    key = crypto.new_key()
    data = os.urandom(3 * 1024 * 1024 + 17)
    sealed = io.BytesIO()
    digest = crypto.encrypt_stream(key, 1, io.BytesIO(data), sealed, b"attachment|1", segment_size=1024 * 1024)
    assert digest.size == len(data)
    sealed.seek(0)
    assert b"".join(crypto.decrypt_stream(key, sealed, b"attachment|1", segment_size=1024 * 1024)) == data
    damaged = bytearray(sealed.getvalue())
    damaged[-100] ^= 1
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream(key, io.BytesIO(bytes(damaged)), b"attachment|1", segment_size=1024 * 1024))
    truncated = sealed.getvalue()[: -(1024 * 1024 // 2)]
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_stream(key, io.BytesIO(truncated), b"attachment|1", segment_size=1024 * 1024))
    with pytest.raises(ValueError):
        crypto.encrypt_stream(key, 1, io.BytesIO(data), io.BytesIO(), b"x", limit=1024)
