"""Training section (§2.4): programmes attended and their outcomes."""

from datetime import timedelta

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from . import demo
from .base import SectionRecord, date_column
from .roster_fields import Total


class Training(SectionRecord, Model):
    __tablename__ = "training"
    section_key = "training"
    section_area = "training"
    section_label = _l("Training programme")
    catalogue_class = "4-4"
    list_columns = ("start_date", "end_date", "name", "institution", "place", "hours")
    order_by = ("start_date",)
    roster_columns = (Total("training_hours", of="hours"), Total("training_count"))

    # The programme's name: the shared label of "name" is a person's (姓名).
    name = Column(String(200), nullable=False, info={"label": _l("Training programme")})
    start_date = date_column(nullable=False, min_age=16)
    end_date = date_column(after="start_date")
    place = Column(String(100))
    institution = Column(String(200))
    hours = Column(Integer, info={"range": (1, 5000)})

    @classmethod
    def demo(cls, d):
        rng, rows = d.rng, []
        for _ in range(rng.randint(1, 3)):
            start = d.day(end=d.today - timedelta(days=10))
            rows.append(dict(name=rng.choice(demo.TRAININGS), start_date=start,
                             end_date=min(start + timedelta(days=rng.randint(2, 9)), d.today),
                             place=rng.choice(demo.PLACES), institution=rng.choice(demo.SCHOOLS[-2:]),
                             hours=rng.choice((16, 24, 40, 56, 80))))
        d.extras["training_ends"] = [row["end_date"] for row in rows]
        return rows

    def __repr__(self):
        return self.name


class TrainingOutcome(SectionRecord, Model):
    __tablename__ = "training_outcome"
    section_key = "training_outcome"
    section_area = "training"
    section_label = _l("Training outcome")
    catalogue_class = "4-4"
    list_columns = ("obtained_on", "certificate", "certificate_no", "training")
    order_by = ("obtained_on",)

    training_id = Column(Integer, ForeignKey("training.id", ondelete="SET NULL"))
    training = relationship("Training")
    certificate = Column(String(200))
    certificate_no = Column(String(60))
    summary = Column(Text)
    obtained_on = date_column(min_age=16)

    @classmethod
    def demo(cls, d):
        """A certificate for about half of the programmes attended (Training.demo)."""
        return [dict(certificate="结业证书", certificate_no=f"PX{d.rng.randrange(10**8):08d}",
                     summary="系统学习了相关理论与业务知识。", obtained_on=min(end + timedelta(days=1), d.today))
                for end in d.extras.get("training_ends", ()) if d.rng.random() < 0.5]
