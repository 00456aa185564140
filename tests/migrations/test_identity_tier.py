"""An upgraded instance keeps every grant of reading identifiers in clear, now the identity tier."""

import json

import flask_migrate
from sqlalchemy import text

from tests.apps import make_app

PAIRS = ("SELECT pv.id, p.name, v.name FROM ab_permission_view pv JOIN ab_permission p ON p.id = pv.permission_id "
         "JOIN ab_view_menu v ON v.id = pv.view_menu_id")


def test_grants_of_clear_identifiers_move_to_the_identity_tier_with_their_ids(databases):
    app = make_app(databases.new("identity"))
    with app.app_context():
        from models.db import db

        directory = app.extensions["migrate"].directory
        flask_migrate.upgrade(directory=directory, revision="0021")
        with db.engine.begin() as conn:
            run = lambda sql, **p: conn.execute(text(sql), p)  # noqa: E731
            run("INSERT INTO ab_permission (id, name) VALUES (1, 'can_identifiers'), (2, 'can_identifiers_clear')")
            run("INSERT INTO ab_view_menu (id, name) VALUES (1, 'roster')")
            run("INSERT INTO ab_permission_view (id, permission_id, view_menu_id) VALUES (10, 1, 1), (11, 2, 1)")
            run("INSERT INTO ab_role (id, name) VALUES (5, 'hr_reviewer'), (6, 'archivist')")
            run("INSERT INTO ab_permission_view_role (id, permission_view_id, role_id) VALUES (1, 10, 5), (2, 11, 5)")
            run("INSERT INTO ab_user (id, first_name, last_name, username, email, active) "
                "VALUES (1, 'a', 'b', 'secadmin', 'a@b', true)")
            # A pending request to give the archivist the clear identifiers.
            run("INSERT INTO permission_request (id, kind, target_id, target_name, before, proposed, state, "
                "requested_by_id, requested_at) VALUES (1, 'role_permissions', 6, 'archivist', '[]', '[11]', "
                "'pending', 1, CURRENT_TIMESTAMP)")
            if conn.dialect.name == "postgresql":
                for table in ("ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
                              "ab_permission_view_role", "ab_user", "permission_request"):
                    run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")

        flask_migrate.upgrade(directory=directory, revision="0024")
        with db.engine.connect() as conn:
            pairs = set(conn.execute(text(PAIRS)).all())
            grants = set(conn.scalars(text("SELECT permission_view_id FROM ab_permission_view_role WHERE role_id = 5")))
            proposed = json.loads(conn.scalar(text("SELECT proposed FROM permission_request WHERE id = 1")))
            permissions = set(conn.scalars(text("SELECT name FROM ab_permission")))
        assert pairs == {(10, "can_identifiers", "roster"), (11, "can_read_clear", "identity_fields")}
        assert grants == {10, 11} and proposed == [11]
        assert "can_identifiers_clear" not in permissions

        flask_migrate.downgrade(directory=directory, revision="0021")
        with db.engine.connect() as conn:
            pairs = set(conn.execute(text(PAIRS)).all())
            views = set(conn.scalars(text("SELECT name FROM ab_view_menu")))
        assert pairs == {(10, "can_identifiers", "roster"), (11, "can_identifiers_clear", "roster")}
        assert "identity_fields" not in views
        db.session.remove()
        db.engine.dispose()
