"""Training section (§2.4): programmes attended and their outcomes."""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from .base import SectionRecord, date_column


class Training(SectionRecord, Model):
    __tablename__ = "training"
    section_key = "training"
    section_area = "training"
    section_label = _l("Training programme")
    catalogue_class = "4-4"
    list_columns = ("start_date", "end_date", "name", "institution", "place", "hours")
    order_by = ("start_date",)

    name = Column(String(200), nullable=False)
    start_date = date_column(nullable=False, min_age=16)
    end_date = date_column(after="start_date")
    place = Column(String(100))
    institution = Column(String(200))
    hours = Column(Integer, info={"range": (1, 5000)})

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
