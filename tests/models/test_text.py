"""Text that is not text is refused, on every path; text that is, is stored clean."""

import pytest
from sqlalchemy import select

from models import Consultation, Official, ReviewDecision
from models.evaluation import AnnualAssessment
from models.text import TEXT_MAX_LENGTH, clean, visible
from models.validation import DossierValidationError, errors_for
from tests.helpers import row_count


def messages_for(app, model, values):
    with app.test_request_context():
        return {e.field: e.message for e in errors_for(model, values)}


def test_text_is_stored_nfc_normalised_and_trimmed(db, factory):
    # "e" + combining acute, typed on one keyboard, is the same name as "é" typed on another.
    official = Official(**{**factory.official(), "name": "  Jose\u0301 李 \u3000", "post": "\t科员  "})
    db.session.add(official)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalar(select(Official).execution_options(include_pending=True))
    assert (stored.name, stored.post) == ("José 李", "科员")


@pytest.mark.parametrize("value,expected", [
    ("名\x00字", "控制字符"),
    ("名字\x1b", "控制字符"),
    ("\u202e字名", "不可见字符"),
    ("名\u200b字", "不可见字符"),
    ("名\u2066字\u2069", "不可见字符"),
    ("名\ufeff字", "不可见字符"),
])
def test_control_bidi_and_zero_width_characters_are_refused_naming_the_field(app, factory, value, expected):
    found = messages_for(app, Official, {**factory.official(), "name": value})
    assert found["name"].startswith("姓名：") and expected in found["name"]


def test_multi_line_text_keeps_its_line_breaks_but_not_other_controls(app, factory):
    row = {"year": 2020, "grade": "1", "source_channel": "hr", "official": None}
    assert "comments" not in messages_for(app, AnnualAssessment, {**row, "comments": "第一行\r\n第二行\t完"})
    assert "控制字符" in messages_for(app, AnnualAssessment, {**row, "comments": "第一行\x07"})["comments"]
    # A single-line field takes no line break.
    assert "控制字符" in messages_for(app, Official, {**factory.official(), "post": "科员\n处长"})["post"]


def test_every_text_column_has_a_limit_stated_in_the_message(app, factory):
    found = messages_for(app, Official, {**factory.official(), "post": "长" * 101})
    assert found["post"] == "职务：最多100个字符（现有101个）"
    row = {"year": 2020, "grade": "1", "source_channel": "hr", "official": None}
    found = messages_for(app, AnnualAssessment, {**row, "comments": "评" * 10_000})
    assert found["comments"] == f"评语：最多{TEXT_MAX_LENGTH}个字符（现有10000个）"


@pytest.mark.parametrize("blank", ["   ", "\u3000\u3000", "\u200b", " \u00a0 "])
def test_required_means_visible_characters(app, factory, blank):
    assert not visible(clean(blank))
    assert messages_for(app, Official, {**factory.official(), "name": blank})["name"] == "姓名：不能为空"


def test_the_guard_refuses_bad_text_from_any_path_and_writes_nothing(db, factory, make_official, users):
    db.session.add(Official(**{**factory.official(), "name": "名\x00字"}))
    with pytest.raises(DossierValidationError) as refused:
        db.session.commit()
    db.session.rollback()
    assert refused.value.errors[0].field == "name" and row_count(db, Official) == 0

    # Rows that are not dossier records but hold what people type: rejection reasons, purposes.
    official = make_official()
    for row in (
        ReviewDecision(item_table="official", item_id=official.id, record_table="official", record_id=official.id,
                       action="reject", from_state="submitted", to_state="draft", reason="理由\u202e",
                       actor_id=users["dept_head"].id),
        Consultation(applicant_id=users["clerk"].id, official_id=official.id, sections="work_experience",
                     purpose="查" * 10_000, valid_from=official.birth_date, valid_until=official.birth_date),
    ):
        db.session.add(row)
        with pytest.raises(DossierValidationError):
            db.session.commit()
        db.session.rollback()
    assert row_count(db, ReviewDecision) == 0 and row_count(db, Consultation) == 0
