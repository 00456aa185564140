"""Rewards and sanctions section (§2.5)."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Integer, String

from .base import SectionRecord, code_column, date_column
from .encryption import Sensitive, sensitive_column


class Reward(SectionRecord, Model):
    __tablename__ = "reward"
    section_key = "reward"
    section_area = "rewards"
    section_label = _l("Reward")
    catalogue_class = "7"
    list_columns = ("granted_on", "title", "granting_body", "level")
    order_by = ("granted_on",)

    title = Column(String(200), nullable=False)
    granting_body = Column(String(200), nullable=False)
    granted_on = date_column(nullable=False, min_age=16)
    level = code_column("reward_level")


class Sanction(SectionRecord, Model):
    __tablename__ = "sanction"
    section_key = "sanction"
    section_area = "rewards"
    section_label = _l("Sanction")
    catalogue_class = "8"
    list_columns = ("decided_on", "kind", "deciding_body", "period_months")
    order_by = ("decided_on",)

    kind = code_column("sanction_kind", nullable=False)
    _reason = sensitive_column("reason", text=True, required=True)
    reason = Sensitive("_reason")
    deciding_body = Column(String(200), nullable=False)
    decided_on = date_column(nullable=False, min_age=16)
    period_months = Column(Integer, info={"range": (1, 120)})
    ends_on = date_column(after="decided_on", allow_future=True)
