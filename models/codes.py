"""Code tables (national standards and the product's own enumerations).

The tables ship as CSV files in ``code_data/`` (code, zh, zh_Hant, en). Records
store codes; names are shown in the reader's language. The files are the
source: ``flask dossier init`` copies them into ``code_item`` so that SQL
reports and exports can join on names, and the running app reads the files
once per process (they change only with a release).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask_appbuilder import Model
from flask_babel import get_locale, lazy_gettext as _l
from sqlalchemy import Column, Integer, String, UniqueConstraint

DATA_DIR = Path(__file__).with_name("code_data")

# Which standard each table implements, shown on the code table screen.
STANDARDS = {
    "gender": "GB/T 2261.1-2003",
    "ethnicity": "GB/T 3304-1991",
    "political_status": "GB/T 4762-1984",
    "education": "GB/T 4658-2006",
    "degree": "GB/T 6864-2003",
    # The civil servants' part of the standard (its 1xx codes); staff grades (2xx) and
    # professional titles are not posts an official of the dossier holds.
    "post_level": "GB/T 12407-2008",
}

TABLE_LABELS = {
    "gender": _l("Gender"),
    "ethnicity": _l("Ethnicity"),
    "political_status": _l("Political status"),
    "education": _l("Education"),
    "degree": _l("Degree"),
    "official_status": _l("Status"),
    "post_level": _l("Post level"),
    "source_channel": _l("Source channel"),
    "assessment_grade": _l("Grade"),
    "sanction_kind": _l("Sanction kind"),
    "reward_level": _l("Reward level"),
    "personal_matter_kind": _l("Matter kind"),
    "material_class": _l("Material class"),
    "invalid_reason": _l("Reason for invalidity"),
    "destruction_method": _l("Destruction method"),
}


@dataclass(frozen=True)
class Code:
    code: str
    zh: str
    zh_Hant: str
    en: str

    def name(self, locale: str) -> str:
        return getattr(self, locale, None) or self.zh


class CodeItem(Model):
    """A copy of the shipped code tables, for SQL reports and exports."""

    __tablename__ = "code_item"
    __table_args__ = (UniqueConstraint("table_name", "code"),)

    id = Column(Integer, primary_key=True)
    table_name = Column(String(40), nullable=False, index=True)
    code = Column(String(16), nullable=False)
    name = Column(String(100), nullable=False)
    name_zh_hant = Column(String(100), nullable=False)
    name_en = Column(String(200), nullable=False)
    sort_order = Column(Integer, nullable=False)

    def __repr__(self):
        return f"{self.table_name}:{self.code} {self.name}"


@cache
def table(name: str) -> dict[str, Code]:
    with open(DATA_DIR / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return {row["code"]: Code(**row) for row in csv.DictReader(fh)}


def table_names() -> list[str]:
    return sorted(path.stem for path in DATA_DIR.glob("*.csv"))


def current_locale() -> str:
    locale = get_locale()
    if locale is None:
        return "zh"
    return "zh_Hant" if locale.script == "Hant" else locale.language


def name(table_name: str, code: str | None) -> str:
    """The name of ``code`` in the reader's language; unknown codes show as-is."""
    if not code:
        return ""
    item = table(table_name).get(code)
    return item.name(current_locale()) if item else code


def choices(table_name: str):
    """A callable giving (code, name) pairs in the reader's language, for forms."""

    def _choices():
        locale = current_locale()
        return [("", "")] + [(c.code, c.name(locale)) for c in table(table_name).values()]

    return _choices


def is_valid(table_name: str, code: str | None) -> bool:
    return code in table(table_name)


def rows() -> list[dict]:
    """Every code item, as rows for the ``code_item`` table."""
    return [
        {
            "table_name": t,
            "code": c.code,
            "name": c.zh,
            "name_zh_hant": c.zh_Hant,
            "name_en": c.en,
            "sort_order": i,
        }
        for t in table_names()
        for i, c in enumerate(table(t).values())
    ]
