"""Integrity file section (§2.6 廉政档案): reports, risk points and controls, violations."""

from datetime import date, timedelta

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, String

from .base import SectionRecord, date_column
from .encryption import Sensitive, sensitive_column


class IntegrityReport(SectionRecord, Model):
    __tablename__ = "integrity_report"
    section_key = "integrity_report"
    section_area = "integrity"
    section_label = _l("Integrity report")
    dossier_required = True
    list_columns = ("submitted_on", "period")
    order_by = ("submitted_on",)
    catalogue_class = "10"
    unit_first_review = True

    period = Column(String(50), nullable=False)
    submitted_on = date_column(nullable=False, min_age=16)
    _summary = sensitive_column("summary", text=True, required=True)
    summary = Sensitive("_summary")

    @classmethod
    def demo(cls, d):
        d.extras["report_years"] = years = range(d.today.year - d.rng.randint(1, 3), d.today.year)
        return [dict(period=f"{year}年度", submitted_on=min(date(year + 1, 1, 20), d.today),
                     summary="严格遵守廉洁自律各项规定。") for year in years]


class IntegrityRisk(SectionRecord, Model):
    __tablename__ = "integrity_risk"
    section_key = "integrity_risk"
    section_area = "integrity"
    section_label = _l("Risk point and controls")
    list_columns = ("identified_on", "risk_point", "controls")
    order_by = ("identified_on",)
    catalogue_class = "10"
    unit_first_review = True

    _risk_point = sensitive_column("risk_point", text=True, required=True)
    risk_point = Sensitive("_risk_point")
    _controls = sensitive_column("controls", text=True, required=True)
    controls = Sensitive("_controls")
    identified_on = date_column(min_age=16)

    @classmethod
    def demo(cls, d):
        return [dict(risk_point=d.rng.choice(("资金审批", "项目评审", "干部选拔", "政府采购")),
                     controls="实行集体决策和全程留痕。",
                     identified_on=d.day(max(d.work_start, d.today - timedelta(days=1000))))]


class ViolationRecord(SectionRecord, Model):
    __tablename__ = "violation_record"
    section_key = "violation_record"
    section_area = "integrity"
    section_label = _l("Violation record")
    catalogue_class = "8"
    list_columns = ("occurred_on", "description", "handled_on")
    order_by = ("occurred_on",)
    guards_catalogue_class = True
    unit_first_review = True

    occurred_on = date_column(nullable=False, min_age=16)
    _description = sensitive_column("description", text=True, required=True)
    description = Sensitive("_description")
    _handling = sensitive_column("handling", text=True)
    handling = Sensitive("_handling")
    handled_on = date_column(after="occurred_on")

    @classmethod
    def demo(cls, d):
        if d.rng.random() >= 0.005:
            return []
        return [dict(occurred_on=d.day(), description="未按规定报告个人有关事项。", handling="批评教育", handled_on=None)]
