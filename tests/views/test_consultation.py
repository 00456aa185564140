"""Consultation (查阅, §5.3): an application, two approvals, a grant limited in sections, time and
place, every page read recorded and watermarked, and the archive's register."""

import io
import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from sqlalchemy import select

from models import AuditEvent, Consultation, ConsultationReading
from security.consultation import display_name, expire_grants
from tests import documents
from tests.helpers import messages

TERMINAL = {"REMOTE_ADDR": "10.20.0.7"}


@pytest.fixture(autouse=True)
def reading_room(app, monkeypatch):
    monkeypatch.setitem(app.config, "CONSULTATION_TERMINALS", ["10.20.0.0/24"])


@pytest.fixture
def dossier(make_official, make_record, make_material):
    """A dossier in another department than the applicant's (D03), with an integrity report and a scan."""
    from models.integrity_file import IntegrityReport

    official = make_official(department_code="D03", name="被查阅人")
    report = make_record(IntegrityReport, official=official)
    scan = make_material(official, content=documents.pdf(2), title="廉政谈话记录")
    return {"official": official, "report": report, "scan": scan}


def apply(client, whose, sections, **fields):
    """An application naming the official as the applicant can: from the list of their own
    departments' officials, or, for anyone else, by the exact citizen ID."""
    data = {"official": str(whose.id), "citizen_id": whose.citizen_id, "sections": sections, "purpose": "干部考察",
            "valid_from": date.today().isoformat(), "valid_until": (date.today() + timedelta(days=7)).isoformat(),
            **fields}
    return client.post("/consultation/apply", data=data, follow_redirects=True)


def approved_grant(db, login_as, dossier, sections=("integrity_report", "material")):
    apply(login_as("clerk"), dossier["official"], list(sections))
    application = db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
    login_as("dept_head").post(f"/consultation/{application.id}/department", data={"decision": "approve"})
    login_as("archivist").post(f"/consultation/{application.id}/archive", data={"decision": "approve"})
    db.session.refresh(application)
    return application


def test_an_application_passes_both_approvals_and_names_the_approvers(db, login_as, dossier, users):
    application = approved_grant(db, login_as, dossier)
    assert application.state == "approved"
    assert application.department_approver_id == users["dept_head"].id
    assert application.archive_approver_id == users["archivist"].id
    page = login_as("clerk").get("/consultation/").get_data(as_text=True)
    assert display_name(users["dept_head"]) in page and display_name(users["archivist"]) in page


def test_the_archive_cannot_decide_before_the_department_head(db, login_as, dossier):
    apply(login_as("clerk"), dossier["official"], ["integrity_report"])
    application = db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
    login_as("archivist").post(f"/consultation/{application.id}/archive", data={"decision": "approve"})
    db.session.refresh(application)
    assert application.state == "submitted"


def test_nobody_may_apply_for_their_own_dossier(db, login_as, make_official, users):
    own = make_official(account_id=users["official"].id)
    client = login_as("clerk")
    from models import Official

    db.session.get(Official, own.id).account_id = users["clerk"].id
    db.session.commit()
    client.get("/lang/en")
    page = apply(client, own, ["official"]).get_data(as_text=True)
    assert "Nobody may consult their own dossier" in " ".join(messages(page))
    assert db.session.scalars(select(Consultation)).all() == []


def test_a_grant_opens_its_sections_with_a_watermark_and_every_read_is_recorded(db, login_as, dossier, users):
    application = approved_grant(db, login_as, dossier)
    client = login_as("clerk")
    # Without the grant the clerk cannot read the integrity file at all.
    assert client.get(f"/integrityreportview/show/{dossier['report'].id}").status_code in (302, 403, 404)
    page = client.get(f"/consultation/{application.id}/read/integrity_report", environ_base=TERMINAL)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="watermark"' in html and display_name(users["clerk"]) in html
    assert dossier["report"].summary in html  # decrypted for the reader under the grant
    (reading,) = db.session.scalars(select(ConsultationReading).where(ConsultationReading.consultation_id == application.id))
    assert (reading.section_key, reading.client_addr, reading.user_id) == ("integrity_report", "10.20.0.7",
                                                                           users["clerk"].id)
    register = login_as("archivist").get("/consultation/register").get_data(as_text=True)
    assert "10.20.0.7" in register


def test_a_document_read_under_a_grant_carries_the_readers_name_and_time(db, login_as, dossier, users):
    application = approved_grant(db, login_as, dossier)
    client = login_as("clerk")
    response = client.get(f"/consultation/{application.id}/document/{dossier['scan'].id}", environ_base=TERMINAL)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 2
    for page in reader.pages:
        drawn = {operands[0].original_bytes.decode("utf-16-be")
                 for operands, operator in ContentStream(page.get_contents(), reader).operations if operator == b"Tj"}
        (text,) = drawn
        assert display_name(users["clerk"]) in text and date.today().isoformat() in text
        assert users["clerk"].username not in text


def test_a_grant_for_one_section_does_not_open_another(db, login_as, dossier):
    application = approved_grant(db, login_as, dossier, sections=("integrity_report",))
    client = login_as("clerk")
    assert client.get(f"/consultation/{application.id}/read/sanction", environ_base=TERMINAL).status_code == 403
    assert client.get(f"/consultation/{application.id}/document/{dossier['scan'].id}",
                      environ_base=TERMINAL).status_code == 403
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "consultation_refused")
                               .order_by(AuditEvent.seq.desc())).first()
    assert json.loads(event.details)["reason"] == "section"


def test_consultation_from_outside_the_reading_terminals_is_refused(db, login_as, dossier):
    application = approved_grant(db, login_as, dossier)
    client = login_as("clerk")
    client.get("/lang/en")
    response = client.get(f"/consultation/{application.id}/read/integrity_report",
                          environ_base={"REMOTE_ADDR": "192.168.1.50"})
    assert response.status_code == 403
    assert "reading terminals" in response.get_data(as_text=True)
    assert db.session.scalars(select(ConsultationReading)).all() == []


def test_an_expired_grant_is_refused_and_the_job_ends_it(db, login_as, dossier):
    application = approved_grant(db, login_as, dossier)
    application.valid_from = date.today() - timedelta(days=10)
    application.valid_until = date.today() - timedelta(days=1)
    db.session.commit()
    client = login_as("clerk")
    client.get("/lang/en")
    response = client.get(f"/consultation/{application.id}/read/integrity_report", environ_base=TERMINAL)
    assert response.status_code == 403 and "This grant ended on" in response.get_data(as_text=True)
    assert expire_grants(db.session) == 1
    db.session.commit()
    db.session.refresh(application)
    assert application.state == "expired"


def test_a_grant_that_has_not_started_is_refused_and_nothing_is_read(db, login_as, dossier):
    application = approved_grant(db, login_as, dossier)
    starts = date.today() + timedelta(days=2)
    application.valid_from, application.valid_until = starts, starts + timedelta(days=5)
    db.session.commit()
    client = login_as("clerk")
    client.get("/lang/en")
    response = client.get(f"/consultation/{application.id}/read/integrity_report", environ_base=TERMINAL)
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and f"This grant starts on {starts.isoformat()}" in html
    assert dossier["report"].summary not in html
    assert db.session.scalars(select(ConsultationReading)).all() == []


@pytest.mark.parametrize("days, accepted", [(30, True), (31, False)])
def test_a_grant_lasts_at_most_the_longest_period(db, login_as, dossier, days, accepted):
    """CONSULTATION_MAX_DAYS (30) days, counting both ends, and not one day more."""
    client = login_as("clerk")
    client.get("/lang/en")
    until = date.today() + timedelta(days=days - 1)
    response = apply(client, dossier["official"], ["integrity_report"], valid_until=until.isoformat())
    stored = db.session.scalars(select(Consultation).where(Consultation.official_id == dossier["official"].id)).all()
    if accepted:
        assert [(a.valid_until, a.state) for a in stored] == [(until, "submitted")]
    else:
        assert "A grant lasts at most 30 days." in " ".join(messages(response.get_data(as_text=True)))
        assert stored == []


def test_only_the_applicant_uses_the_grant(db, login_as, dossier):
    application = approved_grant(db, login_as, dossier)
    response = login_as("hr_reviewer").get(f"/consultation/{application.id}/read/integrity_report",
                                           environ_base=TERMINAL)
    assert response.status_code == 403


def test_a_rejection_needs_a_reason(db, login_as, dossier):
    apply(login_as("clerk"), dossier["official"], ["integrity_report"])
    application = db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
    head = login_as("dept_head")
    head.post(f"/consultation/{application.id}/department", data={"decision": "reject"})
    db.session.refresh(application)
    assert application.state == "submitted"
    head.post(f"/consultation/{application.id}/department", data={"decision": "reject", "reason": "用途不明"})
    db.session.refresh(application)
    assert application.state == "rejected" and application.reason == "用途不明"


def test_a_grant_for_documents_does_not_open_documents_of_sections_it_does_not_cover(db, login_as, dossier,
                                                                                  make_material):
    sanction_doc = make_material(dossier["official"], material_class="8", title="处分决定书")
    application = approved_grant(db, login_as, dossier, sections=("material",))
    client = login_as("clerk")
    listing = client.get(f"/consultation/{application.id}/read/material", environ_base=TERMINAL)
    assert "廉政谈话记录" in listing.get_data(as_text=True) and "处分决定书" not in listing.get_data(as_text=True)
    assert client.get(f"/consultation/{application.id}/document/{sanction_doc.id}",
                      environ_base=TERMINAL).status_code == 403


def test_the_two_approvals_come_from_two_people(app, db, login_as, dossier, make_user, client):
    both = make_user("dept_head", "D01")
    both.roles.append(app.appbuilder.sm.find_role("archivist"))
    db.session.commit()
    apply(login_as("clerk"), dossier["official"], ["integrity_report"])
    application = db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
    client.post("/logout/")
    client.post("/login/", data={"username": both.username, "password": "Test-Pass-2026!"})
    client.post(f"/consultation/{application.id}/department", data={"decision": "approve"})
    client.post(f"/consultation/{application.id}/archive", data={"decision": "approve"})
    db.session.refresh(application)
    assert application.state == "department_approved"


def test_the_application_lists_only_officials_in_the_applicants_scope(db, login_as, dossier, make_official):
    own = make_official(department_code="D01", name="本部门官员")
    clerk = login_as("clerk")
    form = clerk.get("/consultation/apply").get_data(as_text=True)
    # The form lists nobody: the picker searches the applicant's scope as they type.
    assert "official-picker" in form and "本部门官员" not in form and "被查阅人" not in form
    found = clerk.get("/officialpicker/search", query_string={"q": "官员"}).get_json()
    assert [row["id"] for row in found] == [own.id]
    assert clerk.get("/officialpicker/search", query_string={"q": "被查阅"}).get_json() == []
    count = db.session.query(Consultation).count()
    other = dossier["official"]
    # Another department's official by id alone (a forged choice) is refused ...
    apply(clerk, other, ["integrity_report"], citizen_id="")
    # ... and so is a prefix of the citizen ID: it finds nobody.
    apply(clerk, other, ["integrity_report"], official="", citizen_id=other.citizen_id[:10])
    assert db.session.query(Consultation).count() == count
    # The exact citizen ID names them.
    apply(clerk, other, ["integrity_report"], official="")
    application = db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).first()
    assert db.session.query(Consultation).count() == count + 1 and application.official_id == other.id


# ------------------------------------------------------------ routing, names, the assisting archivist

class Shown(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = Shown()
    parser.feed(html)
    return " ".join(parser.parts)


def latest(db):
    return db.session.scalars(select(Consultation).order_by(Consultation.id.desc())).first()


def test_the_form_names_the_approver_before_submitting(login_as, users):
    form = shown(login_as("clerk").get("/consultation/apply").get_data(as_text=True))
    assert f"审批人：部门负责人 {display_name(users['dept_head'])}" in form
    # An inspector belongs to no department: the unit head decides.
    form = shown(login_as("inspector").get("/consultation/apply").get_data(as_text=True))
    assert f"审批人：单位负责人 {display_name(users['unit_head'])}" in form


def test_the_period_uses_the_date_picker(login_as):
    form = login_as("clerk").get("/consultation/apply").get_data(as_text=True)
    for name in ("valid_from", "valid_until"):
        assert re.search(r'<div class="input-group date appbuilder_date"[^>]*>\s*<span class="input-group-addon">'
                         r'<i class="fa fa-calendar[^"]*"></i></span><input class="form-control" data-format="yyyy-MM-dd"'
                         rf'[^>]*name="{name}"', form), name


def test_an_inspectors_application_waits_for_the_unit_head_only_and_passes(db, login_as, dossier, users):
    apply(login_as("inspector"), dossier["official"], ["basic"])
    application = latest(db)
    assert [r.user_id for r in application.routed] == [users["unit_head"].id]
    assert f'data-application="{application.id}"' not in login_as("dept_head").get("/consultation/").get_data(as_text=True)
    assert login_as("dept_head").post(f"/consultation/{application.id}/unit", data={"decision": "approve"}).status_code == 403
    unit = login_as("unit_head")
    waiting = unit.get("/consultation/").get_data(as_text=True)
    assert f'action="/consultation/{application.id}/unit"' in waiting
    unit.post(f"/consultation/{application.id}/unit", data={"decision": "approve"})
    login_as("archivist").post(f"/consultation/{application.id}/archive", data={"decision": "approve"})
    db.session.refresh(application)
    assert (application.state, application.department_approver_id) == ("approved", users["unit_head"].id)


def test_an_application_nobody_can_approve_is_refused_and_not_made(db, login_as, dossier):
    # The unit head has no department and is the only unit head: nobody but themselves could decide.
    client = login_as("unit_head")
    client.get("/lang/en")
    assert "Nobody can approve your application" in shown(client.get("/consultation/apply").get_data(as_text=True))
    page = apply(client, dossier["official"], ["basic"]).get_data(as_text=True)
    assert "Nobody can approve your application" in " ".join(messages(page))
    assert db.session.query(Consultation).count() == 0


def test_the_register_shows_the_archivist_assisting_the_reading(db, login_as, dossier, make_user):
    colleague = make_user("archivist", "D02")
    apply(login_as("clerk"), dossier["official"], ["integrity_report"])
    application = latest(db)
    login_as("dept_head").post(f"/consultation/{application.id}/department", data={"decision": "approve"})
    archive = login_as("archivist")
    assert f'<option value="{colleague.id}">' in archive.get("/consultation/").get_data(as_text=True)
    archive.post(f"/consultation/{application.id}/archive", data={"decision": "approve", "assisted_by": colleague.id})
    db.session.refresh(application)
    assert (application.state, application.assisted_by_id) == ("approved", colleague.id)
    register = archive.get("/consultation/register").get_data(as_text=True)
    row = re.search(rf'<tr data-application="{application.id}">.*?</tr>', register, re.S).group(0)
    assert re.search(r'class="assisted-by">([^<]*)<', row).group(1) == display_name(colleague)


def test_a_reader_as_assisting_archivist_is_refused_with_a_message(db, login_as, dossier, users):
    apply(login_as("clerk"), dossier["official"], ["integrity_report"])
    application = latest(db)
    login_as("dept_head").post(f"/consultation/{application.id}/department", data={"decision": "approve"})
    archive = login_as("archivist")
    archive.get("/lang/en")
    page = archive.post(f"/consultation/{application.id}/archive", follow_redirects=True,
                        data={"decision": "approve", "assisted_by": users["clerk"].id}).get_data(as_text=True)
    assert "The reading is assisted by an archivist" in " ".join(messages(page))
    db.session.refresh(application)
    assert (application.state, application.assisted_by_id) == ("department_approved", None)


def test_no_consultation_page_shows_a_login_name(db, login_as, dossier, users):
    application = approved_grant(db, login_as, dossier, sections=("basic", "integrity_report"))
    apply(login_as("inspector"), dossier["official"], ["basic"])
    pages = {
        "clerk": ["/consultation/", "/consultation/apply", f"/consultation/{application.id}/read/basic",
                  f"/consultation/{application.id}/read/integrity_report"],
        "unit_head": ["/consultation/"],
        "archivist": ["/consultation/register"],
    }
    logins = [user.username for user in users.values()]
    for role, paths in pages.items():
        client = login_as(role)
        for path in paths:
            response = client.get(path, environ_base=TERMINAL)
            assert response.status_code == 200, path
            text = shown(response.get_data(as_text=True))
            # The premise: the page does name people (by their names).
            assert any(display_name(user) in text for user in users.values()), path
            assert [login for login in logins if login in text] == [], (role, path)


def test_the_reading_page_shows_each_record_as_fields_not_a_row_of_every_column(db, login_as, dossier):
    """Basic information's dozens of columns side by side were 1,532 px wide, a character a
    line in some cells: each record is a field | value table of the screen's width."""
    application = approved_grant(db, login_as, dossier, sections=("basic",))
    html = login_as("clerk").get(f"/consultation/{application.id}/read/basic",
                                 environ_base=TERMINAL).get_data(as_text=True)
    records = re.search(r'<div id="granted-records">(.*?)</div>', html, re.S).group(1)
    assert "<thead" not in records
    rows = re.findall(r"<tr>(.*?)</tr>", records, re.S)
    assert len(rows) > 10
    assert all(len(re.findall(r"<th\b", r)) == 1 and len(re.findall(r"<td\b", r)) == 1 for r in rows)
    css = re.search(r"\.consultation-record \{([^}]*)\}", html).group(1)
    assert "table-layout: fixed" in css and "width: 100%" in css


def test_a_reader_without_the_identity_tier_reads_identity_fields_masked_and_never_stored_forms(db, login_as,
                                                                                                 dossier):
    """A grant opens the section, not the identity tier: the inspector reads the citizen ID
    and phones masked, the clerk (who holds it) in clear; nobody sees a ciphertext column,
    the blind index or the search keys."""
    official = dossier["official"]
    clerk_grant = approved_grant(db, login_as, dossier, sections=("basic",))
    apply(login_as("inspector"), official, ["basic"])
    inspector_grant = latest(db)
    login_as("unit_head").post(f"/consultation/{inspector_grant.id}/unit", data={"decision": "approve"})
    login_as("archivist").post(f"/consultation/{inspector_grant.id}/archive", data={"decision": "approve"})
    pages = {role: login_as(role).get(f"/consultation/{grant.id}/read/basic", environ_base=TERMINAL)
             .get_data(as_text=True) for role, grant in (("clerk", clerk_grant), ("inspector", inspector_grant))}
    masked = official.citizen_id[:6] + "*" * 8 + official.citizen_id[-4:]
    assert official.citizen_id in pages["clerk"]
    assert official.citizen_id not in pages["inspector"] and masked in pages["inspector"]
    for html in pages.values():
        for internal in ("_citizen_id", "citizen_id_index", "_mobile", "name_pinyin", "b'\\x"):
            assert internal not in html
