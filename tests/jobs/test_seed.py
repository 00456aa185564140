"""`flask dossier seed` creates valid, consistent demonstration dossiers."""

import pytest
from sqlalchemy import func, select
from sqlalchemy_continuum import version_class

from models import DOSSIER_MODELS, SECTIONS, Official
from models.validation import citizen_id_check_digit, errors_for, values_of
from tests.apps import ROLE_KEYS, make_app

PASSWORD = "Seed-Pass-2026!"


@pytest.fixture(scope="module")
def seeded(databases):
    application = make_app(databases.new("seed"))
    with application.app_context():
        from models.db import db
        from jobs.seed import seed
        from jobs.setup import initialise

        initialise()
        result = seed(150, PASSWORD, chunk=40)
        yield application, db, result
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def reseeded(databases):
    """A second, small seeded database for the tests that write to one, so that the
    read-only tests above see the seed as it was whatever the order."""
    application = make_app(databases.new("reseed"))
    with application.app_context():
        from models.db import db
        from jobs.seed import seed
        from jobs.setup import initialise

        initialise()
        seed(10, PASSWORD, chunk=4)
        yield application, db
        db.session.remove()
        db.engine.dispose()


def test_every_citizen_id_passes_the_check_digit(seeded):
    _, db, _ = seeded
    ids = [o.citizen_id for o in db.session.scalars(select(Official))]
    assert len(ids) == 150 == len(set(ids))
    assert all(citizen_id_check_digit(cid[:17]) == cid[17] for cid in ids)


def test_every_record_obeys_every_rule(seeded):
    _, db, result = seeded
    checked = 0
    for model in DOSSIER_MODELS:
        for record in db.session.scalars(select(model)):
            assert errors_for(model, values_of(record)) == [], (model.__name__, record.id)
            checked += 1
    assert checked == sum(result["counts"].values())
    assert checked / 150 >= 15  # a realistic dossier, not a stub


def test_every_section_has_material_and_names_are_realistic(seeded):
    _, db, result = seeded
    for model in SECTIONS:
        if model.__tablename__ not in ("sanction", "violation_record"):  # rare by design
            assert result["counts"][model.__tablename__] > 0, model.__name__
    names = db.session.scalars(select(Official.name)).all()
    assert any("·" in name for name in names), "two-part minority names are written with ·"
    assert len(set(db.session.scalars(select(Official.department_id)))) > 5


def test_version_tables_start_consistent(seeded):
    _, db, _ = seeded
    for model in DOSSIER_MODELS:
        rows = db.session.scalar(select(func.count()).select_from(model))
        versions = db.session.scalar(select(func.count()).select_from(version_class(model)))
        assert rows == versions, model.__name__


def test_versioning_carries_on_from_the_seeded_history(reseeded):
    """Continuum carries on from the seeded history as if it had written it."""
    _, db = reseeded
    official = db.session.scalars(select(Official).order_by(Official.id)).first()
    official.post = "二级巡视员"
    db.session.commit()
    history = official.versions.all()
    assert len(history) == 2
    assert history[0].end_transaction_id == history[1].transaction_id
    assert history[1].changeset["post"][1] == "二级巡视员"


def test_one_account_per_role_signs_in(seeded):
    application, db, _ = seeded
    client = application.test_client()
    for role in ROLE_KEYS:
        client.post("/logout/")
        response = client.post("/login/", data={"username": role, "password": PASSWORD})
        assert response.status_code == 302 and "/login" not in response.headers["Location"], role
    linked = db.session.scalars(select(Official).where(Official.account_id.is_not(None))).all()
    assert len(linked) == 1 and linked[0].account.username == "official"


def test_seeding_again_adds_without_collisions(reseeded):
    _, db = reseeded
    from jobs.seed import seed

    before = db.session.scalar(select(func.count()).select_from(Official))
    seed(20, PASSWORD, rng_seed=1, chunk=7)
    ids = [o.citizen_id for o in db.session.scalars(select(Official))]
    assert len(ids) == before + 20 == len(set(ids))


@pytest.mark.parametrize("today", ["2026-11-25", "2024-02-29", "2031-01-01"])
def test_thousands_of_generated_dossiers_obey_every_rule(app, today):
    """The generator, not just one seeded database: many dossiers on several days."""
    import random
    from datetime import date

    from jobs.seed import DossierFactory
    from models import BY_KEY

    day = date.fromisoformat(today)
    factory = DossierFactory(random.Random(today), [1, 2, 3], today=day)
    by_table = {m.__tablename__: m for m in BY_KEY.values()}
    with app.test_request_context():
        for _ in range(2000):
            dossier = factory.dossier()
            official = Official(**dossier.official)
            assert errors_for(Official, dossier.official, today=day) == []
            for table_name, rows in dossier.sections.items():
                for row in rows:
                    assert errors_for(by_table[table_name], {**row, "official": official}, today=day) == [], (table_name, row)
