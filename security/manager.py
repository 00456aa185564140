"""FAB's security manager, adapted in one place for an isolated records system."""

from flask import current_app, flash, g, has_request_context, session
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from security import accounts, audit, duties, grants
from security.views import AuthDBView, ResetMyPasswordView, ResetPasswordView, RoleModelView, UserDBModelView


# What a sign-in keeps in the session cookie (security.session_guard, views.account).
SIGN_IN_STATE = ("totp_pending", "password_expired", "_last_seen", "totp_enrol", "totp_required",
                 "_generation", "csrf_token")


def view_named(appbuilder, name: str):
    """The registered view whose class is ``name`` (FAB names its endpoints after it); None if none is."""
    return next((v for v in appbuilder.baseviews if v.__class__.__name__ == name), None)


class DossierSecurityManager(SecurityManager):
    # FAB's user statistics chart loads Google Charts from the internet.
    userstatschartview = None
    # Role and permission changes wait for a second security officer.
    userdbmodelview = UserDBModelView
    rolemodelview = RoleModelView
    # The reset resolves its account once; signing out is a POST.
    resetpasswordview = ResetPasswordView
    resetmypasswordview = ResetMyPasswordView
    authdbview = AuthDBView

    def register_views(self):
        """FAB's views without its JSON sign-in API (``/api/v1/security/login`` hands out tokens
        on a password alone, past the second factor, the lockout and the rate limit) and
        without its groups (a group's roles would reach an account past the approval step)."""
        left_out = {self.security_api, self.groupmodelview}
        add_api, add_view = self.appbuilder.add_api, self.appbuilder.add_view
        self.appbuilder.add_api = lambda view, *a, **k: None if view in left_out else add_api(view, *a, **k)
        self.appbuilder.add_view = lambda view, *a, **k: None if view in left_out else add_view(view, *a, **k)
        try:
            super().register_views()
        finally:
            del self.appbuilder.add_api, self.appbuilder.add_view

    def exist_permission_on_roles(self, view_name, permission_name, role_ids) -> bool:
        """FAB asks the database once per check, and a page checks every menu item:
        here the roles' grants are read once per request and looked up in memory."""
        return (view_name, permission_name) in self.grants_of(role_ids)

    def get_user_roles(self, user) -> list:
        """The account's own roles. Groups are not installed (their roles would reach an account
        past the approval step), so FAB's query of the account's groups on every request is not made."""
        if not user.is_authenticated:
            return [self.get_public_role()]
        return list(user.roles)

    def grants_of(self, role_ids) -> frozenset:
        return grants.of_roles(self.session, role_ids)

    def auth_user_db(self, username, password):
        """FAB's password check, with lockout (§6.1.2) and every attempt in the audit trail (§6.3).

        Each attempt on a known account is counted before its password is checked
        (``accounts.reserve_attempt``), so concurrent attempts can never check more
        passwords than the lockout allows. FAB commits its own login bookkeeping, so
        the event is committed here; if it cannot be recorded the login fails (an
        unaudited login must not happen).
        """
        if not username:
            return super().auth_user_db(username, password)
        known = self.find_user(username=username) or self.find_user(email=username)
        if known is not None and known.is_active and not accounts.reserve_attempt(self.session.get_bind(), known):
            self.session.expire_all()
            audit.record("login_refused", actor=known, details={"reason": "locked"}, session=self.session)
            self.session.commit()
            self._say_locked(accounts.locked_until(self.session, known))
            return None
        user = super().auth_user_db(username, password)
        if user is not None:
            accounts.attempt_succeeded(self.session.get_bind(), user)
            audit.record("login", actor=user, session=self.session)
            self._start_session(user)
        elif known is None:
            # What was typed may be a password entered in the wrong box: only a keyed hash is kept,
            # which an auditor can match against a name they suspect.
            from security.keys import keyring

            audit.record("login_failed", actor="unknown account", session=self.session,
                         details={"reason": "unknown_account", "name_hmac": keyring().blind_index(username)[:16]})
        else:
            reason = "inactive_account" if not known.is_active else "bad_password"
            # Before this session writes anything: SQLite lets one connection write at a time.
            until = accounts.attempt_failed(self.session.get_bind(), known) if known.is_active else None
            audit.record("login_failed", actor=known, details={"reason": reason}, session=self.session)
            if until:
                audit.record("lockout", actor=known, details={"until": until.isoformat(timespec="minutes")},
                             session=self.session)
                self._say_locked(until)
        self.session.commit()
        return user

    @staticmethod
    def _say_locked(until):
        if until is None:
            # Attempts being checked right now hold every remaining try.
            from datetime import datetime, timedelta

            until = datetime.now() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
        if has_request_context():
            flash(_("This account is locked after repeated failed sign-ins until %(time)s.",
                    time=until.strftime("%H:%M")), "danger")

    def _start_session(self, user) -> None:
        if not has_request_context():
            return
        # Nothing of an earlier sign-in on this browser carries over, not even its CSRF token.
        for key in SIGN_IN_STATE:
            session.pop(key, None)
        session["_generation"] = accounts.session_generation(self.session, user.id)
        if accounts.totp_secret(self.session, user):
            session["totp_pending"] = True
        elif duties.is_officer(self, user):
            # The three officers sign in with a second factor, which no password reset touches.
            session["totp_required"] = True
        session["password_expired"] = accounts.password_expired(self.session, user)

    def reset_password(self, userid, password, must_change=None):
        """Set a password, keeping the old hash for the reuse rule. One set by somebody
        else (an administrator's reset) must be changed at the owner's next sign-in,
        unless ``must_change`` says otherwise (the published demo accounts)."""
        user = self.get_user_by_id(int(userid))
        old_hash = user.password
        actor = g.user if has_request_context() and getattr(g, "user", None) is not None else None
        by_owner = actor is not None and actor.id == user.id
        # Decided on the account being written, whatever led here.
        accounts.may_set_password(actor, user)
        if must_change is None:
            must_change = not by_owner
        config = current_app.config
        user.password = generate_password_hash(
            password=password, method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))
        accounts.password_changed(self.session, user, old_hash, must_change=must_change, set_by=actor)
        audit.record("password_changed", actor=actor or "cli", object_type="ab_user", object_id=user.id,
                     details={"by_owner": by_owner}, session=self.session)
        self.update_user(user)
        if by_owner:
            # Every other session of the account has ended; this one goes on.
            session.pop("password_expired", None)
            session["_generation"] = accounts.session_generation(self.session, user.id)

    def on_user_logout(self, user) -> None:
        # Signing out ends every session of the account: a copied cookie opens nothing.
        accounts.end_sessions(self.session, user.id)
        audit.record("logout", actor=user, session=self.session)
        self.session.commit()
        if has_request_context():
            for key in SIGN_IN_STATE:
                session.pop(key, None)
