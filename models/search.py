"""Finding an official (the one search box): by name, pinyin or citizen ID.

- a citizen ID (18 characters, GB 11643) is looked up exactly through its blind index
  (``citizen_id_index``): nothing is decrypted, and a prefix finds nothing;
- Latin letters are a pinyin prefix, full or initials (``wangxm``, ``wxm`` for 王小明),
  on the keys ``models.pinyin`` writes;
- anything else is a part of the name.

Queries go through the session, so the hooks (``models.visibility``) keep them to
approved officials in the reader's scope.
"""

import re

from sqlalchemy import or_, select

CITIZEN_ID = re.compile(r"\d{17}[\dXx]")
LATIN = re.compile(r"[A-Za-z]+")
LIMIT = 25
MAX_QUERY = 50


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query(text: str, limit: int = LIMIT):
    """The SELECT finding ``text``; None when there is nothing to look for."""
    from security.keys import keyring

    from .official import Official

    text = re.sub(r"\s+", "", text or "")[:MAX_QUERY]
    if not text:
        return None
    base = select(Official).where(Official.review_state == "approved")
    if CITIZEN_ID.fullmatch(text):
        return base.where(Official.citizen_id_index == keyring().blind_index(text.upper())).limit(2)
    if LATIN.fullmatch(text):
        prefix = _escape(text.lower()) + "%"
        condition = or_(*(column.like(prefix, escape="\\")
                          for column in (Official.name_initials, Official.name_pinyin, Official.name_pinyin_short)))
    else:
        condition = Official.name.like(f"%{_escape(text)}%", escape="\\")
    return base.where(condition).order_by(Official.name, Official.id).limit(limit)


def find(session, text: str, limit: int = LIMIT) -> list:
    statement = query(text, limit)
    return [] if statement is None else list(session.scalars(statement))
