"""Shared fixtures: one migrated database per run, an account per role, data factories.

The suite runs on SQLite by default. With ``DOSSIER_TEST_DATABASE_URL`` naming a
PostgreSQL server (e.g. ``postgresql://127.0.0.1:5432/test``) it creates a fresh
database on that server for the run and drops it afterwards; a server that
cannot be reached fails the run, it never skips.
"""

import contextvars
import io
import os
import random
import shutil
import uuid

import pytest
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


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory)
    yield dbs
    dbs.drop_all()


class OwnContextClient(FlaskClient):
    """A test client whose every request runs as a server runs it: in a context of its own
    (its own application context, ``g`` and database session), not inside the test's.
    What the test set up reaches the request only if the test committed it."""

    def open(self, *args, **kwargs):
        from flask import has_app_context

        from app.extensions import db as _db

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


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """A real clamd for the whole run: every upload is scanned by it (tests.clamd)."""
    from tests.clamd import TestClamd

    daemon = TestClamd(tmp_path_factory.mktemp("clamd"))
    daemon.start()
    _SCANNER.update(CLAMD_SOCKET=daemon.socket, CLAMD_DATABASE_DIR=str(daemon.database))
    yield daemon
    daemon.stop()


# The test clamd's settings, given to every app the tests build.
_SCANNER: dict = {}


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
        **_SCANNER,
        **overrides,
    })
    application.test_client_class = OwnContextClient
    return application


@pytest.fixture(scope="session")
def app(databases, tmp_path_factory, clamd):
    """The app on a database built by the migrations, with roles and one account per role."""
    os.environ.setdefault("DOSSIER_INSTANCE_DIR", str(tmp_path_factory.mktemp("instance")))
    application = make_app(databases.new())
    with application.app_context():
        from jobs.seed import ensure_accounts, ensure_departments
        from jobs.setup import initialise

        initialise()
        ensure_departments()
        ensure_accounts(DEMO_PASSWORD)
    yield application
    with application.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db(app):
    from app.extensions import db as _db

    with app.app_context():
        yield _db
        _db.session.rollback()


def clean_dossiers(app) -> None:
    """Remove every dossier record, its history and workflow; accounts and roles stay."""
    from app.extensions import db as _db
    from models import (
        RECORD_MODELS, ChangeRequest, CollectionReceipt, Consultation, ConsultationReading, FixityProblem, FixityRun,
        Official, Quarantine, ReviewDecision, ScanRun,
    )

    with app.app_context():
        _db.session.rollback()
        _db.session.execute(delete(ReviewDecision.__table__))
        _db.session.execute(delete(FixityProblem.__table__))
        _db.session.execute(delete(FixityRun.__table__))
        _db.session.execute(delete(Quarantine.__table__))
        _db.session.execute(delete(ScanRun.__table__))
        _db.session.execute(delete(ConsultationReading.__table__))
        _db.session.execute(delete(Consultation.__table__))
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


@pytest.fixture(autouse=True)
def _clean_dossiers(request):
    """Each test starts with no dossiers and no history."""
    yield
    if "app" in request.fixturenames:
        clean_dossiers(request.getfixturevalue("app"))


@pytest.fixture
def client(app):
    return app.test_client()


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
        from app.extensions import db as _db

        users = app.appbuilder.sm.user_model.__table__
        with _db.engine.begin() as conn:
            user_id = conn.scalar(select(users.c.id).where(users.c.username == username))
            conn.execute(update(table).where(table.c.user_id == user_id).values(totp_last_step=None))


@pytest.fixture
def login_as(client):
    """``login_as("clerk")`` signs the test client in as that role's account."""

    def _login(role: str, password: str = DEMO_PASSWORD):
        response = sign_in(client, role, password)
        assert response.status_code == 302, f"login as {role} failed"
        return client

    return _login


@pytest.fixture
def users(db):
    from flask import current_app

    return {key: current_app.appbuilder.sm.find_user(username=key) for key in ROLE_KEYS}


@pytest.fixture
def departments(db):
    from models import Department

    return list(db.session.scalars(select(Department).order_by(Department.code)))


@pytest.fixture
def factory(db, departments):
    """Valid, consistent dossier data (the seed's generator with a fixed random seed)."""
    from jobs.seed import DossierFactory

    return DossierFactory(random.Random(7), [d.id for d in departments])


@pytest.fixture
def make_official(db, factory):
    """Insert an official through the ORM (so versioned, validated) and return it."""
    from models import Official

    def _make(department_code="D01", **overrides):
        """In D01 unless told: the department of the demo clerk and department head."""
        from models import Department

        values = factory.official()
        values.update(overrides)
        values["department_id"] = db.session.scalar(select(Department.id).where(Department.code == department_code))
        official = Official(**values)
        db.session.add(official)
        db.session.commit()
        return official

    return _make


@pytest.fixture
def make_record(db, factory, make_official):
    """An approved record of ``model``, as the dossier of record holds it.

    Without ``official`` a fitting official is created from the same generated
    dossier; with one, the caller makes sure the dates fit.
    """
    from tests.helpers import sample_rows

    def _make(model, official=None, **overrides):
        official_row, row = sample_rows(factory)[model.__tablename__]
        if official is None:
            official = make_official(**official_row)
        values = {k: v for k, v in row.items() if k != "official_id"}
        values.update(review_state="approved", **overrides)
        record = model(official=official, **values)
        db.session.add(record)
        db.session.commit()
        return record

    return _make


@pytest.fixture
def make_material(db, make_official):
    """A filed document: its file stored encrypted, its catalogue entry approved unless told."""
    from datetime import date

    from models import Material
    from models.storage import attachments
    from tests import documents

    def _make(official=None, content: bytes | None = None, material_class="1", **overrides):
        official = official or make_official()
        content = documents.pdf(2) if content is None else content
        stored = attachments.put(io.BytesIO(content), official.id, db.session)
        values = dict(title="干部履历表", formed_on=date(2020, 5, 1), forming_unit="市委组织部",
                      review_state="approved", media_type=stored.format.media_type, size=stored.size,
                      content_sha256=stored.content_sha256, stored_sha256=stored.stored_sha256,
                      page_count=stored.page_count, file_name="履历表.pdf")
        values.update(overrides)
        material = Material(official=official, material_class=material_class, **values)
        db.session.add(material)
        db.session.commit()
        return material

    return _make


@pytest.fixture
def make_user(db):
    """An extra account with a role and, optionally, a department (by code)."""
    from flask import current_app

    from models import Department, StaffDepartment

    created = []

    def _make(role: str, department_code: str | None = None):
        sm = current_app.appbuilder.sm
        name = f"{role}_{uuid.uuid4().hex[:8]}"
        user = sm.add_user(name, name, "测试", f"{name}@dossier.local", sm.find_role(role), DEMO_PASSWORD)
        if department_code:
            department = db.session.scalar(select(Department).where(Department.code == department_code))
            db.session.add(StaffDepartment(user_id=user.id, department_id=department.id))
            db.session.commit()
        created.append(user.id)
        return user

    yield _make
    # The users' work references them: clear it first (the databases enforce the keys).
    clean_dossiers(current_app._get_current_object())
    from sqlalchemy import or_

    from models import AccountSecurity, PasswordHistory, PermissionRequest

    for user_id in created:
        db.session.execute(delete(PermissionRequest.__table__).where(or_(
            PermissionRequest.requested_by_id == user_id, PermissionRequest.decided_by_id == user_id,
            PermissionRequest.kind.in_(("user_roles", "user_departments", "second_factor_reset"))
            & (PermissionRequest.target_id == user_id))))
        for table in (StaffDepartment.__table__, AccountSecurity.__table__, PasswordHistory.__table__):
            db.session.execute(delete(table).where(table.c.user_id == user_id))
        user = db.session.get(current_app.appbuilder.sm.user_model, user_id)
        if user is not None:
            user.roles = []
            db.session.delete(user)
    db.session.commit()


@pytest.fixture
def draft_of(db):
    """A draft record entered by ``author``: the item every review test moves."""

    def _draft(record, author):
        record.review_state = "draft"
        record.entered_by_id = author.id
        db.session.add(record)
        db.session.commit()
        return record

    return _draft


@pytest.fixture
def backup_targets(app, db, tmp_path):
    """Two backup targets (separate media and an off-site copy) in fresh directories.

    Restore tests read back all of the repository's data, so a corrupted pack is
    always found."""
    from models import BackupChange, BackupCopy, BackupRun, RestoreTest

    keys = ("DOSSIER_BACKUP_TARGETS", "BACKUP_STAGING_DIR", "RESTORE_TEST_DIR", "RESTORE_TEST_READ_DATA",
            "DOSSIER_BACKUP_PASSWORD_FILE")
    saved = {key: app.config.get(key) for key in keys}
    targets = [tmp_path / "media", tmp_path / "offsite"]
    for target in targets:
        target.mkdir()
    app.config.update(
        DOSSIER_BACKUP_TARGETS=[str(t) for t in targets], BACKUP_STAGING_DIR=str(tmp_path / "staging"),
        RESTORE_TEST_DIR=str(tmp_path / "scratch"), RESTORE_TEST_READ_DATA="100%",
        DOSSIER_BACKUP_PASSWORD_FILE=str(tmp_path / "backup-repository.key"),
    )
    yield targets
    app.config.update(saved)
    db.session.rollback()
    for model in (RestoreTest, BackupCopy, BackupRun, BackupChange):
        db.session.execute(delete(model.__table__))
    db.session.commit()


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

        from app.extensions import db

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
        from models.audit import AuditEvent

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


@pytest.fixture
def trail(databases, tmp_path):
    made = Trail(databases, tmp_path)
    yield made
    made.close()


@pytest.fixture
def real_rows(db, users, make_official, make_record, make_material):
    """One real, committed row behind every kind of id a route takes, in the clerk's and
    department head's department (D01): an approved record of every section, a document,
    a collection-register entry, the `official` account's own dossier, a consultation grant
    open now for every role that may consult, a pending permission request and a group.
    Returns ids by table name (and ``grants`` by role), each checked to exist."""
    from datetime import date, timedelta

    from flask_appbuilder.security.sqla.models import Group

    from models import SECTIONS, CollectionReceipt, Consultation, PermissionRequest
    from models.career import WorkExperience

    ids = {}
    for model in SECTIONS:
        ids[model.__tablename__] = make_record(model).id
    me = make_official(account_id=users["official"].id)
    ids["official"] = me.id
    ids["own_work_experience"] = make_record(WorkExperience, official=me, start_date=me.work_start_date,
                                             end_date=None).id
    ids["material"] = make_material(me).id
    receipt = CollectionReceipt(official_id=me.id, section_key="work_experience", provider="市委组织部",
                                received_on=date.today() - timedelta(days=1), entered_by_id=users["clerk"].id)
    subject = make_official(department_code="D03")
    ids["subject_material"] = make_material(subject).id
    grants = {}
    for role in ("clerk", "dept_head", "hr_reviewer", "archivist", "unit_head", "inspector"):
        grant = Consultation(applicant_id=users[role].id, official_id=subject.id, purpose="干部考察",
                             sections="work_experience,material", valid_from=date.today(),
                             valid_until=date.today() + timedelta(days=7), state="approved")
        db.session.add(grant)
        grants[role] = grant
    request = PermissionRequest(kind="user_roles", target_id=users["inspector"].id, target_name="inspector",
                                before="[]", proposed="[]", requested_by_id=users["secadmin"].id)
    group = Group(name=f"group_{uuid.uuid4().hex[:8]}", label="测试组")
    db.session.add_all([receipt, request, group])
    db.session.commit()
    ids.update(collection_receipt=receipt.id, permission_request=request.id, ab_group=group.id,
               consultation=grants["clerk"].id, consultation_subject=subject.id)
    ids["grants"] = {role: grant.id for role, grant in grants.items()}
    from jobs.inspection.period import Period
    from jobs.inspection.report import generate
    from models.inspection import FourPropertyRun, InspectionReport, RectificationItem

    report = generate(Period(date.today(), date.today()), "command")
    check_run = FourPropertyRun(trigger="command", ok=True)
    item = RectificationItem(report_id=report.id, finding_key="content.completeness", title="整改", state="open",
                             assigned_role="hr_reviewer", due_on=date.today() + timedelta(days=7))
    db.session.add_all([check_run, item])
    db.session.commit()
    ids.update(inspection_report=report.id, four_property_run=check_run.id, rectification_item=item.id)
    # The premise of every check: these rows are really there, committed, for any other session.
    from sqlalchemy import create_engine

    engine = create_engine(db.engine.url)
    with engine.connect() as conn:
        for table in (*(m.__tablename__ for m in SECTIONS), "collection_receipt", "permission_request", "ab_group"):
            assert conn.execute(text(f"SELECT count(*) FROM {table} WHERE id = :id"), {"id": ids[table]}).scalar() == 1
    engine.dispose()
    yield ids
    db.session.rollback()
    db.session.execute(delete(PermissionRequest.__table__).where(PermissionRequest.id == ids["permission_request"]))
    db.session.execute(delete(Group.__table__).where(Group.id == ids["ab_group"]))
    for model in (RectificationItem, InspectionReport, FourPropertyRun):
        db.session.execute(delete(model.__table__))
    db.session.commit()
