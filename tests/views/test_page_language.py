"""Every page declares the language it is written in (GB/T 37668-2019, WCAG 2.1 3.1.1), so a
screen reader reads it in that language: the user's choice, Simplified Chinese by default."""

import pytest


def test_a_page_is_simplified_chinese_until_the_user_picks_another_language(app, client):
    assert '<html lang="zh-Hans">' in client.get("/login/").get_data(as_text=True)


@pytest.mark.parametrize("locale,tag", [("zh", "zh-Hans"), ("zh_Hant", "zh-Hant"), ("en", "en")])
def test_the_page_language_follows_the_language_the_user_picks(app, login_as, locale, tag):
    client = login_as("clerk")
    client.get(f"/lang/{locale}")
    html = client.get("/officialview/list/").get_data(as_text=True)
    assert f'<html lang="{tag}">' in html
    # The language menu names each other language in its own language.
    assert 'lang="zh-Hant">' in html or locale == "zh_Hant"


def test_the_printed_catalogue_declares_the_same_language(app, login_as, make_official):
    official = make_official()
    client = login_as("archivist")
    client.get("/lang/zh_Hant")
    html = client.get(f"/materialview/catalogue/{official.id}?print=1").get_data(as_text=True)
    assert '<html lang="zh-Hant">' in html
