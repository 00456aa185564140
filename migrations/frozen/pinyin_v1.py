"""Pinyin search keys of a name, as migration 0011 filled them for the officials already held.

Frozen copy of ``models.pinyin.search_columns`` at revision 0011 (the surname readings
included). The application keeps the keys current with its own, live copy.
"""

from pypinyin import Style, lazy_pinyin

SURNAMES = {
    "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "单于": ["chan", "yu"], "长孙": ["zhang", "sun"],
    "单": ["shan"], "解": ["xie"], "曾": ["zeng"], "仇": ["qiu"], "区": ["ou"], "朴": ["piao"], "查": ["zha"],
    "盖": ["ge"], "乐": ["yue"], "种": ["chong"], "缪": ["miao"], "覃": ["qin"], "召": ["shao"], "翟": ["zhai"],
    "尉": ["yu"], "秘": ["bi"], "折": ["she"], "员": ["yun"], "句": ["gou"], "繁": ["po"], "阚": ["kan"],
    "那": ["na"], "过": ["guo"], "华": ["hua"], "纪": ["ji"], "任": ["ren"], "燕": ["yan"], "宁": ["ning"],
    "柏": ["bai"], "祭": ["zhai"], "么": ["yao"], "沈": ["shen"], "重": ["chong"],
}
_BY_LENGTH = sorted(SURNAMES, key=len, reverse=True)


def _plain(text: str) -> list[str]:
    return [s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))
            if s.strip()]


def _syllables(name: str) -> list[str]:
    name = (name or "").strip()
    for surname in _BY_LENGTH:
        if name.startswith(surname):
            return SURNAMES[surname] + _plain(name[len(surname):])
    return _plain(name)


def search_columns(name: str) -> dict:
    parts = _syllables(name)
    initials = "".join(p[0] for p in parts)
    surname = len(SURNAMES.get(name[:2], ())) or 1
    mixed = "".join(parts[:surname]) + initials[surname:]
    return {"name_pinyin": "".join(parts)[:200] or None, "name_initials": initials[:50] or None,
            "name_pinyin_short": mixed[:100] or None}
