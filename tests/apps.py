"""The apps the tests run: throw-away databases, a test client whose every request has a
context of its own, signing in as a person does (second factor included), and an audit
trail on a database of its own. Fixtures built on them are in conftest.py."""

import contextvars
import os
import shutil
import uuid

from flask.testing import FlaskClient
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy_continuum import version_class, versioning_manager
from sqlalchemy_utils import create_database

from config import database_url

DEMO_PASSWORD = "Test-Pass-2026!"
ROLE_KEYS = (
    "clerk", "dept_head", "hr_reviewer", "archivist", "unit_head",
    "sysadmin", "secadmin", "auditor", "inspector", "official",
)



class Databases:
    """Creates throw-away databases of the kind this run is testing."""

    def __init__(self, tmp_path_factory):
        self.server = os.environ.get("DOSSIER_TEST_DATABASE_URL")
        self.tmp = tmp_path_factory
        self.created = []

    @property
    def kind(self):
        return "postgresql" if self.server else "sqlite"

    def new(self, name="dossier") -> str:
        if not self.server:
            return f"sqlite:///{self.tmp.mktemp(name) / 'dossier.db'}"
        url = database_url(self.server)
        base = url.rsplit("/", 1)[0]
        url = f"{base}/{name}_{uuid.uuid4().hex[:10]}"
        create_database(url)
        self.created.append(url)
        return url

    def drop_all(self):
        if not self.created:
            return
        server = create_engine(self.created[0].rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            for url in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        server.dispose()


class OwnContextClient(FlaskClient):
    """A test client whose every request runs as a server runs it: in a context of its own
    (its own application context, ``g`` and database session), not inside the test's.
    What the test set up reaches the request only if the test committed it."""

    def open(self, *args, **kwargs):
        from flask import has_app_context

        from models.db import db as _db

        test_session = _db.session if has_app_context() else None
        if test_session is not None:
            unsaved = [*test_session.new, *test_session.dirty, *test_session.deleted]
            assert not [o for o in unsaved if test_session.is_modified(o) or o not in test_session.dirty], \
                f"commit the test's setup before a request: {unsaved!r}"
        # Buffered: a streamed body (documents) is read, and its context closed, in there too.
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if test_session is not None:
            test_session.expire_all()  # the test reads what the request wrote, not its own old copy
        return response


# The test clamd's settings, given to every app the tests build.
SCANNER: dict = {}


def make_app(url, **overrides):
    """An app on ``url``; each database gets its own key store and audit checkpoints,
    as each production instance does (the same for every app on that database)."""
    import hashlib
    import tempfile
    from pathlib import Path

    from app import create_app

    keys = Path(tempfile.gettempdir()) / "dossier-test-keys" / hashlib.sha256(url.encode()).hexdigest()[:16]
    keys.mkdir(parents=True, exist_ok=True)
    application = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": None,
        "DOSSIER_KEYSTORE_URL": f"sqlite:///{keys / 'keystore.db'}",
        "DOSSIER_AUDIT_CHECKPOINT_FILE": str(keys / "audit-checkpoints.log"),
        # Tests sign in far more often than people do; the limit has tests of its own.
        "RATELIMIT_ENABLED": False,
        **SCANNER,
        **overrides,
    })
    application.test_client_class = OwnContextClient
    return application


def clean_dossiers(app) -> None:
    """Remove every dossier record, its history and workflow; accounts and roles stay."""
    from models.db import db as _db
    from models import (
        RECORD_MODELS, ChangeRequest, CollectionReceipt, Consultation, ConsultationApprover, ConsultationReading,
        DraftNotice, FixityProblem,
        FixityRun, Official, Quarantine, ReviewDecision, ScanRun,
    )

    with app.app_context():
        _db.session.rollback()
        _db.session.execute(delete(ReviewDecision.__table__))
        _db.session.execute(delete(DraftNotice.__table__))
        _db.session.execute(delete(FixityProblem.__table__))
        _db.session.execute(delete(FixityRun.__table__))
        _db.session.execute(delete(Quarantine.__table__))
        _db.session.execute(delete(ScanRun.__table__))
        _db.session.execute(delete(ConsultationReading.__table__))
        _db.session.execute(delete(ConsultationApprover.__table__))
        _db.session.execute(delete(Consultation.__table__))
        from models import AppraisalMark, CompletenessConfirmation, Hold, RetentionDue

        # Rows naming an official: SQLite without foreign keys would keep them, dangling.
        _db.session.execute(delete(CompletenessConfirmation.__table__))
        _db.session.execute(delete(RetentionDue.__table__))
        for model in (AppraisalMark, Hold):
            _db.session.execute(delete(version_class(model).__table__))
            _db.session.execute(delete(model.__table__))
        for model in (ChangeRequest, *reversed(RECORD_MODELS), CollectionReceipt, Official):
            _db.session.execute(delete(version_class(model).__table__))
            _db.session.execute(delete(model.__table__))
        _db.session.execute(delete(versioning_manager.transaction_cls.__table__))
        _db.session.commit()
        from security.keys import data_key, destroyed_key, keyring

        with keyring().engine.begin() as conn:
            conn.execute(delete(data_key))
            conn.execute(delete(destroyed_key))
        keyring()._cache.clear()
        keyring()._cached_at.clear()
        from models.storage import attachments

        shutil.rmtree(attachments.root(), ignore_errors=True)


# Authenticator secrets of the accounts that enrolled a second factor in this run, by
# (database, login): what the officer's phone would hold.
SECOND_FACTORS: dict[tuple[str, str], str] = {}


def sign_in(client, username: str, password: str = DEMO_PASSWORD):
    """Sign ``client`` in as a person would: the password, then the second factor where the
    account has one, enrolling one first where the account must (the three officers).

    Returns the password step's response; the second step is asserted to succeed."""
    import re

    import pyotp

    client.post("/logout/")
    response = client.post("/login/", data={"username": username, "password": password})
    if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
        return response
    app = client.application
    key = (app.config["SQLALCHEMY_DATABASE_URI"], username)
    landing = client.get("/", follow_redirects=False)
    where = landing.headers.get("Location", "") if landing.status_code == 302 else ""
    if "/account/verify" in where:
        _fresh_code_step(app, username)
        step = client.post("/account/verify", data={"code": pyotp.TOTP(SECOND_FACTORS[key]).now()})
        assert "/account/verify" not in step.headers.get("Location", ""), f"second factor of {username} refused"
    elif "/account/security" in where:
        page = client.get("/account/security").get_data(as_text=True)
        secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)
        enrolled = client.post("/account/security/enrol", data={"code": pyotp.TOTP(secret).now()})
        assert enrolled.status_code == 302, f"enrolment of {username} failed"
        SECOND_FACTORS[key] = secret
        _fresh_code_step(app, username)
    return response


def _fresh_code_step(app, username: str) -> None:
    """A code is good once per 30 s step: tests sign in far more often than that, so the
    account forgets the step it last used (the one-use rule has a test of its own)."""
    from sqlalchemy import update

    from models import AccountSecurity

    table = AccountSecurity.__table__
    with app.app_context():
        from models.db import db as _db

        users = app.appbuilder.sm.user_model.__table__
        with _db.engine.begin() as conn:
            user_id = conn.scalar(select(users.c.id).where(users.c.username == username))
            conn.execute(update(table).where(table.c.user_id == user_id).values(totp_last_step=None))


# --- an audit trail on a database of its own -----------------------------------------------

class Trail:
    """An app on a fresh, migrated database with audit keys of its own."""

    def __init__(self, databases, directory):
        self.url = databases.new("audit")
        self.kind = databases.kind
        self.overrides = {
            "DOSSIER_AUDIT_KEY_FILE": str(directory / "audit.key"),
            "DOSSIER_AUDIT_SIGNING_KEY_FILE": str(directory / "audit-signing.key"),
            "DOSSIER_AUDIT_CHECKPOINT_FILE": str(directory / "audit-checkpoints.log"),
        }
        self.checkpoint_file = directory / "audit-checkpoints.log"
        self.app = make_app(self.url, **self.overrides)
        self.context = self.app.app_context()
        self.context.push()
        import flask_migrate

        from models.db import db

        self.db = db
        flask_migrate.upgrade(directory=self.app.extensions["migrate"].directory, revision="heads")

    @property
    def session(self):
        return self.db.session

    def append(self, count, action="read", **fields):
        for i in range(count):
            from security import audit

            audit.record(action, object_type="official", object_id=str(i + 1), **fields)
        self.session.commit()

    def verify(self, **kwargs):
        from security import audit

        return audit.verify(self.session, **kwargs)

    def events(self):
        from security.audit_tables import AuditEvent

        return list(self.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))

    def as_attacker(self, *statements, **params):
        """Run SQL with the append-only triggers switched off, then switch them back on."""
        from tests.helpers import as_attacker

        as_attacker(self.db.engine, *statements, **params)

    def close(self):
        self.session.rollback()
        self.session.remove()
        self.db.engine.dispose()
        self.context.pop()
