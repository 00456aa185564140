"""Career section (§2.2): work experience, and education from senior high school on."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, String

from .base import SectionRecord, code_column, date_column


class WorkExperience(SectionRecord, Model):
    __tablename__ = "work_experience"
    section_key = "work_experience"
    section_area = "career"
    section_label = _l("Work experience")
    dossier_required = True
    catalogue_class = "1"
    list_columns = ("start_date", "end_date", "unit", "post")
    order_by = ("start_date",)

    unit = Column(String(200), nullable=False)
    post = Column(String(100), nullable=False)
    start_date = date_column(nullable=False, min_age=16)
    end_date = date_column(after="start_date")


class Education(SectionRecord, Model):
    __tablename__ = "education"
    section_key = "education"
    section_area = "career"
    section_label = _l("Education history")
    dossier_required = True
    catalogue_class = "4-1"
    list_columns = ("start_date", "graduation_date", "school", "major", "education", "degree")
    order_by = ("start_date",)

    school = Column(String(200), nullable=False)
    major = Column(String(100))
    education = code_column("education")
    degree = code_column("degree")
    start_date = date_column(nullable=False, min_age=12)
    graduation_date = date_column(after="start_date")
