"""FAB's security manager, adapted in one place for an isolated records system."""

from flask import current_app, flash, g, has_request_context, session
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from security import accounts, audit
from security.views import RoleModelView, UserDBModelView


# What a sign-in keeps in the session cookie (security.session_guard, views.account).
SIGN_IN_STATE = ("totp_pending", "password_expired", "_last_seen", "totp_enrol")


class DossierSecurityManager(SecurityManager):
    # FAB's user statistics chart loads Google Charts from the internet.
    userstatschartview = None
    # Role and permission changes wait for a second security officer.
    userdbmodelview = UserDBModelView
    rolemodelview = RoleModelView

    def exist_permission_on_roles(self, view_name, permission_name, role_ids) -> bool:
        """FAB asks the database once per check, and a page checks every menu item:
        here the roles' grants are read once per request and looked up in memory."""
        return (view_name, permission_name) in self.grants_of(role_ids)

    def grants_of(self, role_ids) -> frozenset:
        key = tuple(sorted(role_ids))
        # Per request only: a grant approved in another request counts from the next one.
        cache = g.setdefault("_dossier_grants", {}) if has_request_context() else {}
        if key not in cache:
            pv, link = self.permissionview_model, assoc_permissionview_role
            cache[key] = frozenset(self.session.execute(
                select(self.viewmenu_model.name, self.permission_model.name)
                .select_from(pv)
                .join(link, link.c.permission_view_id == pv.id)
                .join(self.permission_model, self.permission_model.id == pv.permission_id)
                .join(self.viewmenu_model, self.viewmenu_model.id == pv.view_menu_id)
                .where(link.c.role_id.in_(key))
            ).all())
        return cache[key]

    def auth_user_db(self, username, password):
        """FAB's password check, with lockout (§6.1.2) and every attempt in the audit trail (§6.3).

        FAB commits its own login bookkeeping, so the event is committed here; if it
        cannot be recorded the login fails (an unaudited login must not happen).
        """
        if not username:
            return super().auth_user_db(username, password)
        known = self.find_user(username=username) or self.find_user(email=username)
        locked = known is not None and accounts.locked_until(self.session, known)
        if locked:
            audit.record("login_refused", actor=known, details={"reason": "locked"}, session=self.session)
            self.session.commit()
            self._say_locked(locked)
            return None
        user = super().auth_user_db(username, password)
        if user is not None:
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
            audit.record("login_failed", actor=known, details={"reason": reason}, session=self.session)
            until = accounts.after_failure(self.session, known) if known.is_active else None
            if until:
                audit.record("lockout", actor=known, details={"until": until.isoformat(timespec="minutes")},
                             session=self.session)
                self._say_locked(until)
        self.session.commit()
        return user

    @staticmethod
    def _say_locked(until):
        if has_request_context():
            flash(_("This account is locked after repeated failed sign-ins until %(time)s.",
                    time=until.strftime("%H:%M")), "danger")

    def _start_session(self, user) -> None:
        if not has_request_context():
            return
        # Nothing of an earlier sign-in on this browser carries over.
        for key in SIGN_IN_STATE:
            session.pop(key, None)
        if accounts.totp_secret(self.session, user):
            session["totp_pending"] = True
        session["password_expired"] = accounts.password_expired(self.session, user)

    def reset_password(self, userid, password, must_change=None):
        """Set a password, keeping the old hash for the reuse rule. One set by somebody
        else (an administrator's reset) must be changed at the owner's next sign-in,
        unless ``must_change`` says otherwise (the published demo accounts)."""
        user = self.get_user_by_id(userid)
        old_hash = user.password
        by_owner = has_request_context() and getattr(g, "user", None) is not None and g.user.id == user.id
        if must_change is None:
            must_change = not by_owner
        config = current_app.config
        user.password = generate_password_hash(
            password=password, method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))
        accounts.password_changed(self.session, user, old_hash, must_change=must_change)
        actor = g.user if has_request_context() and getattr(g, "user", None) is not None else "cli"
        audit.record("password_changed", actor=actor, object_type="ab_user", object_id=user.id,
                     details={"by_owner": by_owner}, session=self.session)
        self.update_user(user)
        if by_owner:
            session.pop("password_expired", None)

    def on_user_logout(self, user) -> None:
        audit.record("logout", actor=user, session=self.session)
        self.session.commit()
        if has_request_context():
            for key in SIGN_IN_STATE:
                session.pop(key, None)
