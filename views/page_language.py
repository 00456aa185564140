"""The language a page declares (``<html lang>``, GB/T 37668-2019 / WCAG 2.1 3.1.1): the
user's locale as a BCP 47 tag, so screen readers speak it and browsers pick its fonts."""

from flask_babel import get_locale

# The app's locales (config.LANGUAGES) as BCP 47 tags: its "zh" is written in simplified characters.
HTML_LANG = {"zh": "zh-Hans", "zh_Hant": "zh-Hant", "en": "en"}


def html_lang(locale: str | None = None) -> str:
    """The tag of ``locale``, by default the current user's."""
    locale = str(locale or get_locale() or "zh")
    return HTML_LANG.get(locale, locale.replace("_", "-"))
