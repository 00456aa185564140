"""0016 adds material.file_key_id in place (both tables, indexed), keeps the triggers, and goes back."""

import flask_migrate
from sqlalchemy import inspect

from tests.apps import make_app
from tests.migrations.test_fields import columns
from tests.migrations.test_sections import triggers


def test_0016_adds_the_file_key_column_keeps_the_triggers_and_goes_back(databases):
    app = make_app(databases.new("filekeys"))
    with app.app_context():
        from models.db import db

        directory = app.extensions["migrate"].directory
        flask_migrate.upgrade(directory=directory, revision="0015")
        with db.engine.connect() as conn:
            before = {t: triggers(conn, t) for t in ("material", "material_version")}
        assert all(before.values())
        flask_migrate.upgrade(directory=directory, revision="0016")
        with db.engine.connect() as conn:
            for table in before:
                assert "file_key_id" in columns(conn, table)
                assert ["file_key_id"] in [i["column_names"] for i in inspect(conn).get_indexes(table)]
            assert {t: triggers(conn, t) for t in before} == before
        flask_migrate.downgrade(directory=directory, revision="0015")
        with db.engine.connect() as conn:
            assert not any("file_key_id" in columns(conn, t) for t in before)
            assert {t: triggers(conn, t) for t in before} == before
        db.session.remove()
        db.engine.dispose()
