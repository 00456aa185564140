"""``flask dossier seed``: realistic demonstration dossiers and one account per role.

Built for 100,000 officials: rows are generated in memory and written with bulk
inserts in chunks. Continuum is bypassed for speed, so the version tables are
filled the way Continuum itself would have done for one transaction that
inserted every row (operation 0, no end transaction): history starts consistent.
"""

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, select, text
from sqlalchemy_continuum import version_class, versioning_manager

from models.db import db
from models import DOSSIER_MODELS, SECTIONS, Department, Official, StaffDepartment
from models import pinyin
from models.demo import PLACES, POSTS, DemoDossier, random_day, weighted
from models.encryption import seal
from models.validation import add_years, citizen_id_check_digit
from security.keys import keyring
from security.roles import ROLE_LABELS

DEPARTMENTS = [
    ("D01", "办公室", False),
    ("D02", "组织人事处", True),
    ("D03", "财务处", False),
    ("D04", "政策法规处", False),
    ("D05", "综合规划处", False),
    ("D06", "信息中心", False),
    ("D07", "机关党委", False),
    ("D08", "纪检监察室", False),
    ("D09", "审计处", False),
    ("D10", "宣传处", False),
    ("D11", "机关服务中心", False),
    ("D12", "外事处", False),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "慕容")
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健亮俊峰建国志文博海东林毅浩宇晨"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀燕玲桂丹萍红琳洁婷雪慧颖倩琴云莉晶欣悦瑶"
# Two-part names written with the interpunct, by ethnicity code (GB/T 3304).
MINORITY_NAMES = {
    "05": (("艾力", "买买提", "阿不都", "热合曼", "吐尔逊", "艾合买提"), ("古丽", "阿依古丽", "热依拉", "米热古丽")),
    "17": (("努尔兰", "叶尔兰", "别克", "阿斯哈尔"), ("阿依达娜", "古丽娜尔", "加娜尔")),
    "04": (("扎西", "次仁", "多吉", "旺堆"), ("卓玛", "央金", "拉姆", "德吉")),
}
FATHER_NAMES = ("买买提", "吐尔洪", "阿布都拉", "达吾提", "努尔", "热西提", "次旦", "平措")
ETHNICITY_WEIGHTS = [("01", 90), ("05", 2), ("17", 1), ("04", 1), ("03", 2), ("08", 2), ("06", 1), ("11", 1)]
REGIONS = ("110101", "110105", "310104", "320102", "330106", "370102", "420106", "440106",
           "510104", "610113", "650102", "654002", "540102", "210102", "230103", "350102")
CHANNELS = ("self", "hr", "department")
# One account per role, plus a second security administrator: permission changes
# need two officers (§5.1 权限审批).
ROLE_ACCOUNTS = {**{key: key for key in ROLE_LABELS}, "secadmin2": "secadmin"}
# Demo staff and their departments: the clerk's entries go to the head of 办公室.
DEMO_STAFF = {"clerk": "D01", "dept_head": "D01", "hr_reviewer": "D02", "archivist": "D02"}
DEMO_OFFICIAL_DEPARTMENT = "D01"


def citizen_id(rng: random.Random, birth: date, gender: str, region: str | None = None) -> str:
    """A citizen ID (GB 11643) whose date and gender digit agree with the person."""
    seq = rng.randrange(0, 500) * 2 + (1 if gender == "1" else 0)
    first17 = f"{region or rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
    return first17 + citizen_id_check_digit(first17)


def person_name(rng: random.Random, gender: str, ethnicity: str) -> str:
    if ethnicity in MINORITY_NAMES:
        given = MINORITY_NAMES[ethnicity][0 if gender == "1" else 1]
        return f"{rng.choice(given)}·{rng.choice(FATHER_NAMES)}"
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    pool = GIVEN_MALE if gender == "1" else GIVEN_FEMALE
    return surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))


def former_names(citizen_id: str, gender: str, ethnicity: str) -> str | None:
    """One official in twelve had a name before (曾用名), a few two. Drawn from a generator of
    its own, seeded by the citizen ID, so the rest of the dossier is what it was without it."""
    rng = random.Random(citizen_id)
    if rng.random() >= 1 / 12:
        return None
    return "、".join(person_name(rng, gender, ethnicity) for _ in range(1 if rng.random() < 0.8 else 2))


@dataclass
class Dossier:
    official: dict
    sections: dict  # table name → list of row dicts (without official_id)


class DossierFactory:
    """Consistent dossiers: every date follows birth, work and study in order."""

    def __init__(self, rng: random.Random, departments: list[int], today: date | None = None, taken=None):
        self.rng = rng
        self.departments = departments
        self.today = today or date.today()
        self.used_ids: set[str] = set()
        # Whether a citizen ID is already registered in the database.
        self.taken = taken or (lambda cid: False)

    def common(self) -> dict:
        rng = self.rng
        channel = rng.choice(CHANNELS)
        return {
            "source_channel": channel,
            "source_department_id": rng.choice(self.departments) if channel == "department" else None,
            "received_on": random_day(rng, self.today - timedelta(days=3650), self.today),
            "review_state": "approved",
        }

    def official(self) -> dict:
        rng, today = self.rng, self.today
        gender = rng.choice("12")
        ethnicity = weighted(rng, ETHNICITY_WEIGHTS)
        birth = random_day(rng, add_years(today, -60), add_years(today, -23))
        work_start = random_day(rng, add_years(birth, 22), min(add_years(birth, 24), today))
        cid = citizen_id(rng, birth, gender)
        while cid in self.used_ids or self.taken(cid):
            cid = citizen_id(rng, birth, gender)
        self.used_ids.add(cid)
        party = rng.random() < 0.75
        status = weighted(rng, [("1", 94), ("2", 3), ("3", 3)])
        # Whoever has left has the date they left (required with the status, models.official).
        left_on = random_day(rng, max(work_start, today - timedelta(days=3650)), today) if status != "1" else None
        return {
            "name": person_name(rng, gender, ethnicity),
            "gender": gender,
            "birth_date": birth,
            "ethnicity": ethnicity,
            "native_place": rng.choice(PLACES),
            "political_status": "01" if party else rng.choice(("03", "05", "12", "13")),
            "education": weighted(rng, [("21", 70), ("14", 25), ("11", 5)]),
            "degree": None,
            "work_start_date": work_start,
            "party_join_date": random_day(rng, add_years(birth, 18), min(add_years(birth, 35), today)) if party else None,
            "citizen_id": cid,
            "department_id": rng.choice(self.departments),
            "post": rng.choice(POSTS),
            "status": status,
            "left_on": left_on,
            "office_phone": f"0{rng.randint(10, 99)}-{rng.randint(60000000, 89999999)}",
            "mobile": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            "email": f"u{rng.randrange(10**8):08d}@gov.example.cn",
            **self.common(),
        }

    def dossier(self) -> Dossier:
        """An official and the rows every registered section tells of them (``Section.demo``)."""
        official = self.official()
        official["former_names"] = former_names(official["citizen_id"], official["gender"], official["ethnicity"])
        story = DemoDossier(self.rng, self.today, official)
        rows = {model.__tablename__: [{**self.common(), **row} for row in model.demo(story)] for model in SECTIONS}
        return Dossier(official, rows)


def ensure_departments() -> list[int]:
    existing = {d.code for d in db.session.scalars(select(Department))}
    for code, name, is_hr in DEPARTMENTS:
        if code not in existing:
            db.session.add(Department(code=code, name=name, is_hr=is_hr))
    db.session.commit()
    return list(db.session.scalars(select(Department.id).order_by(Department.id)))


def ensure_accounts(password: str) -> dict[str, object]:
    """One account per role, named after the role key; an existing one gets the new password."""
    sm = current_app.appbuilder.sm
    users = {}
    for key, role_key in ROLE_ACCOUNTS.items():
        role = sm.find_role(role_key)
        if role is None:
            raise RuntimeError(f"role {role_key!r} is missing: run `flask dossier init` first")
        user = sm.find_user(username=key)
        if user is None:
            user = sm.add_user(key, f"演示{ROLE_LABELS[role_key]}", "", f"{key}@dossier.local", role, password)
            if not user:
                raise RuntimeError(f"could not create the account {key!r}")
        else:
            # Demo accounts keep their published password; real accounts reset by an
            # operator must change it (security.manager.reset_password).
            sm.reset_password(user.id, password, must_change=False)
        users[key] = user
    ensure_staff_departments(users)
    return users


def ensure_staff_departments(users: dict) -> None:
    departments = {d.code: d.id for d in db.session.scalars(select(Department))}
    for key, code in DEMO_STAFF.items():
        exists = db.session.scalar(select(StaffDepartment.id).where(
            StaffDepartment.user_id == users[key].id, StaffDepartment.department_id == departments[code]))
        if exists is None:
            db.session.add(StaffDepartment(user_id=users[key].id, department_id=departments[code]))
    db.session.commit()


def _link_demo_official(account, first_new_id) -> None:
    """The `official` account is one seeded official of the demo department (self-service)."""
    table = Official.__table__
    if db.session.scalar(select(table.c.id).where(table.c.account_id == account.id)) is not None:
        return
    department = db.session.scalar(select(Department.id).where(Department.code == DEMO_OFFICIAL_DEPARTMENT))
    target = db.session.scalar(
        select(table.c.id).where(table.c.id >= first_new_id, table.c.department_id == department).order_by(table.c.id).limit(1)
    ) or first_new_id
    db.session.execute(table.update().where(table.c.id == target).values(account_id=account.id))


def _encrypted(model, row: dict, official_id: int, key) -> dict:
    """The row as stored: sensitive fields sealed as models.encryption would seal them."""
    version, dek = key
    for column in (c.key for c in model.__table__.columns if "plain" in c.info):
        value = row.get(column)
        if value is not None:
            row[column] = seal(model.__tablename__, column, row["id"], official_id, version, dek, value)
    return row


def _next_id(model) -> int:
    # The table, not the mapped class: pending rows count too.
    return (db.session.scalar(select(func.max(model.__table__.c.id))) or 0) + 1


def _write_versions(tx_id: int, first_ids: dict) -> None:
    """One version row per seeded row, as Continuum writes for an insert."""
    for model in DOSSIER_MODELS:
        table, vtable = model.__table__, version_class(model).__table__
        cols = [c.name for c in table.columns if c.name in vtable.c]
        names = ", ".join(f'"{c}"' for c in cols)
        db.session.execute(text(
            f'INSERT INTO {vtable.name} ({names}, transaction_id, operation_type) '
            f'SELECT {names}, :tx, 0 FROM {table.name} WHERE id >= :first'
        ), {"tx": tx_id, "first": first_ids[model]})


def _fix_sequences() -> None:
    if db.engine.dialect.name == "postgresql":
        for model in DOSSIER_MODELS:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{model.__tablename__}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {model.__tablename__}))"
            ))


def seed(officials: int, password: str, rng_seed: int = 20261125, chunk: int = 2000, progress=None) -> dict:
    """Create ``officials`` dossiers and the demo accounts; returns counts and timing."""
    started = time.perf_counter()
    department_ids = ensure_departments()
    users = ensure_accounts(password)
    clerk_id = users["clerk"].id
    ring = keyring()
    registered = set(db.session.scalars(select(Official.__table__.c.citizen_id_index)))
    factory = DossierFactory(random.Random(rng_seed), department_ids,
                             taken=lambda cid: ring.blind_index(cid) in registered)

    first_ids = {model: _next_id(model) for model in DOSSIER_MODELS}
    next_ids = dict(first_ids)
    next_official = first_ids[Official]
    now = datetime.now()
    stamp = {"entered_by_id": clerk_id, "changed_by_id": clerk_id, "entered_at": now, "changed_at": now}
    counts = {model.__tablename__: 0 for model in DOSSIER_MODELS}
    done = 0
    while done < officials:
        batch = min(chunk, officials - done)
        official_rows, section_rows = [], {model.__tablename__: [] for model in SECTIONS}
        keys = ring.create_many(range(next_official, next_official + batch))
        for _ in range(batch):
            dossier = factory.dossier()
            official = {"id": next_official, **dossier.official, **stamp}
            official["citizen_id_index"] = ring.blind_index(official["citizen_id"])
            # A bulk insert bypasses the ORM's hook that writes the search keys.
            official.update(pinyin.all_keys(official["name"], official.get("former_names")))
            official_rows.append(_encrypted(Official, official, next_official, keys[next_official]))
            for model in SECTIONS:
                for row in dossier.sections[model.__tablename__]:
                    row = {**row, **stamp, "official_id": next_official, "id": next_ids[model]}
                    next_ids[model] += 1
                    section_rows[model.__tablename__].append(_encrypted(model, row, next_official, keys[next_official]))
            next_official += 1
        db.session.execute(insert(Official.__table__), official_rows)
        counts["official"] += batch
        for model in SECTIONS:
            rows = section_rows[model.__tablename__]
            if rows:
                db.session.execute(insert(model.__table__), rows)
                counts[model.__tablename__] += len(rows)
        done += batch
        if progress:
            progress(done, officials)

    if officials:
        _link_demo_official(users["official"], first_ids[Official])
        _fix_sequences()
        transaction = versioning_manager.transaction_cls(issued_at=now, user_id=None, remote_addr=None)
        db.session.add(transaction)
        db.session.flush()
        _write_versions(transaction.id, first_ids)
    db.session.commit()
    # Seeded rows reach backups through the next full backup, not the change log.
    from jobs.backup.runs import prune_changes

    prune_changes()
    if officials >= 1000 and db.engine.dialect.name == "postgresql":
        # After a bulk load the planner needs statistics, and counts need the
        # visibility map for index-only scans; autovacuum would get there later.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    return {"counts": counts, "seconds": time.perf_counter() - started}
