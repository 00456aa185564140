"""0015 adds the post level, former names and the department tree in place, and goes back."""

import flask_migrate
from sqlalchemy import inspect

from tests.apps import make_app
from tests.migrations.test_sections import triggers


def columns(conn, table):
    return {c["name"] for c in inspect(conn).get_columns(table)}


def test_0015_adds_the_columns_keeps_the_triggers_and_goes_back(databases):
    app = make_app(databases.new("fields"))
    with app.app_context():
        from models.db import db

        directory = app.extensions["migrate"].directory
        flask_migrate.upgrade(directory=directory, revision="0014")
        with db.engine.connect() as conn:
            before = {t: triggers(conn, t) for t in ("department", "official", "work_experience")}
        assert all(before.values())
        flask_migrate.upgrade(directory=directory, revision="0015")
        with db.engine.connect() as conn:
            assert {"former_names", "former_names_keys"} <= columns(conn, "official") & columns(conn, "official_version")
            assert "post_level" in columns(conn, "work_experience") & columns(conn, "work_experience_version")
            assert "parent_id" in columns(conn, "department")
            keys = inspect(conn).get_foreign_keys("department")
            assert [(k["constrained_columns"], k["referred_table"]) for k in keys] == [(["parent_id"], "department")]
            assert {t: triggers(conn, t) for t in before} == before
        flask_migrate.downgrade(directory=directory, revision="0014")
        with db.engine.connect() as conn:
            assert "parent_id" not in columns(conn, "department")
            assert "former_names" not in columns(conn, "official") | columns(conn, "official_version")
            assert "post_level" not in columns(conn, "work_experience") | columns(conn, "work_experience_version")
            assert {t: triggers(conn, t) for t in before} == before
        flask_migrate.upgrade(directory=directory, revision="0015")
        db.session.remove()
        db.engine.dispose()
