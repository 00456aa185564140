"""Sessions that end when they should (§6.1.2): a cookie saved before logout, a password
change, a lockout, a disabled account or a change of roles opens nothing afterwards; idle
sessions end with a word and an audit event; the session key is the instance's own."""

import stat
import time

import pytest
from sqlalchemy import func, select

from models import AccountSecurity, AuditEvent, PermissionRequest
from tests.apps import make_app, sign_in
from tests.helpers import SIGNED_IN_PAGE, messages, opens_nothing, session_copy

PAGE = SIGNED_IN_PAGE


def test_a_cookie_saved_before_logout_opens_nothing(app, make_user):
    user = make_user("clerk", "D01")
    client = app.test_client()
    sign_in(client, user.username)
    saved = session_copy(app, client)
    assert saved.get(PAGE).status_code == 200
    client.post("/logout/")
    assert opens_nothing(saved)


def test_signing_out_is_a_post(app, make_user):
    user = make_user("clerk", "D01")
    client = app.test_client()
    sign_in(client, user.username)
    assert client.get("/logout/").status_code == 405
    assert client.get(PAGE).status_code == 200  # a link or an image cannot sign anyone out


def test_a_password_changed_elsewhere_ends_every_other_session(app, make_user):
    user = make_user("clerk", "D01")
    old, here = app.test_client(), app.test_client()
    sign_in(old, user.username)
    sign_in(here, user.username)
    here.post("/resetmypassword/form", data={"password": "Quiet-Orchard-83", "conf_password": "Quiet-Orchard-83"})
    assert here.get(PAGE).status_code == 200  # the session that changed it goes on
    assert opens_nothing(old)


def test_a_lockout_ends_the_sessions_already_open(app, make_user):
    user = make_user("clerk", "D01")
    client = app.test_client()
    sign_in(client, user.username)
    attacker = app.test_client()
    for _ in range(5):
        attacker.post("/login/", data={"username": user.username, "password": "Wrong-Guess-2026"})
    assert opens_nothing(client)


def test_disabling_an_account_ends_its_sessions(app, db, login_as, make_user):
    user = make_user("clerk", "D01")
    client = app.test_client()
    sign_in(client, user.username)
    login_as("sysadmin").post(f"/users/edit/{user.id}", data={
        "first_name": user.first_name, "last_name": user.last_name, "username": user.username,
        "email": user.email, "roles": [str(r.id) for r in user.roles]})  # "active" left unticked
    db.session.expire_all()
    assert db.session.get(app.appbuilder.sm.user_model, user.id).active is False
    assert opens_nothing(client)


def test_new_roles_end_the_sessions_held_under_the_old_ones(app, db, login_as, make_user):
    user = make_user("clerk", "D01")
    client = app.test_client()
    sign_in(client, user.username)
    sm = app.appbuilder.sm
    login_as("sysadmin").post(f"/users/edit/{user.id}", data={
        "first_name": user.first_name, "last_name": user.last_name, "username": user.username, "active": "y",
        "email": user.email, "roles": [str(sm.find_role("clerk").id), str(sm.find_role("archivist").id)]})
    request = db.session.scalars(select(PermissionRequest).where(PermissionRequest.target_id == user.id)).one()
    assert client.get(PAGE).status_code == 200  # a request alone changes nothing
    login_as("secadmin").post(f"/permissionrequests/{request.id}/decide", data={"decision": "approve"})
    assert opens_nothing(client)


def test_signing_in_gives_a_new_csrf_token(app, make_user):
    user = make_user("clerk", "D01")
    client = app.test_client()
    with client.session_transaction() as session:
        session["csrf_token"] = "issued-before-sign-in"  # what the sign-in page's form carried
    sign_in(client, user.username)
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "issued-before-sign-in"


def test_an_idle_session_ends_with_a_word_and_an_event(app, db, make_user):
    user = make_user("clerk", "D01")
    client = app.test_client()
    sign_in(client, user.username)
    client.get("/lang/en")
    start = db.session.scalar(select(func.max(AuditEvent.seq)))
    with client.session_transaction() as session:
        session["_last_seen"] = time.time() - 31 * 60
    response = client.get(PAGE, follow_redirects=True)
    assert "ended after 30 minutes without activity" in " ".join(messages(response.get_data(as_text=True)))
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.seq > start, AuditEvent.action == "session_expired", AuditEvent.actor_id == user.id)) == 1


@pytest.mark.parametrize("officer", ["sysadmin", "secadmin", "auditor"])
def test_officers_open_their_own_account_page(login_as, officer):
    assert login_as(officer).get("/users/userinfo/").status_code == 200


# --- the session key ---------------------------------------------------------------------------

def test_each_instance_signs_sessions_with_its_own_random_key(databases, tmp_path, monkeypatch):
    url = databases.new("secret")
    keys = {}
    for name in ("one", "two"):
        instance = tmp_path / name
        monkeypatch.setenv("DOSSIER_INSTANCE_DIR", str(instance))
        first = make_app(url, SECRET_KEY=None, DOSSIER_KEYSTORE_URL=f"sqlite:///{instance / 'ks.db'}")
        again = make_app(url, SECRET_KEY=None, DOSSIER_KEYSTORE_URL=f"sqlite:///{instance / 'ks.db'}")
        assert first.config["SECRET_KEY"] == again.config["SECRET_KEY"]  # every worker of the instance agrees
        assert stat.S_IMODE((instance / "secret.key").stat().st_mode) == 0o600
        keys[name] = first.config["SECRET_KEY"]
    assert keys["one"] != keys["two"] and len(keys["one"]) >= 43


def test_the_published_development_secret_is_refused_everywhere(databases, tmp_path, monkeypatch):
    from app import ConfigurationError

    monkeypatch.setenv("DOSSIER_INSTANCE_DIR", str(tmp_path))
    with pytest.raises(ConfigurationError, match="published value"):
        make_app(databases.new("published"), SECRET_KEY="development-only-secret-change-me")


def test_a_cookie_forged_with_the_old_published_secret_opens_nothing(app, users):
    from flask.sessions import SecureCookieSessionInterface

    forger = SecureCookieSessionInterface()

    class Published:
        secret_key = "development-only-secret-change-me"
        config = app.config

    serializer = forger.get_signing_serializer(Published)
    forged = serializer.dumps({"_user_id": str(users["hr_reviewer"].id), "_fresh": True, "_generation": 0})
    client = app.test_client()
    client.set_cookie("session", forged)
    assert opens_nothing(client)


def test_instance_files_are_readable_by_the_app_alone(databases, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_INSTANCE_DIR", str(tmp_path))
    application = make_app(f"sqlite:///{tmp_path / 'dossier.db'}", SECRET_KEY=None,
                           DOSSIER_KEYSTORE_URL=None, DOSSIER_AUDIT_CHECKPOINT_FILE=None)
    with application.app_context():
        from security import audit

        audit.audit_key(), audit.signing_key()
        audit.private_file(audit.checkpoint_path())
    names = {"dossier.db", "keystore.db", "kek.key", "secret.key", "audit.key", "audit-signing.key",
             "audit-signing.key.pub", "audit-checkpoints.log"}
    found = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.is_file()}
    assert names <= set(found), found
    assert {name: mode for name, mode in found.items() if mode & 0o077} == {}


# --- client addresses behind the proxy -----------------------------------------------------

def test_forwarded_addresses_count_only_from_the_configured_proxy(databases, app):
    from security.proxy import TrustedProxyFix

    seen = []

    def inner(environ, start_response):
        seen.append(environ["REMOTE_ADDR"])
        start_response("200 OK", [])
        return [b""]

    fixed = TrustedProxyFix(inner, ["127.0.0.1/32"])
    for peer in ("127.0.0.1", "10.1.2.3"):
        fixed({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": "192.0.2.77", "REQUEST_METHOD": "GET",
               "wsgi.url_scheme": "http"}, lambda *a: None)
    assert seen == ["192.0.2.77", "10.1.2.3"]

    behind = make_app(app.config["SQLALCHEMY_DATABASE_URI"], DOSSIER_BEHIND_PROXY=True,
                      DOSSIER_TRUSTED_PROXIES=["127.0.0.1/32"])
    client = behind.test_client()
    client.post("/login/", data={"username": "clerk", "password": "Wrong-Guess-2026"},
                headers={"X-Forwarded-For": "192.0.2.99"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    with behind.app_context():
        from models.db import db

        last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (last.action, last.client_addr) == ("login_failed", "10.9.9.9")
        db.session.remove()
    with app.app_context():
        from models.db import db

        state = db.session.get(AccountSecurity, db.session.scalar(
            select(app.appbuilder.sm.user_model.id).where(app.appbuilder.sm.user_model.username == "clerk")))
        state.login_failures = 0
        db.session.commit()
