"""The rules every dossier write obeys, checked without HTTP."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Official
from models.career import Education, WorkExperience
from models.evaluation import AnnualAssessment
from models.validation import (
    DossierValidationError,
    citizen_id_check_digit,
    citizen_id_problem,
    errors_for,
)
from tests.helpers import row_count

# The worked example of GB 11643-1999.
STANDARD_EXAMPLE = "11010519491231002X"


def fields(errors):
    return {e.field for e in errors}


def test_check_digit_of_the_standard_example():
    assert citizen_id_check_digit(STANDARD_EXAMPLE[:17]) == "X"
    assert citizen_id_problem(STANDARD_EXAMPLE) is None


@pytest.mark.parametrize("value", [
    "110105194912310021",  # wrong check digit
    "11010519491331002X",  # month 13
    "11010519490230002X",  # 30 February
    "11010519491231002",   # 17 characters
    "11010519491231002x",  # lower-case x
    "01010519491231002X",  # region cannot start with 0
])
def test_malformed_citizen_ids_are_refused(value):
    assert citizen_id_problem(value)


def test_citizen_id_must_agree_with_birth_date_and_gender(factory):
    row = factory.official()
    other_gender = "2" if row["gender"] == "1" else "1"
    assert "citizen_id" in fields(errors_for(Official, {**row, "gender": other_gender}))
    later = row["birth_date"] + timedelta(days=1)
    assert "citizen_id" in fields(errors_for(Official, {**row, "birth_date": later}))
    assert errors_for(Official, row) == []


@pytest.mark.parametrize("field,value", [
    ("mobile", "2381234567"), ("mobile", "139123456789"),
    ("office_phone", "12345"), ("email", "no-at-sign.example.cn"), ("email", "a@b"),
    ("gender", "7"), ("ethnicity", "99"), ("political_status", "14"),
])
def test_formats_and_codes(factory, field, value):
    row = factory.official()
    assert field in fields(errors_for(Official, {**row, field: value}))


def test_dates_follow_the_life_of_the_official(factory):
    row = factory.official()
    birth = row["birth_date"]
    assert "work_start_date" in fields(errors_for(Official, {**row, "work_start_date": birth + timedelta(days=365 * 15)}))
    assert "party_join_date" in fields(errors_for(Official, {**row, "party_join_date": birth + timedelta(days=365 * 17)}))
    assert "birth_date" in fields(errors_for(Official, {**row, "birth_date": date.today() + timedelta(days=1)}))
    assert "birth_date" in fields(errors_for(Official, {**row, "birth_date": date(1890, 1, 1)}))


@pytest.mark.parametrize("status,left_on,message", [
    ("2", None, "离职日期：状态为退休、调出、去世时必填"),
    ("3", None, "离职日期：状态为退休、调出、去世时必填"),
    ("1", date(2020, 1, 1), "离职日期：状态为在职时须为空"),
    ("4", date.today() + timedelta(days=1), "离职日期：不能晚于今天"),
    ("2", "before birth", "离职日期：不能早于出生日期"),
])
def test_the_date_an_official_left_comes_with_the_status(app, factory, status, left_on, message):
    row = factory.official()
    if left_on == "before birth":
        left_on = row["birth_date"] - timedelta(days=1)
    with app.test_request_context():
        errors = errors_for(Official, {**row, "status": status, "left_on": left_on})
        assert errors_for(Official, {**row, "status": "2", "left_on": date.today()}) == []
        assert errors_for(Official, {**row, "status": "1", "left_on": None}) == []
    assert [e.field for e in errors] == ["left_on"]
    assert errors[0].message == message


def test_the_database_guard_wants_the_date_an_official_left(db, factory):
    db.session.add(Official(**{**factory.official(), "status": "3", "left_on": None}))
    with pytest.raises(DossierValidationError) as refused:
        db.session.commit()
    db.session.rollback()
    assert [e.field for e in refused.value.errors] == ["left_on"]
    assert row_count(db, Official) == 0


def test_section_dates_are_checked_against_the_official_and_each_other(factory):
    official = Official(**factory.official())
    birth = official.birth_date
    start = birth.replace(year=birth.year + 30)
    ok = {"official": official, "unit": "某局", "post": "科员", "start_date": start, "end_date": start}
    assert errors_for(WorkExperience, ok) == []
    assert fields(errors_for(WorkExperience, {**ok, "end_date": start - timedelta(days=1)})) == {"end_date"}
    assert fields(errors_for(WorkExperience, {**ok, "start_date": birth - timedelta(days=1), "end_date": None})) == {"start_date"}
    study = {"official": official, "school": "某中学", "start_date": birth.replace(year=birth.year + 8)}
    assert fields(errors_for(Education, study)) == {"start_date"}
    year = {"official": official, "year": birth.year + 10, "grade": "2"}
    assert fields(errors_for(AnnualAssessment, year)) == {"year"}


def test_messages_name_the_field_in_chinese(app, factory):
    row = factory.official()
    with app.test_request_context():
        (error,) = errors_for(Official, {**row, "mobile": "123"})
    assert error.message.startswith("手机号码：")


def test_the_database_guard_refuses_a_bad_record_from_any_path(db, factory):
    """A write that bypasses the forms (command line, import) is refused just the same."""
    official = Official(**{**factory.official(), "citizen_id": "110105194912310021"})
    db.session.add(official)
    with pytest.raises(DossierValidationError) as refused:
        db.session.commit()
    db.session.rollback()
    assert refused.value.errors[0].field == "citizen_id"
    assert row_count(db, Official) == 0


def test_a_valid_record_passes_the_guard(db, factory):
    db.session.add(Official(**factory.official()))
    db.session.commit()
    assert db.session.scalar(select(Official.name)) is not None
