"""Evaluation section (§2.3): annual and special assessments."""

from datetime import timedelta

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Integer, String, Text, UniqueConstraint

from . import demo
from .base import SectionRecord, code_column, date_column
from .roster_fields import Latest


class AnnualAssessment(SectionRecord, Model):
    __tablename__ = "annual_assessment"
    table_args = (UniqueConstraint("official_id", "year"),)
    section_key = "annual_assessment"
    section_area = "evaluation"
    section_label = _l("Annual assessment")
    dossier_required = True
    catalogue_class = "3"
    list_columns = ("year", "grade", "comments")
    order_by = ("year",)
    roster_columns = (Latest("latest_grade", of="grade", by="year", code_table="assessment_grade", filters=("eq",)),
                      Latest("latest_assessment_year", of="year", by="year"))

    year = Column(Integer, nullable=False, info={"year": True})
    grade = code_column("assessment_grade", nullable=False)
    comments = Column(Text)

    @classmethod
    def demo(cls, d):
        return [dict(year=year, grade=demo.weighted(d.rng, demo.GRADES), comments="德才表现良好，完成年度目标任务。")
                for year in range(max(d.work_start.year + 1, d.today.year - 5), d.today.year)]


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

    @classmethod
    def demo(cls, d):
        if d.rng.random() >= 0.5:
            return []
        return [dict(project=d.rng.choice(demo.PROJECTS), result=d.rng.choice(("优秀", "良好", "合格")),
                     assessed_on=d.day(max(d.work_start, d.today - timedelta(days=1800))))]
