"""Many officials' data keys unwrapped together (security.keys.KeyRing.deks): the same keys
as one by one, none for a destroyed key, and one key-store statement per batch."""

import os

import pytest
from sqlalchemy import event

from security.keys import KeyRing


@pytest.fixture
def ring(tmp_path):
    return KeyRing(os.urandom(32), f"sqlite:///{tmp_path / 'keystore.db'}")


def statements(ring, work) -> int:
    count = [0]

    def one(*args):
        count[0] += 1

    event.listen(ring.engine, "before_cursor_execute", one)
    try:
        work()
    finally:
        event.remove(ring.engine, "before_cursor_execute", one)
    return count[0]


def test_the_batch_gives_each_official_the_key_they_have_one_by_one(ring):
    made = ring.create_many(range(1, 8))
    ring.destroy(3)
    ring.cache_seconds = 0  # nothing from the cache: every key unwrapped from the store
    found = ring.deks([5, 1, 3, 7, 99, 5])
    assert found == {i: made[i] for i in (1, 5, 7)}
    assert found == {i: ring.dek(i) for i in (1, 5, 7)}


def test_one_statement_per_batch_whatever_the_officials(ring):
    ring.create_many(range(1, 41))
    ring.cache_seconds = 0
    assert statements(ring, lambda: ring.deks(range(1, 4))) == 1
    assert statements(ring, lambda: ring.deks(range(1, 41))) == 1
    ring.batch_size = 16
    assert statements(ring, lambda: ring.deks(range(1, 41))) == 3


def test_cached_keys_are_not_asked_again_and_stale_ones_are(ring):
    ring.create_many(range(1, 6))  # cached as they are made
    assert statements(ring, lambda: ring.deks(range(1, 6))) == 0
    ring.cache_seconds = 0
    assert statements(ring, lambda: ring.deks(range(1, 6))) == 1
