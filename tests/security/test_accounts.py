"""Account security (§6.1.2): password rules, expiry, reuse, lockout, rate limit, second factor,
idle sessions and the headers every response carries."""

import time
import uuid
from datetime import datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from models import AccountSecurity, AuditEvent
from security import accounts
from tests.apps import DEMO_PASSWORD, make_app
from tests.helpers import messages


def sign_in(client, user, password=DEMO_PASSWORD, follow=False):
    client.post("/logout/")
    return client.post("/login/", data={"username": user.username, "password": password}, follow_redirects=follow)


def change_own_password(client, new, old=DEMO_PASSWORD):
    return client.post("/resetmypassword/form", data={"password": new, "conf_password": new},
                       follow_redirects=True)


def events(db, action, user):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.actor_id == user.id)).all()


@pytest.mark.parametrize("password, broken", [
    ("Sh0rt!pass", "at least 12 characters"),
    ("alllowercaseletters", "mix at least 3"),
    ("Password2026!!", "commonly used password"),
    ("Qwerty123456!", "commonly used password"),
    ("Zhangwei-2026-x", "own name"),
])
def test_weak_passwords_are_refused_naming_the_rule(app, password, broken):
    with app.test_request_context("/?_locale=en"):
        from flask_babel import force_locale

        with force_locale("en"):
            problems = accounts.password_problems(password, ["zhangwei", "张伟"])
    assert any(broken in problem for problem in problems), problems


def test_a_long_mixed_password_without_personal_facts_passes(app):
    with app.test_request_context():
        assert accounts.password_problems("Harbour-Lantern-47", ["zhangwei"]) == []


def test_five_failures_lock_the_account_for_fifteen_minutes_then_it_opens_again(db, client, make_user):
    user = make_user("clerk")
    for _ in range(5):
        sign_in(client, user, "wrong-Password-1")
        assert client.get("/officialview/list/").status_code == 302  # still signed out
    client.get("/lang/en")
    refused = sign_in(client, user, follow=True)  # the right password, while locked
    assert "locked after repeated failed sign-ins" in " ".join(messages(refused.get_data(as_text=True)))
    assert client.get("/officialview/list/").status_code == 302
    assert len(events(db, "lockout", user)) == 1 and len(events(db, "login_refused", user)) == 1

    state = db.session.get(AccountSecurity, user.id)
    db.session.refresh(state)
    assert state.locked_until - datetime.now() > timedelta(minutes=14)
    state.locked_until = datetime.now() - timedelta(seconds=1)  # fifteen minutes later
    db.session.commit()
    assert sign_in(client, user).status_code == 302
    assert client.get("/officialview/list/").status_code == 200


def test_an_expired_password_must_be_changed_before_anything_else(db, client, make_user):
    user = make_user("clerk")
    db.session.add(AccountSecurity(user_id=user.id, password_changed_at=datetime.now() - timedelta(days=91),
                                   must_change_password=False))
    db.session.commit()
    sign_in(client, user)
    response = client.get("/officialview/list/")
    assert response.status_code == 302 and "/resetmypassword/form" in response.headers["Location"]

    assert "Password refused" not in " ".join(messages(change_own_password(client, "Harbour-Lantern-47")
                                                        .get_data(as_text=True)))
    assert client.get("/officialview/list/").status_code == 200
    db.session.expire_all()
    assert datetime.now() - db.session.get(AccountSecurity, user.id).password_changed_at < timedelta(minutes=1)


def test_a_recent_password_cannot_be_used_again(db, client, make_user):
    user = make_user("clerk")
    sign_in(client, user)
    client.get("/lang/en")
    change_own_password(client, "Harbour-Lantern-47")
    db.session.expire_all()
    current_hash = db.session.get(type(user), user.id).password
    page = change_own_password(client, DEMO_PASSWORD).get_data(as_text=True)
    assert "one of the last 5 passwords" in " ".join(messages(page))
    db.session.expire_all()
    assert db.session.get(type(user), user.id).password == current_hash


def test_a_password_set_by_the_system_administrator_is_changed_at_the_next_sign_in(db, client, make_user, login_as):
    user = make_user("clerk")
    admin = login_as("sysadmin")
    response = admin.post(f"/resetpassword/form?pk={user.id}",
                          data={"password": "Temporary-Pass-93", "conf_password": "Temporary-Pass-93"})
    assert response.status_code == 302
    sign_in(client, user, "Temporary-Pass-93")
    assert "/resetmypassword/form" in client.get("/officialview/list/").headers["Location"]


def test_sign_in_attempts_are_counted_across_app_instances_sharing_redis(app):
    """Two web workers (two app instances) share the counter through Redis."""
    shared = {"RATELIMIT_ENABLED": True, "AUTH_RATE_LIMIT": "3 per minute",
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first, second = make_app(url, **shared).test_client(), make_app(url, **shared).test_client()
    attempt = {"username": "nobody", "password": "wrong-Password-1"}
    statuses = [client.post("/login/", data=attempt).status_code for client in (first, second, first)]
    assert 429 not in statuses
    refused = second.post("/login/", data=attempt)
    assert refused.status_code == 429
    assert "本机登录尝试次数过多" in refused.get_data(as_text=True)  # said in the default language

    # Without shared storage each worker counts alone, which is why production sets it.
    alone = {**shared, "RATELIMIT_STORAGE_URI": "memory://"}
    third, fourth = make_app(url, **alone).test_client(), make_app(url, **alone).test_client()
    assert [c.post("/login/", data=attempt).status_code for c in (third, fourth, third, fourth)].count(429) == 0


def test_the_sign_in_limit_holds_in_any_window_not_only_within_a_fixed_one(app):
    """Attempts just before a window's end and just after it count together."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    client = make_app(url, RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT="3 per 4 second",
                      RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
                      RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}").test_client()
    attempt = {"username": "nobody", "password": "wrong-Password-1"}
    started = time.monotonic()
    assert client.post("/login/", data=attempt).status_code != 429
    time.sleep(max(0.0, started + 2.5 - time.monotonic()))
    assert [client.post("/login/", data=attempt).status_code for _ in range(2)].count(429) == 0
    # A fixed window that began with the first attempt has ended by now; the last 4 s
    # still hold two attempts, so only one more may go through.
    time.sleep(max(0.0, started + 4.5 - time.monotonic()))
    statuses = [client.post("/login/", data=attempt).status_code for _ in range(3)]
    assert time.monotonic() < started + 6.5, "the machine was too slow for the windows this test needs"
    assert statuses.count(429) == 2, statuses


def test_a_second_factor_once_enrolled_is_asked_at_every_sign_in(db, client, make_user):
    user = make_user("archivist")
    sign_in(client, user)
    page = client.get("/account/security").get_data(as_text=True)
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    assert client.post("/account/security/enrol", data={"code": "000000"}).status_code == 302
    assert accounts.totp_secret(db.session, user) is None
    client.post("/account/security/enrol", data={"code": pyotp.TOTP(secret).now()})
    db.session.expire_all()
    assert accounts.totp_secret(db.session, user) == secret
    assert db.session.get(AccountSecurity, user.id).totp_secret != secret.encode()  # stored encrypted

    sign_in(client, user)
    assert client.get("/officialview/list/").headers["Location"].endswith("/account/verify")
    client.post("/account/verify", data={"code": "123456"})
    assert client.get("/officialview/list/").status_code == 302
    client.post("/account/verify", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/officialview/list/").status_code == 200
    assert len(events(db, "second_factor_failed", user)) == 1


def test_the_key_of_a_new_second_factor_is_shown_as_a_qr_code_of_its_own_uri(db, client, make_user):
    """An officer enrolling scans the key rather than typing 32 letters: the code on the page
    must carry exactly this account's provisioning URI with the secret shown beside it."""
    import segno

    user = make_user("archivist")
    sign_in(client, user)
    page = client.get("/account/security").get_data(as_text=True)
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    drawn = page.split('<figure id="totp-qr"')[1].split("</figure>")[0]
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=str(client.application.appbuilder.app_name))
    expected = segno.make(uri, error="m").svg_inline(scale=4, border=4, lineclass=None)
    # The drawing of the modules (the path) is the code; the title is the page's language.
    assert expected.split(' d="')[1].split('"')[0] == drawn.split(' d="')[1].split('"')[0]
    assert "<svg" in drawn and "<script" not in drawn


def test_an_idle_session_ends_after_thirty_minutes(db, client, make_user):
    user = make_user("archivist")
    sign_in(client, user)
    assert client.get("/officialview/list/").status_code == 200
    with client.session_transaction() as session:
        session["_last_seen"] -= 31 * 60
    response = client.get("/officialview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
    assert client.get("/officialview/list/").status_code == 302  # signed out, not just redirected once
    assert len(events(db, "session_expired", user)) == 1


def test_every_response_carries_the_security_headers(client, login_as):
    for response in (client.get("/login/"), login_as("archivist").get("/officialview/list/")):
        headers = response.headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_behind_tls_cookies_are_secure_and_browsers_told_to_stay_on_https(app):
    behind_tls = make_app(app.config["SQLALCHEMY_DATABASE_URI"], SESSION_COOKIE_SECURE=True)
    response = behind_tls.test_client().get("/login/")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_sign_in_code_is_good_once_and_repeated_wrong_codes_lock_the_account(db, client, make_user):
    user = make_user("archivist")
    lockouts_before = len(events(db, "lockout", user))  # account ids are reused between tests
    secret = pyotp.random_base32()
    accounts.enable_totp(db.session, user, secret)
    db.session.commit()
    sign_in(client, user)
    code = pyotp.TOTP(secret).now()
    client.post("/account/verify", data={"code": code})
    assert client.get("/officialview/list/").status_code == 200
    sign_in(client, user)
    client.post("/account/verify", data={"code": code})  # the same code again
    assert client.get("/officialview/list/").status_code == 302

    for _ in range(5):
        client.post("/account/verify", data={"code": "000000"})
    assert "/login/" in client.get("/officialview/list/").headers["Location"]
    assert accounts.locked_until(db.session, user) is not None
    assert len(events(db, "lockout", user)) == lockouts_before + 1


def test_a_mistyped_password_in_the_name_box_never_reaches_the_audit_trail(db, client):
    client.post("/login/", data={"username": "Secret-Pass-7781!", "password": "x"})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")
                               .order_by(AuditEvent.seq.desc())).first()
    assert "Secret-Pass-7781" not in (event.details or "") and "Secret-Pass-7781" not in (event.actor_name or "")
