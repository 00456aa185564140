"""Departments of the unit: owners of officials and providers of material (§3.1).

Departments form a tree (``parent``): a division's sections are its sub-departments. A
roster's department filter and the statistics' roll-up read the whole subtree; the
tree never has a cycle (``parent_problem``, checked on every write of a department).
"""

from flask_appbuilder import Model
from flask_babel import gettext as _
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, UniqueConstraint, event, select
from sqlalchemy.orm import Session, aliased, relationship


class Department(Model):
    __tablename__ = "department"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), unique=True, nullable=False)
    name = Column(String(100), unique=True, nullable=False)
    # The organisation/HR department does final review and keeps the archive.
    is_hr = Column(Boolean, nullable=False, default=False)
    parent_id = Column(Integer, ForeignKey("department.id"), index=True)
    parent = relationship("Department", remote_side=[id], foreign_keys=[parent_id])

    def __repr__(self):
        return self.name


def subtree(ids):
    """A SELECT of the ids of these departments and of every department below them.
    UNION (not UNION ALL): even a cycle written behind the application's back ends."""
    roots = select(Department.id).where(Department.id.in_(list(ids))).cte("subtree", recursive=True)
    child = aliased(Department)
    tree = roots.union(select(child.id).where(child.parent_id == roots.c.id))
    return select(tree.c.id)


def roots_of(session) -> dict[int, int]:
    """Department id → the id of the top of its tree (itself for a top department)."""
    parents = dict(session.execute(select(Department.id, Department.parent_id)).all())
    roots = {}
    for department_id in parents:
        seen, current = {department_id}, department_id
        while parents.get(current) is not None and parents[current] not in seen:
            current = parents[current]
            seen.add(current)
        roots[department_id] = current
    return roots


def parent_problem(session, department, parent) -> str | None:
    """Why ``parent`` cannot be ``department``'s parent (itself or below it), if it cannot."""
    if parent is None:
        return None
    if parent is department or (department.id is not None and parent.id == department.id):
        return _("a department cannot be its own parent department")
    if department.id is None or parent.id is None:
        return None
    with session.no_autoflush:
        below = set(session.scalars(subtree([department.id])))
    if parent.id in below:
        return _("%(parent)s is under %(department)s, so it cannot be its parent department",
                 parent=parent.name, department=department.name)
    return None


def _guard(session, flush_context, instances):
    """Every write path: a department is never placed under itself."""
    from .validation import DossierValidationError, field_error

    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Department) and session.is_modified(obj):
            problem = parent_problem(session, obj, obj.parent)
            if problem:
                raise DossierValidationError([field_error("parent", problem)])


def install_guard() -> None:
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)


class StaffDepartment(Model):
    """Which department(s) a member of staff belongs to: a clerk's department decides
    who first-reviews their entries (§3.3), and a department head reviews for theirs."""

    __tablename__ = "staff_department"
    __table_args__ = (UniqueConstraint("user_id", "department_id"),)

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    department_id = Column(Integer, ForeignKey("department.id", ondelete="CASCADE"), nullable=False, index=True)
    user = relationship("User")
    department = relationship("Department")

    def __repr__(self):
        return f"{self.user} — {self.department}"
