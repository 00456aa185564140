"""Every request of a signed-in user passes here first (§6.1.2).

In order: a session the account has ended (signed out elsewhere, password
changed, locked, disabled, roles changed: ``accounts.end_sessions``) opens
nothing; a session idle longer than ``SESSION_IDLE_MINUTES`` ends; a sign-in
waiting for its second factor goes to the code page; an officer without a second
factor goes to enrol one; an expired or administrator-chosen password goes to
the change-password page. Nothing else is reachable until each is settled.
Every response carries the security headers.
"""

import time

from flask import flash, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, logout_user

# Reachable whatever the state of the sign-in: assets, signing in and out, the language.
OPEN_ENDPOINTS = {"static", "appbuilder.static", "AuthDBView.login", "AuthDBView.logout", "LocaleView.index"}
SECOND_FACTOR_ENDPOINTS = {"AccountSecurityView.verify"}
ENROL_ENDPOINTS = {"AccountSecurityView.index", "AccountSecurityView.enrol"}
PASSWORD_ENDPOINTS = {"ResetMyPasswordView.this_form_get", "ResetMyPasswordView.this_form_post"}

# FAB's pages carry inline scripts (its list and form widgets): scripts stay on
# 'self' plus inline; nothing may be framed, fetched or posted elsewhere.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


ASSET_ENDPOINTS = {"static", "appbuilder.static"}


class GuardedSessionInterface(SecureCookieSessionInterface):
    """The session cookie is written only by responses of the app's own pages.

    A browser fetches a page's assets and the favicon in parallel with the page.
    Their responses, sent with the cookie the browser had before, would otherwise
    put that older session back and drop what the page just stored in it (the
    sign-in form's CSRF token: a 400 on signing in).
    """

    def should_set_cookie(self, app, session) -> bool:
        if request.endpoint is None or request.endpoint in ASSET_ENDPOINTS:
            return False
        return super().should_set_cookie(app, session)


def _idle_expired(app) -> bool:
    now = time.time()
    last = session.get("_last_seen")
    session["_last_seen"] = now
    return last is not None and now - last > app.config["SESSION_IDLE_MINUTES"] * 60


def _ended(app) -> str | None:
    """Why this session may no longer be used, or None."""
    from security import accounts

    user = current_user._get_current_object()
    if not user.is_active:
        return "disabled"
    sm_session = app.appbuilder.sm.session
    state = sm_session.get(accounts.AccountSecurity, user.id)
    generation = state.session_generation if state is not None else 0
    if session.get("_generation") != generation:
        return "revoked"
    if state is not None and accounts.locked_until(sm_session, user):
        return "locked"
    return None


def _end(app, action: str, reason: str, message: str):
    from security import audit

    audit.record(action, actor=current_user._get_current_object(), details={"reason": reason})
    app.appbuilder.sm.session.commit()
    logout_user()
    session.clear()
    flash(message, "warning")
    return redirect(url_for("AuthDBView.login"))


def init_app(app) -> None:
    app.session_interface = GuardedSessionInterface()

    @app.before_request
    def _guard():
        session.permanent = True
        if request.endpoint in ASSET_ENDPOINTS or not current_user.is_authenticated:
            return None
        ended = _ended(app)
        if ended:
            return _end(app, "session_revoked", ended, _("This session has ended (signed out, password changed, "
                                                         "account locked or changed): sign in again."))
        if request.endpoint in OPEN_ENDPOINTS:
            return None
        if _idle_expired(app):
            return _end(app, "session_expired", "idle", _(
                "Your session ended after %(minutes)s minutes without activity: sign in again.",
                minutes=app.config["SESSION_IDLE_MINUTES"]))
        if session.get("totp_pending"):
            if request.endpoint not in SECOND_FACTOR_ENDPOINTS:
                return redirect(url_for("AccountSecurityView.verify"))
            return None
        if session.get("totp_required"):
            if request.endpoint not in ENROL_ENDPOINTS:
                flash(_("Security officers sign in with two steps: set up your authenticator to continue."), "warning")
                return redirect(url_for("AccountSecurityView.index"))
            return None
        if session.get("password_expired"):
            if request.endpoint not in PASSWORD_ENDPOINTS:
                flash(_("Your password has expired or was set by an administrator: choose a new one."), "warning")
                return redirect(url_for("ResetMyPasswordView.this_form_get"))
        return None

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if getattr(g, "user", None) is not None and getattr(g.user, "is_authenticated", False):
            # Dossier pages are not kept in shared or browser caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response
