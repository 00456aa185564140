"""Finding an official (the one search box): by name, pinyin or citizen ID.

- a citizen ID (18 characters, GB 11643) is looked up exactly through its blind index
  (``citizen_id_index``): nothing is decrypted, and a prefix finds nothing;
- Latin letters are a pinyin prefix, full or initials (``wangxm``, ``wxm`` for 王小明),
  on the keys ``models.pinyin`` writes, of the name or of any former name (曾用名);
- anything else is a part of the name or of the former names.

Queries go through the session, so the hooks (``models.visibility``) keep them to
approved officials in the reader's scope.
"""

import re

from sqlalchemy import and_, or_, select

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
                          for column in (Official.name_initials, Official.name_pinyin, Official.name_pinyin_short)),
                        # Each former name's keys start after a space (models.pinyin.former_keys).
                        and_(Official.former_names_keys.isnot(None),
                             Official.former_names_keys.like("% " + prefix, escape="\\")))
    else:
        part = f"%{_escape(text)}%"
        condition = or_(Official.name.like(part, escape="\\"), Official.former_names.like(part, escape="\\"))
    return base.where(condition).order_by(Official.name, Official.id).limit(limit)


def label(official) -> str:
    """How a picker names an official: namesakes are told apart by department and birth month."""
    from flask_babel import gettext as _

    department = official.department
    return _("%(name)s (%(department)s, born %(born)s)", name=official.name,
             department=f"{department.code} {department.name}" if department is not None else "",
             born=official.birth_date.strftime("%Y-%m") if official.birth_date else "")


def find(session, text: str, limit: int = LIMIT) -> list:
    statement = query(text, limit)
    return [] if statement is None else list(session.scalars(statement))
