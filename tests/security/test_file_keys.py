"""Keys of single stored files (security.keys file_key): one per file, destroyed one at a
time with a tombstone, never taken for an official's key, re-wrapped with the KEK."""

import os

import pytest
from sqlalchemy import select, update

from security import crypto
from security.keys import KeyRing, ShreddedKey, data_key, file_key


@pytest.fixture
def ring(tmp_path):
    return KeyRing(os.urandom(32), f"sqlite:///{tmp_path / 'keystore.db'}")


def test_each_new_file_key_is_a_different_key_under_a_new_id(ring):
    (first_id, first), (second_id, second) = ring.new_file_key(), ring.new_file_key()
    assert first_id != second_id and first != second and len(first) == crypto.KEY_SIZE
    ring.cache_seconds = 0
    assert ring.file_key(first_id) == first and ring.file_key(second_id, fresh=True) == second
    assert ring.file_keys([second_id, first_id, 999]) == {first_id: first, second_id: second}


def test_a_destroyed_file_key_is_gone_with_a_tombstone_and_its_id_is_never_handed_out_again(ring):
    key_id, _key = ring.new_file_key()
    kept_id, kept = ring.new_file_key()
    # The newest id: SQLite would hand it out again without AUTOINCREMENT.
    assert ring.destroy_file_key(kept_id) is True
    with pytest.raises(ShreddedKey):
        ring.file_key(kept_id, fresh=True)
    assert ring.destroyed_file_keys() == {kept_id}
    assert ring.destroy_file_key(kept_id) is False  # once is enough; the tombstone stays one
    assert ring.file_keys([kept_id]) == {}
    again, _ = ring.new_file_key()
    assert again not in (key_id, kept_id)
    # The official's keys are another matter: their tombstones are their own.
    assert ring.destroyed() == set()


def test_a_file_key_cached_in_another_worker_is_refused_when_asked_fresh(ring, tmp_path):
    key_id, key = ring.new_file_key()
    other = KeyRing(ring.kek, str(ring.engine.url))
    assert other.file_key(key_id) == key
    ring.destroy_file_key(key_id)
    with pytest.raises(ShreddedKey):
        other.file_key(key_id, fresh=True)


def test_a_file_key_cannot_be_passed_off_as_an_officials_key(ring):
    """Wrapped under a label of its own: copied into data_key it does not unwrap."""
    key_id, _key = ring.new_file_key()
    with ring.engine.begin() as conn:
        wrapped = conn.scalar(select(file_key.c.wrapped).where(file_key.c.id == key_id))
        ring.dek(key_id, create=True)
        conn.execute(update(data_key).where(data_key.c.official_id == key_id).values(wrapped=wrapped))
    with pytest.raises(crypto.DecryptionError):
        ring.dek(key_id, fresh=True)


def test_rotation_rewraps_the_file_keys(ring):
    ring.dek(1, create=True)
    key_id, key = ring.new_file_key()
    new_kek = os.urandom(32)
    assert ring.rotate(new_kek) == 2
    reopened = KeyRing(new_kek, str(ring.engine.url))
    assert reopened.file_key(key_id) == key


def test_the_content_key_needs_both_the_file_key_and_the_officials_key():
    own, dek, other = crypto.new_key(), crypto.new_key(), crypto.new_key()
    key = crypto.file_content_key(own, dek, 7)
    assert key == crypto.file_content_key(own, dek, 7)
    assert key not in (own, dek, crypto.file_content_key(own, other, 7), crypto.file_content_key(other, dek, 7),
                       crypto.file_content_key(own, dek, 8))
