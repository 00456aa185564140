"""Departments of the unit: owners of officials and providers of material (§3.1)."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Integer, String


class Department(Model):
    __tablename__ = "department"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), unique=True, nullable=False)
    name = Column(String(100), unique=True, nullable=False)
    # The organisation/HR department does final review and keeps the archive.
    is_hr = Column(Boolean, nullable=False, default=False)

    def __repr__(self):
        return self.name
