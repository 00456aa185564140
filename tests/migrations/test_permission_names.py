"""An upgraded instance keeps every grant when screens' permissions take their section key or menu name."""

import json

import flask_migrate
from sqlalchemy import text

from tests.apps import make_app


def test_grants_on_a_section_screen_move_to_its_section_key_with_their_ids(databases):
    app = make_app(databases.new("rename"))
    with app.app_context():
        from models.db import db

        directory = app.extensions["migrate"].directory
        flask_migrate.upgrade(directory=directory, revision="0010")
        with db.engine.begin() as conn:
            run = lambda sql, **p: conn.execute(text(sql), p)  # noqa: E731
            run("INSERT INTO ab_permission (id, name) VALUES (1, 'can_list'), (2, 'menu_access')")
            # As FAB left them: the screen's permissions on its class name, its menu item on the key.
            run("INSERT INTO ab_view_menu (id, name) VALUES (1, 'TrainingView'), (2, 'training'), (3, 'ReceiptView')")
            run("INSERT INTO ab_permission_view (id, permission_id, view_menu_id) VALUES (10, 1, 1), (11, 2, 2), (12, 1, 3)")
            run("INSERT INTO ab_role (id, name) VALUES (5, 'clerk')")
            run("INSERT INTO ab_permission_view_role (id, permission_view_id, role_id) VALUES (1, 10, 5), (2, 11, 5)")
            run("INSERT INTO ab_user (id, first_name, last_name, username, email, active) "
                "VALUES (1, 'a', 'b', 'secadmin', 'a@b', true)")
            run("INSERT INTO permission_request (id, kind, target_id, target_name, before, proposed, state, "
                "requested_by_id, requested_at) VALUES (1, 'role_permissions', 5, 'clerk', '[11]', '[10, 11]', "
                "'pending', 1, CURRENT_TIMESTAMP)")
            if conn.dialect.name == "postgresql":
                # The ids above were given by hand: FAB's sequences go on after them, as they would.
                for table in ("ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
                              "ab_permission_view_role", "ab_user", "permission_request"):
                    run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")

        flask_migrate.upgrade(directory=directory, revision="0014")
        with db.engine.connect() as conn:
            pairs = set(conn.execute(text(
                "SELECT pv.id, p.name, v.name FROM ab_permission_view pv JOIN ab_permission p ON p.id = pv.permission_id "
                "JOIN ab_view_menu v ON v.id = pv.view_menu_id")).all())
            grants = set(conn.scalars(text("SELECT permission_view_id FROM ab_permission_view_role WHERE role_id = 5")))
            proposed = json.loads(conn.scalar(text("SELECT proposed FROM permission_request WHERE id = 1")))
            names = set(conn.scalars(text("SELECT name FROM ab_view_menu")))
        assert pairs == {(10, "can_list", "training"), (11, "menu_access", "training"), (12, "can_list", "collection_register")}
        assert grants == {10, 11} and proposed == [10, 11]
        assert "TrainingView" not in names

        flask_migrate.downgrade(directory=directory, revision="0010")
        with db.engine.connect() as conn:
            pairs = set(conn.execute(text(
                "SELECT pv.id, p.name, v.name FROM ab_permission_view pv JOIN ab_permission p ON p.id = pv.permission_id "
                "JOIN ab_view_menu v ON v.id = pv.view_menu_id")).all())
        assert pairs == {(10, "can_list", "TrainingView"), (11, "menu_access", "training"), (12, "can_list", "ReceiptView")}
        db.session.remove()
        db.engine.dispose()
