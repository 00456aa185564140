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
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash

from models import Official
from models.accounts import AccountSecurity, PasswordHistory
from models.db import db
from models.reading import has_permission

def display_name(user) -> str:
    """A person as the pages show them: their 姓名 (an account made with two name parts, surname
    first, as Chinese names are written), never the login name."""
    if user is None:
        return ""
    return f"{user.last_name or ''}{user.first_name or ''}".strip() or _("Account #%(id)s", id=user.id)


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
        official = db.session.scalar(
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
    """Whose password a FAB form is setting: the user's own, or the one an administrator resets
    (resolved once, by ``reset_target``, the same way the reset itself resolves it)."""
    if request.endpoint and request.endpoint.startswith("ResetPasswordView"):
        return reset_target()
    if request.endpoint and request.endpoint.startswith("ResetMyPasswordView"):
        return g.user
    return None


def reset_target():
    """The account of an administrator's password reset (``?pk=``), or None.

    Only a plain run of digits names an account: ``" 11"``, ``"+11"`` or ``"11 "`` name
    nothing, so no check can read one account while the reset writes another."""
    from flask import abort

    pk = request.args.get("pk", "")
    if not re.fullmatch(r"[0-9]{1,18}", pk):
        abort(404)
    user = current_app.appbuilder.sm.get_user_by_id(int(pk))
    if user is None:
        abort(404)
    return user


def may_set_password(actor, user) -> None:
    """Who may choose another account's password: never the holder of another officer's duty
    for an officer (a second security administrator resets a security administrator's)."""
    if actor is None or user is None or actor.id == user.id:
        return
    if _approves(user) and not _approves(actor):
        # Otherwise whoever resets an approver's password could sign in as them and approve
        # their own permission requests.
        raise PasswordComplexityValidationError(_(
            "Only another security administrator may reset the password of a security administrator."))


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
    may_set_password(g.user, user)
    problems = password_problems(password, facts)
    if user is not None and used_recently(user, password):
        problems.append(_("it is one of the last %(count)s passwords of this account", count=setting("PASSWORD_HISTORY")))
    if problems:
        raise PasswordComplexityValidationError(_("Password refused: %(problems)s.", problems="; ".join(problems)))


def _approves(user) -> bool:
    from security.approvals import APPROVE

    return has_permission(user, APPROVE)


def used_recently(user, password: str) -> bool:
    """The current password and the ones before it, ``PASSWORD_HISTORY`` in all."""
    session = db.session
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


def password_changed(session, user, old_hash: str | None, must_change: bool, set_by=None) -> None:
    """Keep the old hash for the reuse rule; a password someone else chose must be changed.

    ``set_by``: the person who chose it, if not the owner. Every session of the account ends."""
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
    if set_by is not None and set_by.id != user.id:
        state.credentials_set_by_id = set_by.id
    end_sessions(session, user.id)


# ------------------------------------------------------------------ sessions


def end_sessions(session, user_id: int) -> None:
    """End every session of the account, in every browser and worker, from its next request."""
    state = state_of(session, user_id)
    state.session_generation = (state.session_generation or 0) + 1


def session_generation(session, user_id: int) -> int:
    state = session.get(AccountSecurity, user_id)
    return state.session_generation if state is not None else 0


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


def reserve_attempt(engine, user) -> bool:
    """Count one sign-in attempt before its password is checked; False when the account is
    locked or as many attempts as the limit allows are already being checked.

    One conditional UPDATE, committed on its own connection before the (slow) password
    hash is computed: under any concurrency, across workers and hosts, no more than
    ``LOCKOUT_FAILURES`` passwords are ever checked before the lock holds."""
    limit = setting("LOCKOUT_FAILURES")
    table = AccountSecurity.__table__
    now = datetime.now()
    with engine.begin() as conn:
        # Another attempt may be creating the row at the same moment.
        insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[engine.dialect.name]
        conn.execute(insert(table).values(user_id=user.id, must_change_password=False).on_conflict_do_nothing())
        counted = conn.execute(
            update(table).where(table.c.user_id == user.id, table.c.login_failures < limit,
                                or_(table.c.locked_until.is_(None), table.c.locked_until <= now))
            .values(login_failures=table.c.login_failures + 1)
        ).rowcount
    return counted == 1


def attempt_succeeded(engine, user) -> None:
    table = AccountSecurity.__table__
    with engine.begin() as conn:
        conn.execute(update(table).where(table.c.user_id == user.id).values(login_failures=0))


def attempt_failed(engine, user) -> datetime | None:
    """After a wrong password: lock the account if this attempt reached the limit. Only one of
    any number of concurrent attempts locks it; the time it is locked until, for that one."""
    limit = setting("LOCKOUT_FAILURES")
    table = AccountSecurity.__table__
    until = datetime.now() + timedelta(minutes=setting("LOCKOUT_MINUTES"))
    with engine.begin() as conn:
        locked = conn.execute(
            update(table).where(table.c.user_id == user.id, table.c.login_failures >= limit)
            .values(locked_until=until, login_failures=0, session_generation=table.c.session_generation + 1)
        ).rowcount
    return until if locked == 1 else None


def confirm_password(session, user, password: str) -> bool:
    """A second person present confirms with their own password (the supervisor of a
    destruction, §9.2.3): FAB's password hash checked, counted as a sign-in attempt so the
    form cannot be used to guess passwords, and starting no session of theirs."""
    engine = session.get_bind()
    if user is None or not user.is_active or not password or not reserve_attempt(engine, user):
        return False
    if check_password_hash(user.password, password):
        attempt_succeeded(engine, user)
        return True
    attempt_failed(engine, user)
    return False


def own_credentials(session, user, other) -> bool:
    """Whether ``user``'s password is their own and not ``other``'s doing: not one still to be
    changed (chosen by an administrator, or expired), and not last set by ``other``. A second
    person's confirmation (a destruction's supervisor) counts only then: otherwise whoever
    chose the password could confirm for them."""
    if password_expired(session, user):
        return False
    state = session.get(AccountSecurity, user.id)
    return state is None or state.credentials_set_by_id is None or state.credentials_set_by_id != other.id


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
        end_sessions(session, user.id)
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
