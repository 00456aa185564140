"""The signed-in user's own account security: password age and the optional second factor."""

import pyotp
import segno
from flask import flash, g, redirect, request, session, url_for
from flask_login import logout_user
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from models.db import db
from security import accounts, audit


class AccountSecurityView(BaseView):
    class_permission_name = "account_security"
    route_base = "/account"
    default_view = "index"

    @expose("/security", methods=["GET"])
    @has_access
    def index(self):
        secret = accounts.totp_secret(db.session, g.user)
        pending = None
        if not secret:
            # A new secret is offered until the user proves their authenticator has it;
            # the session cookie can be read by its holder, so it carries it encrypted.
            pending = accounts.open_enrolment(g.user.id, session.get("totp_enrol")) or pyotp.random_base32()
            session["totp_enrol"] = accounts.seal_enrolment(g.user.id, pending)
        state = db.session.get(accounts.AccountSecurity, g.user.id)
        issuer = str(self.appbuilder.app_name)
        uri = pyotp.TOTP(pending).provisioning_uri(name=g.user.username, issuer_name=issuer) if pending else None
        return self.render_template(
            "dossier/account_security.html", enabled=bool(secret), secret=pending, uri=uri,
            qr_code=qr_svg(uri) if uri else None,
            changed_at=state.password_changed_at if state else None,
            max_age=accounts.setting("PASSWORD_MAX_AGE_DAYS"),
        )

    @expose("/security/enrol", methods=["POST"])
    @has_access
    def enrol(self):
        secret = accounts.open_enrolment(g.user.id, session.get("totp_enrol"))
        if not secret or not accounts.totp_ok(secret, request.form.get("code")):
            flash(_("That code does not match: check the time on your device and enter the current code."), "danger")
            return redirect(url_for(".index"))
        accounts.enable_totp(db.session, g.user, secret)
        audit.record("second_factor_enabled", object_type="ab_user", object_id=g.user.id)
        db.session.commit()
        session.pop("totp_enrol", None)
        # An officer held at enrolment has just proved the new factor: the sign-in goes on.
        session.pop("totp_required", None)
        flash(_("Two-step sign-in is on: each sign-in now asks for a code from your authenticator."), "success")
        return redirect(url_for(".index"))

    @expose("/security/disable", methods=["POST"])
    @has_access
    def disable(self):
        from security import duties

        if duties.is_officer(self.appbuilder.sm, g.user):
            flash(_("Security officers cannot turn off two-step sign-in."), "danger")
            return redirect(url_for(".index"))
        secret = accounts.totp_secret(db.session, g.user)
        if not secret or not accounts.totp_ok(secret, request.form.get("code")):
            flash(_("That code does not match: two-step sign-in stays on."), "danger")
            return redirect(url_for(".index"))
        accounts.disable_totp(db.session, g.user)
        audit.record("second_factor_disabled", object_type="ab_user", object_id=g.user.id)
        db.session.commit()
        flash(_("Two-step sign-in is off."), "success")
        return redirect(url_for(".index"))

    @expose("/verify", methods=["GET", "POST"])
    @has_access
    def verify(self):
        """The second step of signing in, for accounts that enrolled a second factor."""
        if not session.get("totp_pending"):
            return redirect(self.appbuilder.get_url_for_index)
        if request.method == "POST":
            if accounts.second_factor(db.session, g.user, request.form.get("code")):
                session.pop("totp_pending")
                audit.record("second_factor_passed", object_type="ab_user", object_id=g.user.id)
                db.session.commit()
                return redirect(self.appbuilder.get_url_for_index)
            audit.record("second_factor_failed", object_type="ab_user", object_id=g.user.id)
            if accounts.locked_until(db.session, g.user):
                # Too many wrong codes: the sign-in ends and the account is locked like after bad passwords.
                audit.record("lockout", object_type="ab_user", object_id=g.user.id, details={"reason": "second_factor"})
                db.session.commit()
                logout_user()
                session.clear()
                flash(_("Too many wrong codes: the account is locked for a while."), "danger")
                return redirect(url_for("AuthDBView.login"))
            db.session.commit()
            flash(_("That code does not match."), "danger")
        return self.render_template("dossier/totp_verify.html")


def qr_svg(uri: str):
    """The provisioning URI as an inline SVG QR code an authenticator app can scan."""
    from markupsafe import Markup

    # segno escapes the title; the SVG holds only paths, so it passes the page's CSP.
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, border=4, title=_("QR code of the key"),
                                                        svgclass="totp-qr", lineclass=None))
