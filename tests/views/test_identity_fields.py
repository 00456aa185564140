"""Citizen ID, phones and e-mail are a tier of their own (models.identity): HR reads them in
clear on the official's page and in the history; the inspector, who supervises and needs
none of them, reads them masked; nobody reads a ciphertext, an index or an internal column."""

import random
from contextlib import contextmanager

import pytest

from jobs.seed import citizen_id
from models import ChangeRequest, Official, identity
from models.integrity_file import IntegrityRisk
from tests.helpers import form_data, pending

# What a page must never carry: stored bytes (as Python prints them, escaped or not) and
# the internal names of sealed columns and of the blind index.
INTERNAL = ("b'\\x", "b&#39;\\x", "\\x01", "_citizen_id", "citizen_id_index", "_mobile", "_email", "_office_phone",
            "name_pinyin", "transaction_id", "operation_type")


def masked_id(value):
    return value[:6] + "********" + value[-4:]


def masked_mobile(value):
    return value[:3] + "****" + value[-4:]


@pytest.fixture
def renumbered(db, make_official):
    """An official whose citizen ID and mobile were changed: (official, old values, new values)."""
    official = make_official(email="wang.xm@example.cn", office_phone="010-65001234")
    old = (official.citizen_id, official.mobile)
    new = (citizen_id(random.Random(official.id), official.birth_date, official.gender), "13800001234")
    official.citizen_id, official.mobile = new
    db.session.commit()
    return official, old, new


@contextmanager
def without_the_tier(app, role):
    sm = app.appbuilder.sm
    held, permission = sm.find_role(role), sm.find_permission_view_menu(*identity.READ_CLEAR)
    sm.del_permission_role(held, permission)
    try:
        yield
    finally:
        sm.add_permission_role(held, permission)


def test_hr_reads_the_old_and_new_values_of_the_history_in_clear(login_as, renumbered):
    official, (old_id, old_mobile), (new_id, new_mobile) = renumbered
    page = login_as("hr_reviewer").get(f"/history/official/{official.id}").get_data(as_text=True)
    change = page.split('<tr class="version">')[2]
    assert f"<th>公民身份号码</th><td><del>{old_id}</del></td><td><ins>{new_id}</ins></td>" in change
    assert f"<th>手机号码</th><td><del>{old_mobile}</del></td><td><ins>{new_mobile}</ins></td>" in change
    assert not [name for name in INTERNAL if name in page]


def test_the_inspector_reads_them_masked_and_never_in_clear(login_as, renumbered):
    official, (old_id, old_mobile), (new_id, new_mobile) = renumbered
    page = login_as("inspector").get(f"/history/official/{official.id}").get_data(as_text=True)
    change = page.split('<tr class="version">')[2]
    assert f"<del>{masked_id(old_id)}</del></td><td><ins>{masked_id(new_id)}</ins>" in change
    assert f"<del>{masked_mobile(old_mobile)}</del></td><td><ins>{masked_mobile(new_mobile)}</ins>" in change
    for clear in (old_id, new_id, old_mobile, new_mobile, official.email, official.office_phone):
        assert clear not in page
    assert not [name for name in INTERNAL if name in page]


def test_the_official_page_shows_identity_fields_clear_to_hr_and_masked_to_the_inspector(login_as, renumbered):
    official, _old, (new_id, new_mobile) = renumbered
    hr = login_as("hr_reviewer").get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert all(value in hr for value in (new_id, new_mobile, official.email, official.office_phone))
    page = login_as("inspector").get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert masked_id(new_id) in page and "138****1234" in page
    assert "w***@example.cn" in page and "********1234" in page
    for clear in (new_id, new_mobile, official.email, official.office_phone):
        assert clear not in page


def test_a_sections_history_shows_its_decrypted_text_under_its_label(db, login_as, make_record):
    risk = make_record(IntegrityRisk)
    before = risk.risk_point
    risk.risk_point = "工程项目审批权集中"
    db.session.commit()
    page = login_as("hr_reviewer").get(f"/history/integrity_risk/{risk.id}").get_data(as_text=True)
    assert f"<th>廉政风险点</th><td><del>{before}</del></td><td><ins>工程项目审批权集中</ins></td>" in page
    assert not [name for name in INTERNAL + ("_risk_point", "_controls") if name in page]


def test_a_change_request_reads_masked_to_a_reviewer_without_the_tier(app, db, login_as, make_official):
    official = make_official()
    data = form_data(Official, {c.key: getattr(official, c.key) for c in Official.__table__.columns})
    login_as("clerk").post(f"/officialview/edit/{official.id}", data={**data, "mobile": "13800001234"})
    (request,) = pending(db, ChangeRequest, record_id=official.id)
    assert request.proposed_values == {"mobile": "13800001234"}
    history = login_as("inspector").get(f"/history/official/{official.id}").get_data(as_text=True)
    assert "138****1234" in history and "13800001234" not in history
    assert "13800001234" in login_as("clerk").get(f"/history/official/{official.id}").get_data(as_text=True)


def test_without_the_tier_the_edit_form_leaves_identity_fields_out_and_a_save_keeps_them(app, db, login_as,
                                                                                          make_official):
    official = make_official()
    data = form_data(Official, {c.key: getattr(official, c.key) for c in Official.__table__.columns})
    client = login_as("clerk")
    with without_the_tier(app, "clerk"):
        form = client.get(f"/officialview/edit/{official.id}").get_data(as_text=True)
        assert official.citizen_id not in form and official.mobile not in form
        assert 'name="citizen_id"' not in form and 'name="mobile"' not in form and 'name="post"' in form
        # A forged post of the masked value changes nothing of it.
        saved = client.post(f"/officialview/edit/{official.id}",
                            data={**data, "citizen_id": masked_id(official.citizen_id), "mobile": "139****0000",
                                  "post": "副处长"})
        assert saved.status_code == 302
    (request,) = pending(db, ChangeRequest, record_id=official.id)
    assert request.proposed_values == {"post": "副处长"}
    # With the tier the clerk sees on the form what they typed.
    assert official.citizen_id in client.get(f"/officialview/edit/{official.id}").get_data(as_text=True)
