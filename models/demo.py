"""Demonstration data for one official, as each section declares it (``Section.demo``).

``flask dossier seed`` builds a dossier by asking every registered section for its rows
(jobs.seed); a section that tells no story of its own gets one row of plausible values
read off its columns, so a new section is seeded the day it is declared.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, Integer, String, Text

PLACES = ("北京市", "上海市", "江苏南京", "浙江杭州", "山东济南", "湖北武汉", "广东广州", "四川成都",
          "陕西西安", "新疆乌鲁木齐", "新疆伊宁", "西藏拉萨", "辽宁沈阳", "黑龙江哈尔滨", "福建福州")
SCHOOLS = ("北京大学", "清华大学", "中国人民大学", "复旦大学", "南京大学", "武汉大学", "中山大学",
           "四川大学", "西安交通大学", "新疆大学", "中央民族大学", "中共中央党校（国家行政学院）")
HIGH_SCHOOLS = ("市第一中学", "市实验中学", "县第二中学", "师范大学附属中学")
MAJORS = ("法学", "汉语言文学", "经济学", "行政管理", "计算机科学与技术", "会计学", "公共管理", "历史学")
POSTS = ("科员", "副主任科员", "主任科员", "副处长", "处长", "副主任", "主任", "一级调研员", "二级调研员")
# The level (GB/T 12407-2008) each demo post is held at; read off the post, so seeding it
# draws nothing more from the random stream than before.
POST_LEVELS = {"科员": "150", "副主任科员": "142", "主任科员": "141", "副处长": "132", "处长": "131",
               "副主任": "132", "主任": "131", "一级调研员": "131", "二级调研员": "131"}
TRAININGS = ("处级干部任职培训班", "公务员初任培训", "党的理论专题培训班", "数字政府建设专题研讨班",
             "依法行政能力提升培训", "保密知识培训")
REWARDS = (("优秀公务员", "本单位"), ("嘉奖", "本单位"), ("三等功", "市人力资源和社会保障局"),
           ("优秀共产党员", "机关党委"), ("先进工作者", "市人民政府"))
PROJECTS = ("年度重点工作专项考核", "脱贫攻坚专项考核", "营商环境优化专项考核", "数字化改革专项考核")
GRADES = [("1", 15), ("2", 80), ("3", 4), ("4", 1)]

# Columns every section record has (models.base), filled by the seed itself.
COMMON = frozenset({
    "id", "official_id", "receipt_id", "source_channel", "source_department_id", "received_on",
    "review_state", "entered_at", "entered_by_id", "changed_at", "changed_by_id",
})


def weighted(rng: random.Random, pairs):
    codes, weights = zip(*pairs)
    return rng.choices(codes, weights)[0]


def random_day(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days + 1))


@dataclass
class DemoDossier:
    """One official being seeded: the rows a section adds may read (and amend) the official's."""

    rng: random.Random
    today: date
    official: dict
    extras: dict = field(default_factory=dict)

    @property
    def birth(self) -> date:
        return self.official["birth_date"]

    @property
    def work_start(self) -> date:
        return self.official["work_start_date"]

    def day(self, start: date | None = None, end: date | None = None) -> date:
        return random_day(self.rng, start or self.work_start, end or self.today)

    def plausible_row(self, model) -> dict:
        """Values every column's type and rules accept: codes from their table, dates in
        the working life (a later date after the one it must follow), numbers in range."""
        from . import codes

        row, dates = {}, {}
        for column in model.__table__.columns:
            if column.key in COMMON or column.key.endswith("_index") or column.foreign_keys:
                continue
            info = column.info
            if "code_table" in info:
                row[column.key] = next(iter(codes.table(info["code_table"])), None)
            elif "plain" in info or isinstance(column.type, (String, Text)):
                length = getattr(column.type, "length", None) or 200
                row[column.key] = "示例"[:length]
            elif isinstance(column.type, Date):
                after = dates.get(info.get("after"))
                row[column.key] = dates[column.key] = self.day(after) if after else self.day(end=self.today - timedelta(days=30))
            elif isinstance(column.type, Integer):
                low, _high = info.get("range", (1, 1))
                row[column.key] = self.today.year - 1 if info.get("year") else low
        return row


# --- the demonstration scenario (jobs.demo, ``flask dossier demo``) ----------------------------
# What a fresh demonstration shows on every role's workbench: filed documents with scans, and
# work in every queue. Data only; jobs.demo files each item through the same rules as the
# screens, once (an item already there is left alone).

# Whose dossier an item is in: the `official` account's own, or a colleague's in the same department.
SELF, COLLEAGUE = "self", "colleague"


@dataclass(frozen=True)
class DemoMaterial:
    title: str
    whose: str
    material_class: str
    forming_unit: str
    years_ago: int
    pages: int
    # Who files it (a demo account) and how far through review it has come:
    # draft, submitted (first review), first_approved (final review) or approved.
    author: str
    stage: str
    # Received this many days ago: past the entry deadline (15 days) and still pending is overdue.
    received_days_ago: int = 3


DEMO_MATERIALS = (
    DemoMaterial("干部履历表", SELF, "1", "市委组织部", 8, 2, "clerk", "approved"),
    DemoMaterial("年度考核登记表", SELF, "3", "本单位", 1, 1, "clerk", "approved"),
    DemoMaterial("大学本科毕业证书", SELF, "4-1", "中国人民大学", 15, 1, "clerk", "approved"),
    DemoMaterial("学士学位证书", SELF, "4-1", "中国人民大学", 15, 1, "official", "submitted"),
    DemoMaterial("干部履历表", COLLEAGUE, "1", "市委组织部", 6, 2, "clerk", "approved"),
    DemoMaterial("任职审批表", COLLEAGUE, "9-2", "本单位", 1, 1, "clerk", "draft"),
    DemoMaterial("公务员登记表", COLLEAGUE, "1", "市人力资源和社会保障局", 5, 1, "clerk", "submitted",
                 received_days_ago=40),
    DemoMaterial("嘉奖审批表", COLLEAGUE, "7", "本单位", 1, 1, "clerk", "first_approved", received_days_ago=25),
)

# Collection register entries nothing has been entered from yet: (whose, section, provider, days ago).
DEMO_RECEIPTS = (
    (COLLEAGUE, "training", "机关党委", 30),
    (COLLEAGUE, "reward", "市人民政府", 21),
    (SELF, "education", "中国人民大学", 2),
)

# Consultation applications of the demo clerk: (purpose, sections, decided so far by the department head).
DEMO_CONSULTATIONS = (
    ("干部考察：了解培训和奖励情况（演示）", ("training", "reward"), False),
    ("职务任免前核对履历（演示）", ("basic", "work_experience"), True),
)

# A permission request waiting for the security administrators: the system administrator
# proposes one more department (by code) for the demo clerk.
DEMO_DEPARTMENT_REQUEST = ("clerk", "D03")
