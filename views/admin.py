"""Reference data screens: departments and the national code tables."""

from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import Optional

from models import CodeItem, Department, StaffDepartment
from models.codes import TABLE_LABELS

from models.labels import LABELS

from .base import DossierInterface, DossierModelView


class DepartmentView(DossierModelView):
    class_permission_name = "departments"
    datamodel = DossierInterface(Department)
    list_title = show_title = _l("Departments")
    add_title = _l("Add department")
    edit_title = _l("Edit department")
    label_columns = {**LABELS, "name": _l("Name")}
    list_columns = ["code", "name", "parent", "is_hr"]
    add_columns = edit_columns = show_columns = ["code", "name", "parent", "is_hr"]
    search_columns = ["code", "name", "parent"]
    base_order = ("code", "asc")
    # FAB makes a NOT NULL column's field required, and an unticked box is "missing":
    # no department but HR could be saved. Unticked is a plain "no".
    add_form_extra_fields = edit_form_extra_fields = {
        "is_hr": BooleanField(LABELS["is_hr"], validators=[Optional()])}

    # A parent that is the department itself or below it would make the tree a loop:
    # refused beside the field (the flush guard refuses it on every other path).
    def _check_parent(self, item):
        from models import organisation, validation

        problem = organisation.parent_problem(self.datamodel.session, item, item.parent)
        if problem:
            raise validation.DossierValidationError([validation.field_error("parent", problem)])

    def pre_add(self, item):
        self._check_parent(item)

    def pre_update(self, item):
        self._check_parent(item)


class CodeItemView(DossierModelView):
    """Read-only: the tables are national standards shipped with the product."""
    class_permission_name = "code_tables"

    datamodel = DossierInterface(CodeItem)
    base_permissions = ["can_list", "can_show"]
    list_title = show_title = _l("Code tables")
    label_columns = {**LABELS, "name": _l("Name")}
    list_columns = ["table_name", "code", "name", "name_zh_hant", "name_en"]
    show_columns = list_columns
    search_columns = ["table_name", "code", "name"]
    base_order = ("table_name", "asc")
    formatters_columns = {"table_name": lambda t: str(TABLE_LABELS.get(t, t))}


class StaffDepartmentView(DossierModelView):
    """The system administrator places staff in departments; first review follows them."""
    class_permission_name = "staff_departments"

    datamodel = DossierInterface(StaffDepartment)
    list_title = show_title = _l("Staff departments")
    add_title = _l("Assign a department")
    edit_title = _l("Change a department assignment")
    label_columns = {**LABELS, "user": _l("Account")}
    list_columns = add_columns = edit_columns = show_columns = ["user", "department"]
    search_columns = ["user", "department"]

    # Membership decides whose dossiers clerks and department heads reach (security.scope):
    # every change becomes a permission request for a second officer (§5.1 权限审批).
    def _propose(self, user, proposed: list):
        from flask import g

        from security import approvals

        session = self.datamodel.session
        before = approvals.departments_of_user(session, user.id)
        session.rollback()  # nothing of the form's own write stays in the session
        request = approvals.propose(self.appbuilder.sm, session, "user_departments", user, before, proposed, g.user)
        session.commit()
        if request is not None:
            raise approvals.Pending(request)

    def pre_add(self, item):
        from security import approvals

        current = approvals.departments_of_user(self.datamodel.session, item.user.id)
        self._propose(item.user, [*current, item.department])

    def pre_update(self, item):
        from security import approvals

        # The id columns still hold the stored values: the form has set only the relations.
        if item.user.id != item.user_id:
            raise approvals.ApprovalError("move", _("Assign the department to the other account instead."))
        current = approvals.departments_of_user(self.datamodel.session, item.user_id)
        self._propose(item.user, [d for d in current if d.id != item.department_id] + [item.department])

    def pre_delete(self, item):
        from security import approvals

        current = approvals.departments_of_user(self.datamodel.session, item.user_id)
        self._propose(item.user, [d for d in current if d.id != item.department_id])
