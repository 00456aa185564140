"""Account security (§6.1.2): password rules, expiry, reuse, lockout and a second factor.

Plain functions over ``AccountSecurity`` and ``PasswordHistory``; the security
manager and the request guard (``security.session_guard``) call them, and FAB's
own password forms use ``validate_password`` through
``FAB_PASSWORD_COMPLEXITY_VALIDATOR``.
"""

import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from flask import current_app, g, has_request_context, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash

from models.accounts import AccountSecurity, PasswordHistory

CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"), re.compile(r"[^A-Za-z0-9]"))


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def setting(name: str):
    return current_app.config[name]


# ------------------------------------------------------------------ passwords


def password_problems(password: str, personal: list[str]) -> list[str]:
    """Every rule ``password`` breaks, in the reader's language; ``personal``: the
    account's own facts (login, names, e-mail, dates, ID numbers) it must not contain."""
    problems = []
    minimum = setting("PASSWORD_MIN_LENGTH")
    if len(password) < minimum:
        problems.append(_("it must be at least %(count)s characters long", count=minimum))
    classes = sum(1 for pattern in CLASSES if pattern.search(password))
    if classes < setting("PASSWORD_MIN_CLASSES"):
        problems.append(_("it must mix at least %(count)s of: lower-case letters, upper-case letters, digits, "
                          "other characters", count=setting("PASSWORD_MIN_CLASSES")))
    lowered = password.lower()
    core = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
    if lowered in common_passwords() or core in common_passwords() or any(
            len(word) >= 5 and word in lowered for word in common_passwords()):
        problems.append(_("it is, or is built on, a commonly used password"))
    if any(len(token) >= 3 and token.lower() in lowered for token in personal if token):
        problems.append(_("it contains the account's own name, login, e-mail or personal dates"))
    return problems


def personal_facts(username=None, first_name=None, last_name=None, email=None, user=None) -> list[str]:
    facts = [username, first_name, last_name, (email or "").split("@")[0]]
    if first_name and last_name:
        facts.append(f"{last_name}{first_name}")
    if user is not None:
        from models import Official

        official = current_app.extensions["sqlalchemy"].session.scalar(
            select(Official).where(Official.account_id == user.id)
            .execution_options(include_pending=True, all_departments=True))
        if official is not None:
            facts.append(official.name)
            if official.birth_date:
                facts += [official.birth_date.strftime("%Y%m%d"), official.birth_date.strftime("%m%d%Y")]
            citizen_id = official.citizen_id if isinstance(official.citizen_id, str) else ""
            facts += [citizen_id[i:i + 6] for i in range(0, max(0, len(citizen_id) - 5))]
    return [f for f in facts if f]


def _target_user():
    """Whose password a FAB form is setting: the user's own, or the one an administrator resets."""
    sm = current_app.appbuilder.sm
    if request.endpoint and request.endpoint.startswith("ResetPasswordView"):
        pk = request.args.get("pk")
        return sm.get_user_by_id(int(pk)) if pk and pk.isdigit() else None
    if request.endpoint and request.endpoint.startswith("ResetMyPasswordView"):
        return g.user
    return None


def validate_password(password: str) -> None:
    """FAB's password complexity hook: every password form goes through here."""
    if not has_request_context():
        return
    user = _target_user()
    if user is not None:
        facts = personal_facts(user.username, user.first_name, user.last_name, user.email, user=user)
    else:  # a new account: its facts are on the form being posted
        form = request.form
        facts = personal_facts(form.get("username"), form.get("first_name"), form.get("last_name"), form.get("email"))
    if user is not None and user.id != g.user.id and _approves(user) and not _approves(g.user):
        # Otherwise whoever resets an approver's password could sign in as them and approve
        # their own permission requests.
        raise PasswordComplexityValidationError(_(
            "Only another security administrator may reset the password of a security administrator."))
    problems = password_problems(password, facts)
    if user is not None and used_recently(user, password):
        problems.append(_("it is one of the last %(count)s passwords of this account", count=setting("PASSWORD_HISTORY")))
    if problems:
        raise PasswordComplexityValidationError(_("Password refused: %(problems)s.", problems="; ".join(problems)))


def _approves(user) -> bool:
    from models.workflow import has_permission
    from security.approvals import APPROVE

    return has_permission(user, APPROVE)


def used_recently(user, password: str) -> bool:
    """The current password and the ones before it, ``PASSWORD_HISTORY`` in all."""
    session = current_app.extensions["sqlalchemy"].session
    earlier = session.scalars(
        select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.id.desc()).limit(setting("PASSWORD_HISTORY") - 1)
    ).all()
    return any(h and check_password_hash(h, password) for h in [user.password, *earlier])


def state_of(session, user_id: int) -> AccountSecurity:
    state = session.get(AccountSecurity, user_id)
    if state is None:
        state = AccountSecurity(user_id=user_id, must_change_password=False)
        session.add(state)
    return state


def password_changed(session, user, old_hash: str | None, must_change: bool) -> None:
    """Keep the old hash for the reuse rule; a password someone else chose must be changed."""
    if old_hash:
        session.add(PasswordHistory(user_id=user.id, password_hash=old_hash))
        keep = setting("PASSWORD_HISTORY")
        stale = session.scalars(select(PasswordHistory.id).where(PasswordHistory.user_id == user.id)
                                .order_by(PasswordHistory.id.desc()).offset(keep)).all()
        if stale:
            session.execute(delete(PasswordHistory).where(PasswordHistory.id.in_(stale)))
    state = state_of(session, user.id)
    state.password_changed_at = datetime.now()
    state.must_change_password = must_change


def password_expired(session, user) -> bool:
    state = session.get(AccountSecurity, user.id)
    if state is not None and state.must_change_password:
        return True
    changed = (state.password_changed_at if state else None) or user.created_on or user.changed_on
    max_age = setting("PASSWORD_MAX_AGE_DAYS")
    return bool(max_age and changed and datetime.now() - changed > timedelta(days=max_age))


# ------------------------------------------------------------------ lockout


def locked_until(session, user) -> datetime | None:
    state = session.get(AccountSecurity, user.id)
    if state is not None and state.locked_until and state.locked_until > datetime.now():
        return state.locked_until
    return None


def after_failure(session, user) -> datetime | None:
    """Lock the account once it reaches the failure limit; the time it is locked until."""
    if (user.fail_login_count or 0) < setting("LOCKOUT_FAILURES"):
        return None
    state = state_of(session, user.id)
    state.locked_until = datetime.now() + timedelta(minutes=setting("LOCKOUT_MINUTES"))
    user.fail_login_count = 0
    return state.locked_until


# ------------------------------------------------------------------ second factor


def _totp_key() -> bytes:
    from security.keys import keyring

    return keyring().system_key("totp")


def _totp_aad(user_id: int) -> bytes:
    return f"account_security|totp_secret|{user_id}".encode()


def totp_secret(session, user) -> str | None:
    from security import crypto

    state = session.get(AccountSecurity, user.id)
    if state is None or state.totp_secret is None:
        return None
    return crypto.decrypt(_totp_key(), state.totp_secret, _totp_aad(user.id)).decode()


def enable_totp(session, user, secret: str) -> None:
    from security import crypto

    state = state_of(session, user.id)
    state.totp_secret = crypto.encrypt(_totp_key(), 1, secret.encode(), _totp_aad(user.id))
    state.totp_enabled_at = datetime.now()


def disable_totp(session, user) -> None:
    state = state_of(session, user.id)
    state.totp_secret = None
    state.totp_enabled_at = None


def totp_step(secret: str, code: str, not_before: int | None = None) -> int | None:
    """The time step ``code`` is valid for (this one or a neighbour), or None; a step at
    or before ``not_before`` was already used."""
    import time

    import pyotp

    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // totp.interval
    for step in (now, now - 1, now + 1):
        if (not_before is None or step > not_before) and totp.generate_otp(step) == code:
            return step
    return None


def totp_ok(secret: str, code: str) -> bool:
    return totp_step(secret, code) is not None


def second_factor(session, user, code: str) -> bool:
    """Check a sign-in code: once per time step, and ``LOCKOUT_FAILURES`` wrong ones lock the account."""
    state = state_of(session, user.id)
    secret = totp_secret(session, user)
    step = totp_step(secret, code, state.totp_last_step) if secret else None
    if step is not None:
        state.totp_last_step, state.totp_failures = step, 0
        return True
    state.totp_failures = (state.totp_failures or 0) + 1
    if state.totp_failures >= setting("LOCKOUT_FAILURES"):
        state.locked_until = datetime.now() + timedelta(minutes=setting("LOCKOUT_MINUTES"))
        state.totp_failures = 0
    return False


def seal_enrolment(user_id: int, secret: str) -> str:
    """A TOTP secret offered for enrolment, encrypted for the (readable) session cookie."""
    import base64

    from security import crypto

    return base64.b64encode(crypto.encrypt(_totp_key(), 1, secret.encode(), _enrol_aad(user_id))).decode()


def open_enrolment(user_id: int, sealed: str | None) -> str | None:
    import base64

    from security import crypto

    if not sealed:
        return None
    try:
        return crypto.decrypt(_totp_key(), base64.b64decode(sealed), _enrol_aad(user_id)).decode()
    except (crypto.DecryptionError, ValueError):
        return None


def _enrol_aad(user_id: int) -> bytes:
    return f"session|totp_enrol|{user_id}".encode()
