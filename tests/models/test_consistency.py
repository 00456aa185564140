"""Each consistency rule (三龄两历一身份) flags a constructed bad dossier and passes a good one."""

from datetime import date

import pytest

from models import consistency

LIMITS = dict(consistency.DEFAULTS)
# A valid citizen ID (GB 11643 check digit) of a man born 1980-05-17.
CITIZEN_ID = "110101198005170018"


def good(**changes) -> consistency.Facts:
    facts = consistency.Facts(
        official_id=1, gender="1", birth_date=date(1980, 5, 17), political_status="01",
        work_start_date=date(2003, 7, 15), party_join_date=date(2001, 6, 1),
        read_citizen_id=lambda: CITIZEN_ID,
        work=[(date(2003, 7, 15), date(2010, 1, 31)), (date(2010, 2, 1), None)],
        education=[(date(1995, 9, 1), date(1998, 7, 1)), (date(1998, 9, 1), date(2003, 7, 1))],
    )
    for key, value in changes.items():
        setattr(facts, key, value)
    return facts


def flagged(rule_key, facts):
    return list(consistency.BY_KEY[rule_key].check(facts, LIMITS))


BAD = {
    "identity": [
        dict(birth_date=date(1980, 5, 18)),
        dict(gender="2"),
        dict(read_citizen_id=lambda: "not-an-id"),
    ],
    "working_years": [
        dict(work_start_date=date(2004, 1, 1)),
        dict(work_start_date=None),
    ],
    "party_standing": [
        dict(party_join_date=None),
        dict(political_status="13"),
    ],
    "education_overlap": [
        dict(education=[(date(1995, 9, 1), date(1999, 7, 1)), (date(1998, 9, 1), date(2003, 7, 1))]),
    ],
    "work_gap": [
        dict(work=[(date(2003, 7, 15), date(2005, 1, 31)), (date(2010, 2, 1), None)]),
        dict(work=[(date(2006, 7, 15), None)]),
    ],
}


def test_every_rule_has_a_bad_dossier_here():
    assert set(BAD) == set(consistency.BY_KEY)


@pytest.mark.parametrize("rule_key", sorted(consistency.BY_KEY))
def test_a_good_dossier_passes(rule_key):
    assert flagged(rule_key, good()) == []


@pytest.mark.parametrize("rule_key,changes", [(k, c) for k, cases in BAD.items() for c in cases])
def test_a_bad_dossier_is_flagged_by_its_rule_only(rule_key, changes):
    facts = good(**changes)
    assert flagged(rule_key, facts), (rule_key, changes)
    others = {k for k in consistency.BY_KEY if k != rule_key and flagged(k, facts)}
    # A missing work-start date also leaves the history without its beginning: no other rule fires.
    assert others == set(), others


def test_a_gap_spent_studying_is_explained():
    facts = good(work=[(date(2003, 7, 15), date(2005, 1, 31)), (date(2008, 9, 1), None)],
                 education=[*good().education, (date(2005, 3, 1), date(2008, 7, 1))])
    assert flagged("work_gap", facts) == []


def test_the_gap_limit_is_configurable():
    facts = good(work=[(date(2003, 7, 15), date(2005, 1, 31)), (date(2005, 6, 1), None)])
    assert flagged("work_gap", facts) == []
    assert flagged("work_gap", facts) == list(consistency.BY_KEY["work_gap"].check(facts, LIMITS))
    assert list(consistency.BY_KEY["work_gap"].check(facts, {**LIMITS, "INSPECTION_WORK_GAP_DAYS": 60}))
