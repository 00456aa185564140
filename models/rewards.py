"""Rewards and sanctions section (§2.5)."""

from datetime import timedelta

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Integer, String

from . import demo
from .base import SectionRecord, code_column, date_column
from .encryption import Sensitive, sensitive_column
from .roster_fields import InForce, Total


class Reward(SectionRecord, Model):
    __tablename__ = "reward"
    section_key = "reward"
    section_area = "rewards"
    section_label = _l("Reward")
    catalogue_class = "7"
    list_columns = ("granted_on", "title", "granting_body", "level")
    order_by = ("granted_on",)
    roster_columns = (Total("reward_count"),)

    title = Column(String(200), nullable=False)
    granting_body = Column(String(200), nullable=False)
    granted_on = date_column(nullable=False, min_age=16)
    level = code_column("reward_level")

    @classmethod
    def demo(cls, d):
        rows = []
        for _ in range(d.rng.choice((0, 1, 1, 2))):
            title, body = d.rng.choice(demo.REWARDS)
            rows.append(dict(title=title, granting_body=body, granted_on=d.day(), level=d.rng.choice(("3", "4", "5"))))
        return rows


class Sanction(SectionRecord, Model):
    __tablename__ = "sanction"
    section_key = "sanction"
    section_area = "rewards"
    section_label = _l("Sanction")
    catalogue_class = "8"
    list_columns = ("decided_on", "kind", "deciding_body", "period_months")
    order_by = ("decided_on",)
    # Clerks enter sanctions without reading them back; documents of class 8 are as closed
    # as the sanctions themselves, and the unit head first-reviews them (not the
    # department head, who may not read them).
    access = {"clerk": "add"}
    guards_catalogue_class = True
    unit_first_review = True
    roster_columns = (InForce("sanction_in_force", start="decided_on", end="ends_on"),)

    kind = code_column("sanction_kind", nullable=False)
    _reason = sensitive_column("reason", text=True, required=True)
    reason = Sensitive("_reason")
    deciding_body = Column(String(200), nullable=False)
    decided_on = date_column(nullable=False, min_age=16)
    period_months = Column(Integer, info={"range": (1, 120)})
    ends_on = date_column(after="decided_on", allow_future=True)

    @classmethod
    def demo(cls, d):
        if d.rng.random() >= 0.02:
            return []
        decided = d.day()
        return [dict(kind=d.rng.choice(("P1", "A1", "A2")), reason="违反工作纪律。", deciding_body="纪检监察室",
                     decided_on=decided, period_months=6, ends_on=decided + timedelta(days=182))]
