"""Evaluation section (§2.3): annual and special assessments."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Integer, String, Text, UniqueConstraint

from .base import SectionRecord, code_column, date_column


class AnnualAssessment(SectionRecord, Model):
    __tablename__ = "annual_assessment"
    __table_args__ = (UniqueConstraint("official_id", "year"),)
    section_key = "annual_assessment"
    section_area = "evaluation"
    section_label = _l("Annual assessment")
    dossier_required = True
    catalogue_class = "3"
    list_columns = ("year", "grade", "comments")
    order_by = ("year",)

    year = Column(Integer, nullable=False, info={"year": True})
    grade = code_column("assessment_grade", nullable=False)
    comments = Column(Text)


class SpecialAssessment(SectionRecord, Model):
    __tablename__ = "special_assessment"
    section_key = "special_assessment"
    section_area = "evaluation"
    section_label = _l("Special assessment")
    catalogue_class = "3"
    list_columns = ("assessed_on", "project", "result")
    order_by = ("assessed_on",)

    project = Column(String(200), nullable=False)
    result = Column(String(200), nullable=False)
    assessed_on = date_column(nullable=False, min_age=16)
