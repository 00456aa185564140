"""The completeness check over many dossiers (models.completeness.check): what it finds in
each dossier, whatever the chunk, and a number of statements that does not grow with the
dossiers checked (the citizen IDs' data keys come from the key store a chunk at a time)."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from models import Official, completeness
from security.keys import keyring
from tests.benchmarks.test_query_counts import Counter

OFFICIAL = Official.__table__


def _behind_the_app(db, official, **values):
    db.session.execute(update(OFFICIAL).where(OFFICIAL.c.id == official.id).values(**values))
    db.session.commit()


@pytest.fixture
def dossiers(db, make_official):
    """Dossiers whose identity findings are known: one consistent, one each wrong."""
    made = {name: make_official() for name in ("good", "born", "sex", "shredded", "moved", "member", "no_id")}
    born = made["born"].birth_date
    _behind_the_app(db, made["born"], birth_date=born - timedelta(days=1))
    _behind_the_app(db, made["sex"], gender="2" if made["sex"].gender == "1" else "1")
    # Another official's ciphertext does not authenticate here (it is bound to its row).
    moved = db.session.scalar(select(OFFICIAL.c.citizen_id).where(OFFICIAL.c.id == made["good"].id))
    _behind_the_app(db, made["moved"], citizen_id=moved)
    _behind_the_app(db, made["member"], political_status="01", party_join_date=None)
    _behind_the_app(db, made["no_id"], citizen_id=None)
    keyring().destroy(made["shredded"].id)
    ids = {name: official.id for name, official in made.items()}
    expected = {
        "good": [], "no_id": [], "member": [],
        "born": [{"problem": "birth_date", "id_date": born.isoformat(),
                  "recorded": (born - timedelta(days=1)).isoformat()}],
        "sex": [{"problem": "gender"}],
        "shredded": [{"problem": "unreadable"}],
        "moved": [{"problem": "unreadable"}],
    }
    return ids, expected


def _of_kind(results, kind) -> dict:
    return {official_id: [f.values for f in found if f.kind == kind] for official_id, found in results}


@pytest.mark.parametrize("chunk", [1, 3, completeness.CHUNK])
def test_each_dossier_gets_its_own_findings_whatever_the_chunk(db, dossiers, chunk):
    ids, expected = dossiers
    results = list(completeness.check(db.session, chunk=chunk))
    assert [official_id for official_id, _ in results] == sorted(ids.values())
    assert _of_kind(results, "identity") == {ids[name]: found for name, found in expected.items()}
    party = _of_kind(results, "party_standing")
    assert party[ids["member"]] == [{"problem": "no_join_date"}]
    # Nothing else in these dossiers was filed: every required section is reported empty.
    assert all(f.kind != "missing_class" for _, found in results for f in found)
    assert {len([f for f in found if f.kind == "missing_section"]) for _, found in results} \
        == {len(completeness.REQUIRED)}


def test_a_chunk_decrypts_with_the_same_results_as_the_dossier_page(db, dossiers):
    ids, _expected = dossiers
    whole = dict(completeness.check(db.session))
    one_by_one = {oid: completeness.findings_of(completeness.load_facts(db.session, [oid])[0], completeness.limits())
                  for oid in ids.values()}
    assert whole == one_by_one


def _statements(db, work) -> int:
    with Counter(db.engine) as main, Counter(keyring().engine) as keys:
        work()
    return main.count + keys.count


def test_the_statements_of_a_chunk_do_not_grow_with_its_dossiers(db, make_official, monkeypatch):
    # A worker's key cache is cold for most dossiers of a full check: none is kept here.
    monkeypatch.setattr(keyring(), "cache_seconds", 0)

    def run():
        completeness.summarise(completeness.check(db.session))
        db.session.rollback()

    for _ in range(2):
        make_official()
    run()  # statements compiled, as on any run after the first
    few = _statements(db, run)
    for _ in range(6):
        make_official()
    assert _statements(db, run) == few
