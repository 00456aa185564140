"""Career section (§2.2): work experience, and education from senior high school on."""

from datetime import date, timedelta

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, String

from . import demo
from .base import SectionRecord, code_column, date_column
from .roster_fields import Current, Lowest, OpenSince


class WorkExperience(SectionRecord, Model):
    __tablename__ = "work_experience"
    section_key = "work_experience"
    section_area = "career"
    section_label = _l("Work experience")
    dossier_required = True
    catalogue_class = "1"
    list_columns = ("start_date", "end_date", "unit", "post", "post_level")
    order_by = ("start_date",)
    roster_columns = (OpenSince("post_since"), OpenSince("years_in_post", years=True, filters=("min", "max")),
                      Current("current_post_level", of="post_level", code_table="post_level", filters=("eq",)))

    unit = Column(String(200), nullable=False)
    post = Column(String(100), nullable=False)
    # The level of the post held (职务级别, GB/T 12407-2008).
    post_level = code_column("post_level")
    start_date = date_column(nullable=False, min_age=16)
    end_date = date_column(after="start_date")

    @classmethod
    def demo(cls, d):
        """Consecutive posts from the first job to today."""
        rng, rows, start = d.rng, [], d.work_start
        for i in range(rng.randint(3, 6)):
            end = min(demo.random_day(rng, start + timedelta(days=365), start + timedelta(days=365 * 8)), d.today)
            last = i == 5 or end >= d.today - timedelta(days=30)
            post = rng.choice(demo.POSTS)
            rows.append(dict(unit=f"{rng.choice(demo.PLACES)}{rng.choice(('人民政府', '发展和改革委员会', '财政局', '教育局'))}",
                             post=post, post_level=demo.POST_LEVELS[post], start_date=start,
                             end_date=None if last else end))
            if last:
                break
            start = end + timedelta(days=1)
        return rows


class Education(SectionRecord, Model):
    __tablename__ = "education"
    section_key = "education"
    section_area = "career"
    section_label = _l("Education history")
    dossier_required = True
    catalogue_class = "4-1"
    list_columns = ("start_date", "graduation_date", "school", "major", "education", "degree")
    order_by = ("start_date",)
    roster_columns = (Lowest("highest_education", of="education", code_table="education", filters=("eq",)),
                      Lowest("highest_degree", of="degree", code_table="degree"))

    school = Column(String(200), nullable=False)
    major = Column(String(100))
    education = code_column("education")
    degree = code_column("degree")
    start_date = date_column(nullable=False, min_age=12)
    graduation_date = date_column(after="start_date")

    @classmethod
    def demo(cls, d):
        """Senior high school, a first degree, and for some a graduate degree (which the
        official's basic information then shows as the highest)."""
        rng, birth, official = d.rng, d.birth, d.official
        rows = [dict(school=rng.choice(demo.PLACES) + rng.choice(demo.HIGH_SCHOOLS), major=None, education="61",
                     degree=None, start_date=date(birth.year + 15, 9, 1), graduation_date=date(birth.year + 18, 7, 1))]
        major_code = rng.choice(("03", "05", "02", "12", "08"))
        rows.append(dict(school=rng.choice(demo.SCHOOLS), major=rng.choice(demo.MAJORS), education="21",
                         degree="4" + major_code, start_date=date(birth.year + 18, 9, 1),
                         graduation_date=date(birth.year + 22, 7, 1)))
        official["degree"] = "4" + major_code
        if official["education"] in ("14", "11"):
            grad = min(date(birth.year + 22 + rng.randint(3, 8), 7, 1), d.today)
            rows.append(dict(school=rng.choice(demo.SCHOOLS), major=rng.choice(demo.MAJORS), education="14",
                             degree="3" + major_code,
                             start_date=max(date(birth.year + 22, 9, 1), grad - timedelta(days=1000)),
                             graduation_date=grad))
            official["degree"] = "3" + major_code
        return rows
