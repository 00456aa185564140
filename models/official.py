"""The official and the basic-information section (§2.1: personal facts and contact)."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from .base import SourceMixin, code_column, date_column


class Official(SourceMixin, Model):
    __tablename__ = "official"
    __versioned__ = {}

    section_key = "basic"
    section_area = "basic"
    section_label = _l("Basic information")

    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, index=True)
    gender = code_column("gender", nullable=False)
    birth_date = date_column(nullable=False, birth=True)
    ethnicity = code_column("ethnicity")
    native_place = Column(String(100))
    political_status = code_column("political_status")
    education = code_column("education")
    degree = code_column("degree")
    work_start_date = date_column(min_age=16)
    party_join_date = date_column(min_age=18)
    citizen_id = Column(String(18), unique=True, info={"format": "citizen_id"})
    department_id = Column(Integer, ForeignKey("department.id"), nullable=False, index=True)
    department = relationship("Department", foreign_keys=[department_id])
    post = Column(String(100), index=True)
    status = code_column("official_status", nullable=False, default="1", index=True)
    office_phone = Column(String(30), info={"format": "phone"})
    mobile = Column(String(20), info={"format": "mobile"})
    email = Column(String(120), info={"format": "email"})
    # The official's own login, for self-service (§3.1 channel 1).
    account_id = Column(Integer, ForeignKey("ab_user.id"), unique=True)
    account = relationship("User", foreign_keys=[account_id])

    @property
    def official(self):
        return self

    def __repr__(self):
        return self.name
