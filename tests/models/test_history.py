"""A record's history reads as the forms do: labelled fields, decrypted values, identity
fields masked without the identity tier, and never a stored byte (§7.3, models.history)."""

import random

from jobs.seed import citizen_id
from models import Official, history, identity
from models.integrity_file import IntegrityRisk
from models.labels import LABELS, labels_of
from security.roles import ROLE_LABELS, permissions_of


def changed(db, official, **values):
    for key, value in values.items():
        setattr(official, key, value)
    db.session.commit()
    return official


def new_citizen_id(official):
    return citizen_id(random.Random(official.id), official.birth_date, official.gender)


def changes_of(entry) -> dict:
    return {label: (old, new) for label, old, new in entry.changes}


def test_a_changed_citizen_id_and_mobile_read_decrypted_with_the_tier_and_masked_without(db, make_official):
    official = make_official()
    old_id, old_mobile = official.citizen_id, official.mobile
    new_id, new_mobile = new_citizen_id(official), "13800001234"
    changed(db, official, citizen_id=new_id, mobile=new_mobile)

    created, change = history.entries(db.session, Official, official.id, clear=True)
    assert changes_of(change) == {str(LABELS["citizen_id"]): (old_id, new_id),
                                  str(LABELS["mobile"]): (old_mobile, new_mobile)}
    assert changes_of(created)[str(LABELS["citizen_id"])] == ("", old_id)

    _created, change = history.entries(db.session, Official, official.id, clear=False)
    assert changes_of(change) == {
        str(LABELS["citizen_id"]): (old_id[:6] + "********" + old_id[-4:], new_id[:6] + "********" + new_id[-4:]),
        str(LABELS["mobile"]): (old_mobile[:3] + "****" + old_mobile[-4:], "138****1234"),
    }


def test_only_labelled_fields_show_never_a_ciphertext_index_or_search_key(db, make_official):
    official = make_official(email="wang@example.cn", office_phone="010-65001234")
    changed(db, official, citizen_id=new_citizen_id(official), name=official.name + "明")
    labels = {str(label) for label in labels_of(Official).values()}
    for clear in (True, False):
        for entry in history.entries(db.session, Official, official.id, clear=clear):
            assert entry.operation in ("新建", "修改", "Created", "Changed")
            for label, old, new in entry.changes:
                assert label in labels
                assert isinstance(old, str) and isinstance(new, str)
                assert "\\x" not in old + new and "b'" not in old + new
    shown = {c.name for c in history.shown_columns(Official)}
    assert {"citizen_id", "mobile", "email", "office_phone", "name"} <= shown
    assert not shown & {"citizen_id_index", "name_pinyin", "name_initials", "former_names_keys", "id"}


def test_a_value_sealed_anew_is_no_change(db, make_official):
    official = make_official()
    post = (official.post or "") + "（兼）"
    changed(db, official, citizen_id=official.citizen_id, post=post)  # the same ID, encrypted again
    change = history.entries(db.session, Official, official.id, clear=True)[-1]
    assert list(changes_of(change)) == [str(LABELS["post"])]


def test_a_sections_sensitive_text_reads_decrypted_to_its_readers(db, make_record):
    risk = make_record(IntegrityRisk)
    before = risk.risk_point
    risk.risk_point = "工程项目审批权集中"
    db.session.commit()
    change = history.entries(db.session, IntegrityRisk, risk.id, clear=False)[-1]
    assert changes_of(change) == {str(labels_of(IntegrityRisk)["risk_point"]): (before, "工程项目审批权集中")}


def test_the_identity_tier_is_role_data_hr_and_the_clerk_hold_it_and_supervisors_do_not():
    holders = {role for role in ROLE_LABELS if identity.READ_CLEAR in permissions_of(role)}
    assert holders == {"hr_reviewer", "clerk"}


def test_who_reads_clear(db, users, make_official):
    assert identity.reads_clear(users["hr_reviewer"]) and identity.reads_clear(users["clerk"])
    for role in ("inspector", "dept_head", "archivist", "unit_head", "auditor"):
        assert not identity.reads_clear(users[role]), role
    # The official's own account reads their own fields, and nobody else's.
    mine = make_official(account_id=users["official"].id)
    other = make_official()
    assert identity.reads_clear(users["official"], mine) and not identity.reads_clear(users["official"], other)
    assert not identity.reads_clear(None)


def test_masks_keep_enough_to_recognise():
    assert identity.masked("citizen_id", "11010519491231002X") == "110105********002X"
    assert identity.masked("mobile", "13912345678") == "139****5678"
    assert identity.masked("phone", "010-65001234") == "********1234"
    assert identity.masked("email", "wang@example.cn") == "w***@example.cn"
    assert identity.masked("mobile", None) is None and identity.masked("mobile", "") == ""
