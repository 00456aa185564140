"""The migrations run frozen code: a later change to the app cannot rewrite what they built."""

import ast
from datetime import date, datetime
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import text

from tests.apps import make_app

MIGRATIONS = Path(__file__).parents[2] / "migrations"
# The application's own packages: a migration importing one builds what that code says today.
LIVE = {"app", "models", "views", "security", "jobs", "config"}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module)
    return found


def test_no_migration_imports_the_applications_live_code():
    files = [*sorted((MIGRATIONS / "versions").glob("*.py")), *sorted((MIGRATIONS / "frozen").glob("*.py")),
             MIGRATIONS / "sections.py"]
    live = {path.name: sorted(m for m in imported_modules(path) if m.split(".")[0] in LIVE) for path in files}
    assert {name: modules for name, modules in live.items() if modules} == {}


def test_nothing_but_migrations_imports_the_frozen_code():
    root = MIGRATIONS.parent
    importers = [str(path.relative_to(root)) for package in sorted(LIVE - {"config"})
                 for path in (root / package).rglob("*.py")
                 if any(m.startswith("migrations") for m in imported_modules(path))]
    assert importers == []


@pytest.fixture
def at_0002(databases):
    application = make_app(databases.new("frozen"))
    with application.app_context():
        from models.db import db

        directory = application.extensions["migrate"].directory
        flask_migrate.upgrade(directory=directory, revision="0002")
        yield application, db, directory
        db.session.remove()
        db.engine.dispose()


def test_0003_encrypts_in_place_in_the_format_the_app_reads_and_0003_down_restores_it(at_0002):
    from security import crypto
    from security.keys import keyring

    application, db, directory = at_0002
    now = datetime(2026, 11, 25, 9, 0)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO department (id, code, name, is_hr) VALUES (1, 'D1', 'Office', false)"))
        conn.execute(text(
            "INSERT INTO official (id, name, gender, birth_date, department_id, status, source_channel, review_state, "
            "entered_at, changed_at, citizen_id, mobile) VALUES (7, 'Wang', '1', :born, 1, 'serving', 'hr', "
            "'approved', :now, :now, '11010519491231002X', '13800138000')"), {"born": date(1970, 1, 1), "now": now})
        conn.execute(text(
            "INSERT INTO sanction (id, kind, reason, deciding_body, decided_on, official_id, source_channel, "
            "review_state, entered_at, changed_at) VALUES (3, 'warning', 'late reports', 'Board', :on, 7, 'hr', "
            "'approved', :now, :now)"), {"on": date(2020, 5, 1), "now": now})
    flask_migrate.upgrade(directory=directory, revision="0003")
    with db.engine.connect() as conn:
        official = conn.execute(text("SELECT citizen_id, mobile, email, citizen_id_index FROM official")).one()
        reason = conn.execute(text("SELECT reason FROM sanction")).scalar()
    _version, key = keyring().dek(7)
    assert crypto.decrypt(key, bytes(official.citizen_id), crypto.field_aad("official", "citizen_id", 7, 7)) \
        == b"11010519491231002X"
    assert crypto.decrypt(key, bytes(official.mobile), crypto.field_aad("official", "mobile", 7, 7)) == b"13800138000"
    assert official.email is None
    assert official.citizen_id_index == keyring().blind_index("11010519491231002X")
    assert crypto.decrypt(key, bytes(reason), crypto.field_aad("sanction", "reason", 3, 7)) == b"late reports"

    flask_migrate.downgrade(directory=directory, revision="0002")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT citizen_id, mobile FROM official")).one() == ("11010519491231002X",
                                                                                      "13800138000")
        assert conn.execute(text("SELECT reason FROM sanction")).scalar() == "late reports"
