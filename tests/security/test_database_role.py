"""The database account the app runs as cannot rewrite its own audit trail.

On PostgreSQL, the documented production roles (README, docs/postgresql-app-role.sql):
the owner migrates, the app role owns nothing and cannot switch the append-only
triggers off, delete or change events. On SQLite, the embedded default, the database
is a file only the app's operating-system account can open, and the triggers refuse
the app's own connection.
"""

import stat
import uuid
from pathlib import Path

from sqlalchemy import create_engine, exc, text

from tests.apps import make_app

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = (
    "SET session_replication_role = replica",
    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
    "DELETE FROM audit_event",
    "UPDATE audit_event SET action = 'login'",
)


def refuses(engine, statement) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    except exc.DBAPIError:
        return True
    return False


def _appends_and_verifies(app) -> None:
    with app.app_context():
        from models.db import db
        from security import audit

        audit.record("read", actor="role-check", object_type="official", object_id="1")
        db.session.commit()
        assert audit.verify(db.session).ok
        db.session.remove()
        db.engine.dispose()


def test_the_apps_database_account_cannot_rewrite_the_audit_trail(databases, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_INSTANCE_DIR", str(tmp_path))
    settings = {"DOSSIER_KEYSTORE_URL": f"sqlite:///{tmp_path / 'ks.db'}",
                "DOSSIER_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.log")}
    if databases.kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'dossier.db'}"
        app = make_app(url, **settings)
        with app.app_context():
            from jobs.setup import initialise

            initialise()
        _appends_and_verifies(app)
        assert stat.S_IMODE((tmp_path / "dossier.db").stat().st_mode) == 0o600
        engine = create_engine(url)
        assert all(refuses(engine, s) for s in FORBIDDEN[2:])
        engine.dispose()
        return

    suffix = uuid.uuid4().hex[:8]
    owner, role = f"dossier_owner_{suffix}", f"dossier_app_{suffix}"
    from config import database_url

    server = create_engine(database_url(databases.server).rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    name = f"dossier_role_{suffix}"
    with server.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} LOGIN"))
        conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER {owner}'))
    base = server.url.set(database=name)
    owner_url = base.set(username=owner).render_as_string(hide_password=False)
    app_url = base.set(username=role).render_as_string(hide_password=False)
    try:
        migrator = make_app(owner_url, **settings)
        with migrator.app_context():
            from models.db import db
            from jobs.setup import initialise

            initialise()
            grants = (ROOT / "docs" / "postgresql-app-role.sql").read_text(encoding="utf-8")
            with db.engine.begin() as conn:
                conn.exec_driver_sql(grants.replace("dossier_owner", owner).replace("dossier_app", role))
            db.session.remove()
            db.engine.dispose()
        _appends_and_verifies(make_app(app_url, **settings))
        engine = create_engine(app_url)
        refused = [s for s in FORBIDDEN if refuses(engine, s)]
        engine.dispose()
        assert refused == list(FORBIDDEN)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {owner}"))
        server.dispose()
