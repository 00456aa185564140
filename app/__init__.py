"""Application factory: ``flask --app app …`` from the repository root."""

import logging
import os
from pathlib import Path

from flask import Flask

from flask_appbuilder import AppBuilder

import models
from models.db import db
from security import audit, audit_hooks, checkpointing, grants, keys, scope, unit_time

from .extensions import csrf, migrate

BASE_DIR = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


class ConfigurationError(RuntimeError):
    pass


def check_configuration(config) -> None:
    """Refuse a configuration that cannot work, and production with the development defaults."""
    from models.storage.formats import FORMATS

    unknown = set(config.get("ATTACHMENT_TYPES", ())) - set(FORMATS)
    if unknown:
        raise ConfigurationError(f"ATTACHMENT_TYPES names unknown formats: {', '.join(sorted(unknown))} "
                                 f"(known: {', '.join(FORMATS)})")
    if config.get("SECRET_KEY") in PUBLISHED_SECRETS:
        raise ConfigurationError("SECRET_KEY is a published value that anyone can sign sessions with: "
                                 "leave it unset (a random one is created for this instance) or set a random secret.")
    if config.get("DOSSIER_ENV") == "production":
        if not config.get("SECRET_KEY"):
            raise ConfigurationError("SECRET_KEY is not set: set a random secret for production.")
        if not config.get("CLAMD_REQUIRED", True):
            raise ConfigurationError("CLAMD_REQUIRED is off: production never accepts an unscanned upload.")
        if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            log.warning("Production is running on the embedded SQLite database.")


# Secrets printed in earlier releases and in FAB's examples: a cookie signed with one
# of them would open the app without a password.
PUBLISHED_SECRETS = {"development-only-secret-change-me", r"\2\1thisismyscretkey\1\2\e\y\y\h", "changeme",
                     "secret", "dev"}


def instance_secret(app) -> str:
    """Outside production, the instance's own random session key, created on first run."""
    import secrets

    from security.files import create_exclusive

    path = Path(app.instance_path) / "secret.key"
    if create_exclusive(path, secrets.token_urlsafe(48).encode() + b"\n"):
        log.warning("Created a session signing key for this instance at %s.", path)
    return path.read_text(encoding="utf-8").strip()


def install_hooks() -> None:
    """The session hooks of the domain and of the audit trail, for every session of the
    process. Idempotent: tests, and a restore test, build several apps in one process."""
    models.install_hooks(current_scope=scope.current)
    audit.use_session(db.session)
    audit_hooks.install()
    checkpointing.install()
    grants.install()


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("DOSSIER_INSTANCE_DIR", str(BASE_DIR / "instance")))
    app.config.from_object("config")
    if os.environ.get("DOSSIER_CONFIG"):
        app.config.from_envvar("DOSSIER_CONFIG")
    app.config.update(overrides or {})
    check_configuration(app.config)
    unit_time.init_app(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = app.config["ATTACHMENT_MAX_BYTES"] + 1024 * 1024
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # The pool of this process: its size follows the threads that may use it.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_size": app.config["DATABASE_POOL_SIZE"], "max_overflow": app.config["DATABASE_MAX_OVERFLOW"],
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from security.files import private_sqlite

    private_sqlite(app.config["SQLALCHEMY_DATABASE_URI"])

    install_hooks()
    # The keys first: a wrong key-encryption key must stop start-up, not produce garbage.
    keys.init_app(app)
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

    from security import session_guard

    session_guard.init_app(app)
    if app.config.get("DOSSIER_BEHIND_PROXY"):
        from security.proxy import TrustedProxyFix

        app.wsgi_app = TrustedProxyFix(app.wsgi_app, app.config["DOSSIER_TRUSTED_PROXIES"])

    from .cli import dossier

    app.cli.add_command(dossier)
    # Jobs sit below the application and never import it; a restore builds the restored
    # instance with the factory that built this one.
    app.extensions["dossier_app_factory"] = create_app
    return app
