"""What sections declare for rosters (models.roster_fields), read through the registry."""

from datetime import date

from models import DOSSIER_MODELS, Official
from models.labels import LABELS
from models.pinyin import search_columns, syllables
from models.roster_fields import years_before, years_between


def test_every_roster_column_is_declared_once_with_its_label():
    keys = [column.key for model in DOSSIER_MODELS for column in model.roster_columns]
    assert len(keys) == len(set(keys))
    assert all(key in LABELS for key in keys)
    # Identifiers are fields of the official's own row, encrypted, and masked by format.
    identifiers = [(model, c) for model in DOSSIER_MODELS for c in model.roster_columns if c.identifier]
    assert {c.key for _m, c in identifiers} == {"citizen_id", "office_phone", "mobile", "email"}
    assert all(model is Official and "plain" in Official.__table__.c[c.key].info for model, c in identifiers)


def test_whole_years_count_the_birthday_itself():
    born = date(1980, 3, 1)
    assert years_between(born, date(2020, 2, 29)) == 39
    assert years_between(born, date(2020, 3, 1)) == 40
    assert years_before(date(2024, 2, 29), 1) == date(2023, 2, 28)


def test_surnames_read_as_surnames():
    assert syllables("单雄信")[0] == "shan" and syllables("解缙")[0] == "xie" and syllables("曾巩")[0] == "zeng"
    assert syllables("尉迟恭")[:2] == ["yu", "chi"]
    # The same character inside a given name keeps its common reading.
    assert syllables("王单")[1] == "dan"
    assert search_columns("王小明") == {"name_pinyin": "wangxiaoming", "name_initials": "wxm",
                                       "name_pinyin_short": "wangxm"}
    assert search_columns("尉迟恭")["name_pinyin_short"] == "yuchig"
