"""FAB's own user and role screens, with permission changes held for approval (§5.1 权限审批).

The classes keep FAB's names, so permissions, menus and endpoints stay FAB's and
administrators work as they are used to; only the writing of grants changes:
roles chosen for a user and permissions chosen for a role become a
``PermissionRequest`` (``security.approvals``) instead of taking effect.
"""

from flask import flash, g, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserDBModelView as FabUserDBModelView
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import inspect, select
from wtforms.validators import DataRequired

from security import accounts, approvals


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
        g.held_grants = list(getattr(item, self.granted))
        setattr(item, self.granted, [])

    def post_add(self, item):
        super().post_add(item)
        session = self.datamodel.session
        request = approvals.propose(self.appbuilder.sm, session, self.kind, item, [], g.pop("held_grants", []), g.user)
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
    # Group membership would grant roles past the approval step: accounts get roles only.
    add_columns = [c for c in FabUserDBModelView.add_columns if c != "groups"]
    edit_columns = [c for c in FabUserDBModelView.edit_columns if c != "groups"]
    validators_columns = {"roles": [DataRequired()]}

    def _after_create(self, session, item):
        # The administrator chose this password: its owner replaces it at the first sign-in.
        state = accounts.state_of(session, item.id)
        state.must_change_password = True


class RoleModelView(_HeldGrants, FabRoleModelView):
    kind, granted = "role_permissions", "permissions"

    def pre_update(self, item):
        # A role's name carries its department scope (security.roles.ROLE_SCOPE): renaming
        # one role into another's name would widen access without any approval.
        # Read the stored name outside this transaction: loading the form's permissions may
        # already have autoflushed the new name, leaving the attribute's history empty.
        table = type(item).__table__
        with self.datamodel.session.get_bind().connect() as conn:
            stored = conn.execute(select(table.c.name).where(table.c.id == item.id)).scalar()
        if inspect(item).attrs.name.history.has_changes() or stored != item.name:
            raise approvals.ApprovalError("rename", _("Role names cannot be changed: create a new role and "
                                                      "request its permissions instead."))
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
            request = approvals.propose(self.appbuilder.sm, session, self.kind, copy, [], list(item.permissions), g.user)
            if request is not None:
                self._tell(request)
        session.commit()
        return redirect(self.get_redirect())

    def pre_delete(self, item):
        super().pre_delete(item)
        if item.permissions:
            raise approvals.ApprovalError("role_in_use", _(
                "A role that still grants permissions cannot be deleted: request the removal of its "
                "permissions first."))
