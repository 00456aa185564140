"""Other important information (§2.7): duty reports, personal matters, achievements."""

from datetime import date, timedelta

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Integer, String, Text

from .base import SectionRecord, code_column, date_column
from .encryption import Sensitive, sensitive_column


class DutyReport(SectionRecord, Model):
    __tablename__ = "duty_report"
    section_key = "duty_report"
    section_area = "other"
    section_label = _l("Duty and integrity report")
    dossier_required = True
    list_columns = ("year", "title", "reported_on")
    order_by = ("year",)
    catalogue_class = "3"

    year = Column(Integer, nullable=False, info={"year": True})
    title = Column(String(200), nullable=False)
    content = Column(Text, nullable=False)
    reported_on = date_column(min_age=16)

    @classmethod
    def demo(cls, d):
        """One report a year, in the years the official also reported on integrity."""
        return [dict(year=year, title=f"{year}年度述职述廉报告", content="认真履行岗位职责，廉洁从政。",
                     reported_on=min(date(year + 1, 1, 15), d.today)) for year in d.extras.get("report_years", ())]


class PersonalMatterReport(SectionRecord, Model):
    __tablename__ = "personal_matter_report"
    section_key = "personal_matter_report"
    section_area = "other"
    section_label = _l("Personal matters report")
    list_columns = ("reported_on", "kind")
    order_by = ("reported_on",)
    catalogue_class = "10"

    kind = code_column("personal_matter_kind", nullable=False)
    reported_on = date_column(nullable=False, min_age=16)
    _content = sensitive_column("content", text=True, required=True)
    content = Sensitive("_content")

    @classmethod
    def demo(cls, d):
        return [dict(kind=d.rng.choice(("01", "02", "05", "06")),
                     reported_on=d.day(max(d.work_start, d.today - timedelta(days=1500))), content="按规定如实报告。")
                for _ in range(d.rng.choice((0, 1, 1, 2)))]


class Achievement(SectionRecord, Model):
    __tablename__ = "achievement"
    section_key = "achievement"
    section_area = "other"
    section_label = _l("Notable achievement")
    list_columns = ("achieved_on", "title")
    order_by = ("achieved_on",)
    catalogue_class = "7"

    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    achieved_on = date_column(min_age=16)

    @classmethod
    def demo(cls, d):
        if d.rng.random() >= 0.5:
            return []
        return [dict(title="牵头完成重点改革任务", description="推动业务流程再造，办理时限压缩一半。", achieved_on=d.day())]
