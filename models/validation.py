"""Validation of dossier records, on every write path.

Rules are read from each column's ``info`` (code table, format, date rules), so a
new section gets them by declaring its columns. The same function serves the
forms (field by field, next to the input) and the ``before_flush`` guard that
stops any other path (command line, import, API) from writing a bad value.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import Date, event
from sqlalchemy.orm import Session

from . import codes, text
from .encryption import _Unreadable
from .labels import label

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"
CITIZEN_ID = re.compile(r"^[1-9]\d{5}(\d{4})(\d{2})(\d{2})\d{3}[0-9X]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Landline with area code and optional extension, or a mobile number.
PHONE = re.compile(r"^(0\d{2,3}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9})$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
EARLIEST_YEAR = 1949
MAX_AGE = 120


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def field_error(field: str, message: str, model=None) -> FieldError:
    """A refusal naming the field in the reader's language: "<label>：<what is wrong>"."""
    return FieldError(field, f"{label(field, model)}：{message}")


class DossierValidationError(ValueError):
    def __init__(self, errors: list[FieldError]):
        super().__init__(errors)
        self.errors = errors

    def __str__(self):
        return "；".join(e.message for e in self.errors)


def citizen_id_check_digit(first17: str) -> str:
    """GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def citizen_id_birth_date(value: str) -> date | None:
    match = CITIZEN_ID.match(value or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def citizen_id_problem(value: str) -> str | None:
    if not CITIZEN_ID.match(value):
        return _("must be 18 characters: 17 digits and a check digit (0-9 or X)")
    if citizen_id_birth_date(value) is None:
        return _("the date of birth in it does not exist")
    if citizen_id_check_digit(value[:17]) != value[17]:
        return _("the check digit is wrong")
    return None


FORMATS = {
    "citizen_id": citizen_id_problem,
    "mobile": lambda v: None if MOBILE.match(v) else _("must be 11 digits starting with 1"),
    "phone": lambda v: None if PHONE.match(v) else _("must be an area code and number, such as 010-12345678"),
    "email": lambda v: None if EMAIL.match(v) else _("is not a valid e-mail address"),
}


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _birth_date(model, values: Mapping[str, Any]) -> date | None:
    if "birth_date" in values:
        return values.get("birth_date")
    official = values.get("official")
    return getattr(official, "birth_date", None)


def errors_for(model, values: Mapping[str, Any], today: date | None = None) -> list[FieldError]:
    """Every rule broken by ``values`` (column key → value) for a record of ``model``."""
    today = today or date.today()
    birth = _birth_date(model, values)
    errors: list[FieldError] = []

    def fail(field, message):
        errors.append(field_error(field, message, model))

    for column in model.__table__.columns:
        key, info = column.key, column.info
        value = values.get(key)
        if isinstance(value, _Unreadable):
            continue  # a shredded or tampered value is reported where it is shown
        rule = text.text_rule(column)
        if isinstance(value, str) and rule is not None:
            value = text.clean(value)
        empty = value is None or value == "" or (isinstance(value, str) and not text.visible(value))
        if "present_when" in info and key in values:
            problem = _presence_problem(model, info["present_when"], values, empty)
            if problem:
                fail(key, problem)
                continue
        if empty:
            if key in values and _required(column):
                fail(key, _("is required"))
            continue
        if isinstance(value, str) and rule is not None:
            problem = text.problem(value, *rule)
            if problem:
                fail(key, problem)
                continue
        if "code_table" in info and not codes.is_valid(info["code_table"], value):
            fail(key, _("is not a code of the national code table"))
        if "format" in info:
            problem = FORMATS[info["format"]](str(value))
            if problem:
                fail(key, problem)
        if isinstance(column.type, Date) and isinstance(value, date):
            if value > today and not info.get("allow_future"):
                fail(key, _("cannot be in the future"))
            elif info.get("birth") and (value < add_years(today, -MAX_AGE) or value > add_years(today, -16)):
                fail(key, _("must give an age between 16 and %(max)s", max=MAX_AGE))
            if birth and "min_age" in info and value < add_years(birth, info["min_age"]):
                fail(key, _("cannot be before the official was %(age)s years old", age=info["min_age"]))
            other = values.get(info.get("after", ""))
            if isinstance(other, date) and value < other:
                fail(key, _("cannot be earlier than %(other)s", other=label(info["after"], model)))
        if info.get("year") and not (max(EARLIEST_YEAR, birth.year + 16 if birth else 0) <= value <= today.year):
            fail(key, _("must be a year between %(low)s and %(high)s",
                        low=max(EARLIEST_YEAR, birth.year + 16 if birth else 0), high=today.year))
        if "range" in info and not (info["range"][0] <= value <= info["range"][1]):
            fail(key, _("must be between %(low)s and %(high)s", low=info["range"][0], high=info["range"][1]))

    errors.extend(_citizen_id_consistency(values, birth))
    return errors


def _presence_problem(model, rule, values, empty: bool) -> str | None:
    """A field that belongs with certain codes of another field (the date an official left
    with a status of having left): required with them, refused without them."""
    other, wanted = rule
    table = model.__table__.columns[other].info["code_table"]
    holds = values.get(other) in wanted
    if holds and empty:
        return _("is required when %(field)s is %(values)s", field=label(other, model),
                 values="、".join(codes.name(table, code) for code in wanted))
    if not holds and not empty:
        return _("must be empty when %(field)s is %(value)s", field=label(other, model),
                 value=codes.name(table, values.get(other)))
    return None


def _citizen_id_consistency(values, birth) -> list[FieldError]:
    """The ID number encodes birth date and gender: both must agree with the record."""
    value = values.get("citizen_id")
    if not value or citizen_id_problem(value):
        return []
    errors = []
    if birth and citizen_id_birth_date(value) != birth:
        errors.append(field_error("citizen_id", _("its date of birth differs from the date of birth entered")))
    gender = values.get("gender")
    if gender in ("1", "2") and str(2 - int(value[16]) % 2) != gender:
        errors.append(field_error("citizen_id", _("its gender digit differs from the gender entered")))
    return errors


def _required(column) -> bool:
    if column.info.get("required"):
        return True
    return not column.nullable and column.default is None and not column.foreign_keys and not column.primary_key


def values_of(obj) -> dict[str, Any]:
    values = {c.key: getattr(obj, c.key) for c in obj.__table__.columns}
    values["official"] = getattr(obj, "official", None)
    return values


def check(obj) -> None:
    """Raise DossierValidationError if ``obj`` breaks any rule."""
    from sqlalchemy.orm import object_session

    session = object_session(obj)
    text.normalise(obj)
    if session is not None:
        # Reading the official must not flush the values being checked.
        with session.no_autoflush:
            errors = errors_for(type(obj), values_of(obj))
    else:
        errors = errors_for(type(obj), values_of(obj))
    errors.extend(_duplicate_citizen_id(obj, session))
    errors.extend(duplicates(obj, session))
    if errors:
        raise DossierValidationError(errors)


def _duplicate_citizen_id(obj, session) -> list[FieldError]:
    """Citizen IDs are encrypted: uniqueness is checked through their keyed hash."""
    from sqlalchemy import select

    from security.keys import keyring

    from .official import Official

    value = getattr(obj, "citizen_id", None) if isinstance(obj, Official) else None
    if session is None or not isinstance(value, str) or citizen_id_problem(value):
        return []
    query = select(Official.id).where(Official.citizen_id_index == keyring().blind_index(value))
    if obj.id is not None:
        query = query.where(Official.id != obj.id)
    with session.no_autoflush:
        # The whole unit, whatever department the user may see.
        other = session.scalar(query.execution_options(include_pending=True, all_departments=True))
    if other is None:
        return []
    return [field_error("citizen_id", _("is already registered for another official"))]


def duplicates(obj, session) -> list[FieldError]:
    """Every unique rule of the table, checked before the database would refuse the row.

    The message names the field the rule is about (the year of an annual
    assessment, not the official it belongs to), in the reader's language."""
    from sqlalchemy import UniqueConstraint, select

    if session is None:
        return []
    table = obj.__table__
    errors = []
    for constraint in table.constraints:
        if not isinstance(constraint, UniqueConstraint):
            continue
        keys = [c.key for c in constraint.columns]
        if any(key.endswith("_index") for key in keys):
            continue  # blind indexes: checked through their plaintext above
        values = {key: _value_of(obj, key) for key in keys}
        if any(value is None for value in values.values()):
            continue
        query = select(table.c.id).where(*(table.c[key] == value for key, value in values.items()))
        if obj.id is not None:
            query = query.where(table.c.id != obj.id)
        with session.no_autoflush:
            if session.execute(query.limit(1)).first() is None:
                continue
        field = next((key for key in reversed(keys) if not table.c[key].foreign_keys), keys[-1])
        message = _("this official already has a record with this value") if "official_id" in keys else \
            _("is already used by another record")
        errors.append(field_error(field, message))
    return errors


def _value_of(obj, key):
    """A column's value before flush: a foreign key not yet set is read from its relation."""
    value = getattr(obj, key, None)
    if value is None and key.endswith("_id"):
        related = getattr(obj, key[:-3], None)
        value = getattr(related, "id", None)
    return value


def check_text(obj) -> None:
    """The text rule alone, for rows people write that are not dossier records
    (consultation purposes, rejection reasons, departments)."""
    text.normalise(obj)
    errors = [field_error(field, message) for field, message in text.errors(type(obj), values_of(obj))]
    if errors:
        raise DossierValidationError(errors)


_guarded: dict[str, tuple] = {"models": (), "text_models": ()}


def install_guard(models: tuple, text_models: tuple = ()) -> None:
    """Refuse to flush any dossier record that breaks a rule, and any text that breaks
    the text rule, whatever path wrote it. Idempotent."""
    _guarded.update(models=tuple(models), text_models=tuple(text_models))
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)


def _guard(session, flush_context, instances):
    models, text_models = _guarded["models"], _guarded["text_models"]
    with session.no_autoflush:
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, models) and session.is_modified(obj):
                check(obj)
            elif isinstance(obj, text_models) and session.is_modified(obj):
                check_text(obj)
