"""What a roster may be filtered by, field by field: FAB's operations for the column's type,
never an encrypted field, never a section the reader may not read."""

import pytest
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface

from models import Official, roster_filters
from models.career import WorkExperience
from models.rewards import Sanction


def test_fields_are_the_readable_plain_content_fields(db, users):
    offered = roster_filters.fields(users["hr_reviewer"])
    assert offered["work_experience.post_level"] == (WorkExperience, "post_level")
    assert offered["basic.former_names"] == (Official, "former_names")
    encrypted = {f"{m.section_key}.{c.key}" for m in (Official, Sanction) for c in m.__table__.columns
                 if "plain" in c.info}
    assert encrypted and not encrypted & set(offered)
    for internal in ("basic.name_pinyin", "basic.former_names_keys", "basic.citizen_id_index", "basic.review_state",
                     "work_experience.official_id"):
        assert internal not in offered
    assert "sanction.kind" not in roster_filters.fields(users["clerk"])


def test_operations_are_those_fab_offers_for_the_type():
    for model, column in ((WorkExperience, "unit"), (WorkExperience, "start_date"), (Sanction, "period_months")):
        expected = [f.arg_name for f in SQLAFilterConverter(SQLAInterface(model)).convert(column)]
        assert list(roster_filters.operations(model, column)) == expected
    assert "gt" in roster_filters.operations(WorkExperience, "start_date")
    assert "ct" not in roster_filters.operations(WorkExperience, "start_date")


def test_values_are_typed_or_refused():
    assert roster_filters.typed(Sanction, "period_months", "in", "6、12") == [6, 12]
    for model, column, op, value in ((WorkExperience, "start_date", "gt", "2024-02-30"),
                                     (Sanction, "period_months", "eq", "1e3"),
                                     (WorkExperience, "post_level", "eq", "100"),
                                     (WorkExperience, "unit", "ct", "长" * 51)):
        with pytest.raises(roster_filters.FieldFilterError):
            roster_filters.typed(model, column, op, value)
