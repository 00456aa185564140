"""Departments of the unit: owners of officials and providers of material (§3.1)."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import relationship


class Department(Model):
    __tablename__ = "department"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), unique=True, nullable=False)
    name = Column(String(100), unique=True, nullable=False)
    # The organisation/HR department does final review and keeps the archive.
    is_hr = Column(Boolean, nullable=False, default=False)

    def __repr__(self):
        return self.name


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
