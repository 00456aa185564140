"""`flask dossier init` builds the schema from the migrations and is safe to repeat."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from sqlalchemy import MetaData, select

from tests.apps import make_app


@pytest.fixture
def fresh_app(databases):
    application = make_app(databases.new("init"))
    yield application
    with application.app_context():
        from models.db import db

        db.session.remove()
        db.engine.dispose()


def snapshot(db) -> dict:
    """Every row of every table, as sorted tuples."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    with db.engine.connect() as conn:
        return {name: sorted(map(tuple, conn.execute(select(table)).all()), key=repr)
                for name, table in meta.tables.items()}


def test_models_and_migrations_do_not_drift(fresh_app):
    from models.db import db
    from jobs.setup import initialise

    with fresh_app.app_context():
        initialise()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Model.metadata)
    assert diff == [], "models changed without an Alembic migration: " + repr(diff)


def test_init_twice_changes_nothing(fresh_app):
    from models.db import db
    from jobs.setup import initialise

    with fresh_app.app_context():
        first = initialise()
        assert first.changed and first.code_items_added > 0
        before = snapshot(db)
        second = initialise()
        after = snapshot(db)
    assert not second.changed
    assert before == after
    assert len(before["ab_role"]) == 12  # ten product roles, FAB's Admin and Public


def test_init_keeps_grants_the_security_administrator_added(fresh_app):
    from models.db import db
    from jobs.setup import initialise

    with fresh_app.app_context():
        initialise()
        sm = fresh_app.appbuilder.sm
        inspector = sm.find_role("inspector")
        extra = sm.find_permission_view_menu("can_list", "work_experience")
        sm.add_permission_role(inspector, extra)
        initialise()
        db.session.expire_all()
        assert extra in sm.find_role("inspector").permissions


def test_init_creates_a_database_that_is_not_there(databases):
    """``dossier init`` on a server (or a path) where the database does not exist yet."""
    from sqlalchemy_utils import database_exists, drop_database

    url = databases.new("absent")
    if databases.kind == "postgresql":
        drop_database(url)
    assert not database_exists(url)
    application = make_app(url)
    try:
        result = application.test_cli_runner().invoke(args=["dossier", "init"])
        assert result.exit_code == 0, result.output
        assert "database initialised" in result.output and database_exists(url)
    finally:
        with application.app_context():
            from models.db import db

            db.session.remove()
            db.engine.dispose()
