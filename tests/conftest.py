"""Shared fixtures: one migrated database per run, an account per role, data factories.

The suite runs on SQLite by default. With ``DOSSIER_TEST_DATABASE_URL`` naming a
PostgreSQL server (e.g. ``postgresql://127.0.0.1:5432/test``) it creates a fresh
database on that server for the run and drops it afterwards; a server that
cannot be reached fails the run, it never skips.
"""

import io
import os
import random
import uuid

import pytest
from sqlalchemy import delete, select, text

from tests.apps import DEMO_PASSWORD, ROLE_KEYS, SCANNER, Databases, Trail, clean_dossiers, make_app, sign_in


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory)
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """A real clamd for the whole run: every upload is scanned by it (tests.clamd)."""
    from tests.clamd import TestClamd

    daemon = TestClamd(tmp_path_factory.mktemp("clamd"))
    daemon.start()
    SCANNER.update(CLAMD_SOCKET=daemon.socket, CLAMD_DATABASE_DIR=str(daemon.database))
    yield daemon
    daemon.stop()


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
        from models.db import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def second_app(app):
    """Another worker or node: an app of its own (engine, pool, caches) on the same database."""
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    yield other
    with other.app_context():
        from models.db import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db(app):
    from models.db import db as _db

    with app.app_context():
        yield _db
        _db.session.rollback()


@pytest.fixture(autouse=True)
def _clean_dossiers(request):
    """Each test starts with no dossiers and no history."""
    yield
    if "app" in request.fixturenames:
        clean_dossiers(request.getfixturevalue("app"))


@pytest.fixture
def client(app):
    return app.test_client()


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
                      file_key_id=stored.file_key_id, page_count=stored.page_count, file_name="履历表.pdf")
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
    from models.disposal import holds

    hold = holds.place(db.session, users["archivist"], "dossier", subject.id, reason="审计", ordered_by="审计局")
    db.session.commit()
    ids["hold"] = hold.id
    # An executed destruction list of the official's document, and its register (§9.2).
    from datetime import datetime

    from jobs.destruction import register as destruction_register
    from models.disposal import DestructionItem, DestructionList, DestructionRegister

    now = datetime.now()
    executed = DestructionList(state="executed", reason="保管期满", method="crypto_erase", item_count=1,
                               applicant_id=users["archivist"].id, approver_id=users["unit_head"].id,
                               executor_id=users["archivist"].id, supervisor_id=users["inspector"].id,
                               submitted_at=now, approved_at=now, executed_at=now, execution_report="{}")
    executed.items.append(DestructionItem(kind="material", official_id=me.id, table_name="material",
                                          record_id=ids["material"], title="履历表", basis="due"))
    db.session.add(executed)
    db.session.flush()
    sealed = destruction_register.build(db.session, executed)
    db.session.commit()
    ids.update(destruction_list=executed.id, destruction_item=executed.items[0].id, destruction_register=sealed.id)
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
    for model in (RectificationItem, InspectionReport, FourPropertyRun, DestructionRegister, DestructionItem):
        db.session.execute(delete(model.__table__))
    from sqlalchemy_continuum import version_class

    db.session.execute(delete(version_class(DestructionList).__table__))
    db.session.execute(delete(DestructionList.__table__))
    db.session.commit()


@pytest.fixture
def disposal(db, users):
    """§9 test data (tests.disposal): ``due(row)`` puts a material or record on the due list,
    ``mark(row)`` gives it an approved appraisal mark, ``hold(...)`` places a hold,
    ``executed(list, ...)`` leaves a list as the execution does. Every §9 table is emptied afterwards."""
    from tests.disposal import Disposal, clean

    yield Disposal(db, users)
    clean(db)


@pytest.fixture
def retention(db, users, make_user):
    """The retention schedule (tests.disposal.Schedule), emptied after the test: before the
    accounts a test made go (``make_user`` is torn down after it), as rules name them."""
    from tests.disposal import Schedule, clean_schedule

    yield Schedule(db, users)
    clean_schedule(db)
