"""Other important information (§2.7): duty reports, personal matters, achievements."""

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

    year = Column(Integer, nullable=False, info={"year": True})
    title = Column(String(200), nullable=False)
    content = Column(Text, nullable=False)
    reported_on = date_column(min_age=16)


class PersonalMatterReport(SectionRecord, Model):
    __tablename__ = "personal_matter_report"
    section_key = "personal_matter_report"
    section_area = "other"
    section_label = _l("Personal matters report")
    list_columns = ("reported_on", "kind")
    order_by = ("reported_on",)

    kind = code_column("personal_matter_kind", nullable=False)
    reported_on = date_column(nullable=False, min_age=16)
    _content = sensitive_column("content", text=True, required=True)
    content = Sensitive("_content")


class Achievement(SectionRecord, Model):
    __tablename__ = "achievement"
    section_key = "achievement"
    section_area = "other"
    section_label = _l("Notable achievement")
    list_columns = ("achieved_on", "title")
    order_by = ("achieved_on",)

    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    achieved_on = date_column(min_age=16)
