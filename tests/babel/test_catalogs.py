"""Every user-visible string is translated: zh (default), zh_Hant and en."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("zh", "zh_Hant", "en")


def catalog(locale, kind="po"):
    path = ROOT / "babel" / "translations" / locale / "LC_MESSAGES" / f"messages.{kind}"
    with open(path, "rb") as fh:
        return read_po(fh) if kind == "po" else read_mo(fh)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The strings in the source today (not the committed template)."""
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel/babel.cfg", "-k", "_l", "-k", "lazy_gettext",
         "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with open(pot, "rb") as fh:
        return {m.id for m in read_po(fh) if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_string_is_translated(extracted, locale):
    po = catalog(locale)
    untranslated = sorted(mid for mid in extracted if mid not in po or not po[mid].string or po[mid].fuzzy)
    assert untranslated == [], f"{locale}: untranslated {untranslated}"


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogs_match_their_sources(locale):
    po, mo = catalog(locale), catalog(locale, "mo")
    assert {m.id: m.string for m in po if m.id} == {m.id: m.string for m in mo if m.id}, (
        "run: pybabel compile -d babel/translations"
    )


@pytest.mark.parametrize("locale,officials,fab_string", [
    ("zh", "官员名册", "用户列表"),
    ("zh_Hant", "官員名冊", "用戶列表"),
    ("en", "Officials", "List Users"),
])
def test_the_language_switcher_changes_the_whole_ui(app, login_as, locale, officials, fab_string):
    client = login_as("sysadmin")
    client.get(f"/lang/{locale}")
    html = client.get("/").get_data(as_text=True)
    assert fab_string in html
    client = login_as("clerk")
    client.get(f"/lang/{locale}")
    assert officials in client.get("/officialview/list/").get_data(as_text=True)


def test_chinese_is_the_default(app, client):
    assert "官员电子档案管理系统" in client.get("/login/").get_data(as_text=True)
