"""Pinyin search keys of officials' names (王小明: ``wangxiaoming``, ``wxm``).

pypinyin reads a character as its most common reading; a surname has its own
(单 shàn, not dān; 解 xiè; 曾 zēng). ``SURNAMES`` holds those readings, compound
surnames first. The keys are kept in columns of ``official`` (the name's in three, the
former names' (曾用名) together in one), written on every write path: the ORM's flush (forms, imports, the workflow's applied changes, which
Continuum then versions with the row), bulk ORM updates that set a name, and the
seed's bulk inserts (``search_columns``).
"""

import re

from pypinyin import Style, lazy_pinyin
from sqlalchemy import event, update
from sqlalchemy.orm import Session

# Surnames whose reading differs from the character's common one.
SURNAMES = {
    "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "单于": ["chan", "yu"], "长孙": ["zhang", "sun"],
    "单": ["shan"], "解": ["xie"], "曾": ["zeng"], "仇": ["qiu"], "区": ["ou"], "朴": ["piao"], "查": ["zha"],
    "盖": ["ge"], "乐": ["yue"], "种": ["chong"], "缪": ["miao"], "覃": ["qin"], "召": ["shao"], "翟": ["zhai"],
    "尉": ["yu"], "秘": ["bi"], "折": ["she"], "员": ["yun"], "句": ["gou"], "繁": ["po"], "阚": ["kan"],
    "那": ["na"], "过": ["guo"], "华": ["hua"], "纪": ["ji"], "任": ["ren"], "燕": ["yan"], "宁": ["ning"],
    "柏": ["bai"], "祭": ["zhai"], "么": ["yao"], "沈": ["shen"], "重": ["chong"],
}
_BY_LENGTH = sorted(SURNAMES, key=len, reverse=True)


def syllables(name: str) -> list[str]:
    name = (name or "").strip()
    for surname in _BY_LENGTH:
        if name.startswith(surname):
            return SURNAMES[surname] + _plain(name[len(surname):])
    return _plain(name)


def _plain(text: str) -> list[str]:
    # Latin letters and digits stay as they are (a transliterated name), lower case.
    return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))
            if s.strip()]


def search_columns(name: str) -> dict:
    """The search keys of a name, as column values of ``official``."""
    parts = syllables(name)
    initials = "".join(p[0] for p in parts)
    # The full surname and the given name's initials (wangxm), as people often type it.
    surname = len(SURNAMES.get(name[:2], ())) or 1
    mixed = "".join(parts[:surname]) + initials[surname:]
    return {"name_pinyin": "".join(parts)[:200] or None, "name_initials": initials[:50] or None,
            "name_pinyin_short": mixed[:100] or None}


# Former names are written one after another, separated by 、 (or commas, semicolons, spaces).
SEPARATORS = re.compile(r"[、,，;；\s]+")
FORMER_KEYS_LENGTH = 1000


def former_names(text: str | None) -> list[str]:
    return [name for name in SEPARATORS.split(text or "") if name]


def former_keys(text: str | None) -> dict:
    """The search keys of the former names, as the column value of ``official``: every key
    of every name, each after a space (a prefix search is then LIKE '% key%')."""
    keys = dict.fromkeys(key for name in former_names(text) for key in search_columns(name).values() if key)
    joined = "".join(f" {key}" for key in keys)[:FORMER_KEYS_LENGTH]
    return {"former_names_keys": joined or None}


def all_keys(name: str, former: str | None) -> dict:
    return {**search_columns(name), **former_keys(former)}


def _keys(session, flush_context, instances):
    """ORM writes: every official written carries the keys of its name and former names."""
    official_model = _installed["model"]
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, official_model):
            for column, value in all_keys(obj.name, obj.former_names).items():
                if getattr(obj, column) != value:
                    setattr(obj, column, value)


def _bulk(state):
    """Bulk ORM updates of a name set its keys in the same statement."""
    official_model = _installed["model"]
    statement = state.statement
    if not state.is_update or getattr(getattr(statement, "table", None), "name", None) != official_model.__tablename__:
        return
    values = {getattr(k, "key", k): v for k, v in (statement._values or {}).items()}
    keys = {}
    if "name" in values:
        name = getattr(values["name"], "value", None)
        if not isinstance(name, str):
            raise ValueError("A bulk update of official names must set a literal name (its pinyin keys follow it).")
        keys.update(search_columns(name))
    if "former_names" in values:
        former = getattr(values["former_names"], "value", None)
        if former is not None and not isinstance(former, str):
            raise ValueError("A bulk update of former names must set a literal value (its pinyin keys follow it).")
        keys.update(former_keys(former))
    if keys:
        state.statement = statement.values(**keys)


_installed: dict = {}


def install(official_model) -> None:
    """Keep the keys current on every write path; a second install changes nothing."""
    _installed["model"] = official_model
    for name, listener in (("before_flush", _keys), ("do_orm_execute", _bulk)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def rebuild(session, official_model, chunk: int = 2000) -> int:
    """Recompute every official's keys (after a load that bypassed the ORM); returns the rows written."""
    from sqlalchemy import select

    table = official_model.__table__
    done, last = 0, 0
    while True:
        batch = session.execute(select(table.c.id, table.c.name, table.c.former_names).where(table.c.id > last)
                                .order_by(table.c.id).limit(chunk)).all()
        if not batch:
            return done
        for official_id, name, former in batch:
            session.execute(update(table).where(table.c.id == official_id).values(**all_keys(name, former)))
        last, done = batch[-1][0], done + len(batch)


__all__ = ["SURNAMES", "all_keys", "former_keys", "former_names", "install", "rebuild", "search_columns",
           "syllables"]
