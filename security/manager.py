"""FAB's security manager, adapted in one place for an isolated records system."""

from flask_appbuilder.security.sqla.manager import SecurityManager

from security import audit


class DossierSecurityManager(SecurityManager):
    # FAB's user statistics chart loads Google Charts from the internet.
    userstatschartview = None

    def auth_user_db(self, username, password):
        """FAB's password check, with every attempt in the audit trail (§6.3).

        FAB commits its own login bookkeeping, so the event is committed here; if it
        cannot be recorded the login fails (an unaudited login must not happen).
        """
        user = super().auth_user_db(username, password)
        if not username:
            return user
        if user is not None:
            audit.record("login", actor=user, session=self.session)
        else:
            known = self.find_user(username=username) or self.find_user(email=username)
            if known is None:
                actor, reason = username, "unknown_account"
            else:
                actor, reason = known, "inactive_account" if not known.is_active else "bad_password"
            audit.record("login_failed", actor=actor, details={"reason": reason}, session=self.session)
        self.session.commit()
        return user

    def on_user_logout(self, user) -> None:
        audit.record("logout", actor=user, session=self.session)
        self.session.commit()
