"""FAB's own user and role screens, with permission changes held for approval (§5.1 权限审批).

The classes keep FAB's names, so permissions, menus and endpoints stay FAB's and
administrators work as they are used to; only the writing of grants changes:
roles chosen for a user and permissions chosen for a role become a
``PermissionRequest`` (``security.approvals``) instead of taking effect.
"""

from flask import current_app, flash, g, redirect
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.forms import ResetPasswordForm as FabResetPasswordForm
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView
from flask_appbuilder.security.views import ResetPasswordView as FabResetPasswordView
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserDBModelView as FabUserDBModelView
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import LazyString, gettext as _, lazy_gettext as _l
from flask_login import logout_user
from sqlalchemy import inspect, select
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from config import AUTH_ROLE_ADMIN, AUTH_ROLE_PUBLIC
from security import accounts, approvals, request_state
from security.roles import role_label


def _password_rules() -> str:
    # What security.accounts.validate_password (FAB_PASSWORD_COMPLEXITY_VALIDATOR) checks, from its settings.
    config = current_app.config
    return _("At least %(length)s characters, mixing at least %(classes)s of: lower-case letters, upper-case "
             "letters, digits, other characters; not a common password nor built on one; not containing the "
             "account's name, login, e-mail or personal dates; none of its last %(history)s passwords.",
             length=config["PASSWORD_MIN_LENGTH"], classes=config["PASSWORD_MIN_CLASSES"],
             history=config["PASSWORD_HISTORY"])


PASSWORD_RULES = LazyString(_password_rules)


def password_fields() -> dict:
    return {
        "password": PasswordField(_l("Password"), description=PASSWORD_RULES,
                                  validators=[DataRequired(), PasswordComplexityValidator()],
                                  widget=BS3PasswordFieldWidget()),
        "conf_password": PasswordField(_l("Confirm Password"), description=_l("Type the same password again."),
                                       validators=[EqualTo("password", message=_l("Passwords must match"))],
                                       widget=BS3PasswordFieldWidget()),
    }


class ResetPasswordForm(FabResetPasswordForm):
    """FAB's form said the application does not check passwords: it does, and says how."""

    password, conf_password = password_fields().values()


class AuthDBView(FabAuthDBView):
    """FAB's sign-in; signing out is a POST (a link or an image on any page could sign a user out)."""

    @expose("/logout/", methods=["POST"])
    def logout(self):
        user = self._get_authenticated_user()
        logout_user()
        if user is not None:
            self.appbuilder.sm.on_user_logout(user)
        return redirect(self.appbuilder.get_url_for_login)


class ResetMyPasswordView(FabResetMyPasswordView):
    form = ResetPasswordForm


class ResetPasswordView(FabResetPasswordView):
    """An administrator's password reset: the account is resolved once (``accounts.reset_target``),
    checked on that account, and written to that same account."""

    form = ResetPasswordForm

    def form_get(self, form):
        accounts.reset_target()

    def form_post(self, form):
        target = accounts.reset_target()
        self.appbuilder.sm.reset_password(target.id, form.password.data)
        flash(str(self.message), "info")


def _before(item, attribute) -> list:
    """The grants as stored, whatever the form has put on ``item`` since."""
    history = inspect(item).attrs[attribute].history
    if not history.has_changes():
        return list(getattr(item, attribute))
    return [*history.unchanged, *history.deleted]


class _HeldGrants:
    """Mixin: the ``granted`` relation of the edited item is proposed, not written."""

    kind: str
    granted: str

    def pre_update(self, item):
        super().pre_update(item)
        before, proposed = _before(item, self.granted), list(getattr(item, self.granted))
        sm = self.appbuilder.sm
        request = approvals.propose(sm, self.datamodel.session, self.kind, item, before, proposed, g.user)
        if request is not None:
            setattr(item, self.granted, before)
            self._tell(request)

    def pre_add(self, item):
        super().pre_add(item)
        held = request_state.current().held_grants = list(getattr(item, self.granted))
        setattr(item, self.granted, [])
        # Refused before anything is written (Admin, two officers' duties in one account).
        with self.datamodel.session.no_autoflush:
            approvals.check_grants(self.appbuilder.sm, self.datamodel.session, self.kind, item, held)

    def post_add(self, item):
        super().post_add(item)
        session = self.datamodel.session
        state = request_state.current()
        held, state.held_grants = state.held_grants, []
        request = approvals.propose(self.appbuilder.sm, session, self.kind, item, [], held, g.user)
        self._after_create(session, item)
        session.commit()
        if request is not None:
            self._tell(request)

    def _after_create(self, session, item):
        pass

    @staticmethod
    def _tell(request):
        flash(_("The change of grants waits for approval by another security officer (request #%(id)s).",
                id=request.id), "info")


class UserDBModelView(_HeldGrants, FabUserDBModelView):
    kind, granted = "user_roles", "roles"
    # Group membership would grant roles past the approval step: accounts get roles only. A name
    # is one field, 姓名: kept in first_name, last_name left empty (an account made before keeps
    # its last_name, shown after the first: FAB's full name).
    add_columns = ["first_name", "username", "active", "email", "roles", "password", "conf_password"]
    edit_columns = ["first_name", "username", "active", "email", "roles"]
    list_columns = ["get_full_name", "username", "email", "active", "roles"]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles", "last_login"]
    show_fieldsets = [
        (_l("Account"), {"fields": ["get_full_name", "username", "email", "active", "roles", "login_count"]}),
        (_l("Sign-ins"), {"fields": ["last_login", "fail_login_count", "created_on", "created_by", "changed_on",
                                     "changed_by"], "expanded": False}),
    ]
    user_show_fieldsets = [(_l("Account"), {"fields": ["get_full_name", "username", "email", "roles"]})]
    label_columns = {**FabUserDBModelView.label_columns, "first_name": _l("Full name"),
                     "get_full_name": _l("Full name"), "last_name": _l("Full name (second part)")}
    # FAB's help texts speak of LDAP, OID and first and last names: these say what this system does.
    description_columns = {
        "first_name": _l("One field, surname first, as on the official's documents."),
        "username": _l("The name the account signs in with."),
        "active": _l("An inactive account cannot sign in and its open sessions end; deactivate instead of "
                     "deleting, so that its history stays attributed."),
        "email": _l("The account may also sign in with its e-mail address."),
        "roles": _l("What the account may do (each role's permissions are in the permission matrix); a change "
                    "waits for a second security officer."),
    }
    add_form_extra_fields = password_fields()
    validators_columns = {"roles": [DataRequired()]}
    formatters_columns = {"roles": lambda roles: "、".join(role_label(r.name) for r in roles or [])}
    # FAB's all-permission Admin and the anonymous Public role are never offered (nor accepted:
    # security.approvals refuses them, and any roles that would combine two officers' duties).
    add_form_query_rel_fields = edit_form_query_rel_fields = {"roles": [
        ["name", FilterNotEqual, AUTH_ROLE_ADMIN], ["name", FilterNotEqual, AUTH_ROLE_PUBLIC]]}

    def _init_forms(self):
        super()._init_forms()
        # The role choice reads as officers name roles (security.roles.role_label).
        for form in (self.add_form, self.edit_form):
            form.roles.kwargs["get_label"] = lambda role: role_label(role.name)

    def prefill_form(self, form, pk):
        # 姓名 is one field: an account made with two parts edits them as one, as pages show it.
        item = self.datamodel.get(pk)
        if item is not None and item.last_name:
            form.first_name.data = accounts.display_name(item)

    def pre_add(self, item):
        item.last_name = ""
        super().pre_add(item)

    def pre_update(self, item):
        if inspect(item).attrs.first_name.history.has_changes():
            item.last_name = ""
        super().pre_update(item)
        if not item.active and inspect(item).attrs.active.history.has_changes():
            # A disabled account's open sessions end now, not at their next sign-in.
            accounts.end_sessions(self.datamodel.session, item.id)

    def _after_create(self, session, item):
        # The administrator chose this password: its owner replaces it at the first sign-in,
        # and can never approve the administrator's requests (it may be the administrator).
        state = accounts.state_of(session, item.id)
        state.must_change_password = True
        state.credentials_set_by_id = g.user.id

    @action("resetsecondfactor", _l("Reset second factor"),
            _l("Request a reset of the second factor of the selected accounts?"), icon="fa-key", single=False)
    def reset_second_factor(self, items):
        """A lost authenticator: the reset waits for a security officer, like any grant."""
        self.update_redirect()
        session = self.datamodel.session
        for item in items if isinstance(items, list) else [items]:
            if not accounts.totp_secret(session, item):
                flash(_("%(user)s has no second factor to reset.", user=item.username), "warning")
                continue
            request = approvals.propose_change(session, "second_factor_reset", item, [1], [], g.user)
            self._tell(request)
        session.commit()
        return redirect(self.get_redirect())


class RoleModelView(_HeldGrants, FabRoleModelView):
    """A role's name here; its permissions in the permission matrix (views.permission_matrix),
    which the edit page links to, never FAB's list of raw "can list on …" strings."""

    kind, granted = "role_permissions", "permissions"
    list_columns = show_columns = ["name"]
    add_columns = edit_columns = ["name"]
    label_columns = {"name": _l("Role")}
    formatters_columns = {"name": role_label}
    list_widget, show_widget = ListWidget, ShowWidget
    edit_template = show_template = "dossier/role_edit.html"

    def pre_update(self, item):
        # A role's name is what officers read when they grant it: a rename waits for a second
        # officer like its permissions do (scope and duties hang on permissions, not on names).
        # The stored name is read outside this transaction: loading the form's permissions may
        # already have autoflushed the new name, leaving the attribute's history empty.
        table = type(item).__table__
        with self.datamodel.session.get_bind().connect() as conn:
            stored = conn.execute(select(table.c.name).where(table.c.id == item.id)).scalar()
        if stored != item.name:
            new, item.name = item.name, stored
            request = approvals.propose_change(self.datamodel.session, "role_rename", item, [stored], [new], g.user)
            self._tell(request)
        super().pre_update(item)

    @action("copyrole", _l("Copy Role"), _l("Copy the selected roles?"), icon="fa-copy", single=False)
    def copy_role(self, items):
        """A copy starts empty; its permissions are requested like any other grant."""
        self.update_redirect()
        session = self.datamodel.session
        for item in items:
            copy = self.datamodel.obj(name=f"{item.name} copy")
            session.add(copy)
            session.flush()
            try:
                request = approvals.propose(self.appbuilder.sm, session, self.kind, copy, [], list(item.permissions),
                                            g.user)
            except approvals.ApprovalError as error:
                session.rollback()
                flash(str(error), "danger")
                return redirect(self.get_redirect())
            if request is not None:
                self._tell(request)
        session.commit()
        return redirect(self.get_redirect())

    def pre_delete(self, item):
        """Deleting a role takes its grants from every holder: it waits for a second officer."""
        super().pre_delete(item)
        session = self.datamodel.session
        request = approvals.propose_change(session, "role_delete", item, [item.id], [], g.user)
        session.commit()
        raise approvals.Pending(request)
