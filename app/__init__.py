"""Application factory: ``flask --app app …`` from the repository root."""

import logging
import os
from pathlib import Path

from flask import Flask, g

from flask_appbuilder import AppBuilder

from .extensions import csrf, db, migrate

BASE_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    pass


def check_configuration(config) -> None:
    """Refuse a configuration that cannot work, and production with the development defaults."""
    from storage.formats import FORMATS

    unknown = set(config.get("ATTACHMENT_TYPES", ())) - set(FORMATS)
    if unknown:
        raise ConfigurationError(f"ATTACHMENT_TYPES names unknown formats: {', '.join(sorted(unknown))} "
                                 f"(known: {', '.join(FORMATS)})")
    if config.get("DOSSIER_ENV") == "production":
        if config.get("SECRET_KEY") in (None, "", config.get("DEFAULT_SECRET_KEY")):
            raise ConfigurationError(
                "SECRET_KEY is the development default: set a random secret for production."
            )
        if not config.get("CLAMD_REQUIRED", True):
            raise ConfigurationError("CLAMD_REQUIRED is off: production never accepts an unscanned upload.")
        if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            log.warning("Production is running on the embedded SQLite database.")


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("DOSSIER_INSTANCE_DIR", str(BASE_DIR / "instance")))
    app.config.from_object("config")
    if os.environ.get("DOSSIER_CONFIG"):
        app.config.from_envvar("DOSSIER_CONFIG")
    app.config.update(overrides or {})
    check_configuration(app.config)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = app.config["ATTACHMENT_MAX_BYTES"] + 1024 * 1024
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    import models  # noqa: F401  (maps and versions every table before FAB starts)

    # The keys first: a wrong key-encryption key must stop start-up, not produce garbage.
    from security import keys

    keys.init_app(app)
    from security import audit

    audit.init_app(app)
    db.init_app(app)
    # Every POST is checked, the workflow's own forms included, not only FAB's.
    csrf.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        from views import register_views

        register_views(appbuilder)
        appbuilder.post_init()

    def _fresh_request_state():
        # Per-request state (the signed-in user Flask-Login caches, workflow flags,
        # the department scope) must never outlive its request, even where an
        # application context is shared between requests (the test client).
        for name in ("_login_user", "user", "dossier_scope", "change_request", "_dossier_reach",
                     "_closed_materials", "_dossier_grants", "_queue_counts", "form_official_id"):
            g.pop(name, None)

    # First of all hooks: FAB's own hook reads the user into g.user.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_state)

    @app.teardown_request
    def _discard_uncommitted(_error):
        # A refused write (a view's pre_update raising) leaves its changes in the
        # session; they must never ride along with the next request's commit.
        db.session.rollback()

    from security import session_guard

    session_guard.init_app(app)
    if app.config.get("DOSSIER_BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

    from .cli import dossier

    app.cli.add_command(dossier)
    return app
