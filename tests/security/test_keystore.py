"""A key store that is missing or unreadable at start-up stops the app with a sentence, not garbage."""

import base64
import os

import pytest

from security.keys import KeyError_
from tests.apps import make_app


@pytest.fixture
def kek_file(tmp_path):
    path = tmp_path / "kek.key"
    path.write_bytes(base64.b64encode(os.urandom(32)))
    return path


def test_production_refuses_a_missing_key_store_instead_of_starting_an_empty_one(databases, tmp_path, kek_file,
                                                                               monkeypatch):
    monkeypatch.setenv("DOSSIER_INSTANCE_DIR", str(tmp_path))
    missing = tmp_path / "gone" / "keystore.db"
    with pytest.raises(KeyError_) as refused:
        make_app(databases.new("ks"), DOSSIER_ENV="production", SECRET_KEY="a-real-secret",
                 DOSSIER_KEK_FILE=str(kek_file), DOSSIER_KEYSTORE_URL=f"sqlite:///{missing}")
    assert f"The key store {missing} does not exist" in str(refused.value)
    assert not missing.exists()


def test_an_unreadable_key_store_is_named_with_what_to_check(databases, tmp_path, kek_file, monkeypatch):
    monkeypatch.setenv("DOSSIER_INSTANCE_DIR", str(tmp_path))
    damaged = tmp_path / "keystore.db"
    damaged.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(KeyError_) as refused:
        make_app(databases.new("ks"), DOSSIER_KEK_FILE=str(kek_file), DOSSIER_KEYSTORE_URL=f"sqlite:///{damaged}")
    message = str(refused.value)
    assert message.startswith(f"The key store sqlite:///{damaged} cannot be opened")
    assert "DOSSIER_KEYSTORE_URL" in message
