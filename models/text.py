"""The one rule for text, on every text column and every write path.

Text is stored NFC-normalised and trimmed. It may not hold control characters
(a NUL makes a name that reads "名字" unfindable), bidi controls or zero-width
characters (a U+202E makes one name look like another); multi-line fields keep
their line breaks and tabs. Every column has a length limit, stated in the
refusal, and a required field needs at least one visible character.
"""

import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import String, Text

# Free text without a declared length (comments, reasons, purposes, descriptions).
TEXT_MAX_LENGTH = 2000
# An encrypted single-line value (citizen ID, phone, e-mail) once decrypted.
SENSITIVE_MAX_LENGTH = 200
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides, isolates and marks; zero-width and invisible joiners and spaces.
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(value: str) -> str:
    """NFC and without surrounding whitespace: the form in which text is stored and compared."""
    return unicodedata.normalize("NFC", value).strip()


def visible(value: str) -> bool:
    """At least one character a reader sees."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp") for ch in value)


def text_rule(column) -> tuple[int, bool] | None:
    """(length limit, multi-line) of a column holding text; None for any other column."""
    info = column.info
    if "plain" in info:
        return (TEXT_MAX_LENGTH, True) if info.get("text") else (SENSITIVE_MAX_LENGTH, False)
    if isinstance(column.type, Text):
        return info.get("max_length", TEXT_MAX_LENGTH), True
    if isinstance(column.type, String):
        return info.get("max_length", column.type.length or TEXT_MAX_LENGTH), False
    return None


def problem(value: str, max_length: int, multiline: bool) -> str | None:
    """What is wrong with ``value`` (already cleaned) as text of such a column, if anything."""
    if (LINE_CONTROL if multiline else CONTROL).search(value):
        return _("contains control characters; type or paste it again as plain text")
    if INVISIBLE.search(value):
        return _("contains invisible characters (text direction or zero-width marks); remove them")
    if len(value) > max_length:
        return _("can be at most %(max)s characters long (this has %(length)s)", max=max_length, length=len(value))
    return None


def attribute_of(column) -> str:
    """The attribute holding the text: the plaintext face of an encrypted column."""
    return column.info.get("plain") or column.key


def normalise(obj) -> None:
    """Store the clean form of every text value ``obj`` carries (only changed values are set)."""
    for column in obj.__table__.columns:
        if text_rule(column) is None or "code_table" in column.info:
            continue
        name = attribute_of(column)
        value = getattr(obj, name, None)
        if isinstance(value, str) and clean(value) != value:
            setattr(obj, name, clean(value))


def errors(model, values) -> list[tuple[str, str]]:
    """(field, message) for every text value of ``values`` that breaks the rule."""
    found = []
    for column in model.__table__.columns:
        rule = text_rule(column)
        name = attribute_of(column)
        value = values.get(name)
        if rule is None or not isinstance(value, str):
            continue
        message = problem(clean(value), *rule)
        if message:
            found.append((name, message))
    return found
