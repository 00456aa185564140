"""The official's page as the clerk, HR and the department head read it: whose dossier it
is, an edit button for those who may edit, empty fields empty, tabs without a column
repeating the official, the whole catalogue, and the printable dossier (an audited PDF)."""

import io
import re

import pypdf
import pytest

from models.career import WorkExperience
from models.integrity_file import IntegrityRisk
from models.training import Training
from tests.helpers import last_seq, new_events

PROGRAMME = "中青年干部培训班"


@pytest.fixture
def dossier(db, make_official, make_record, make_material, draft_of, users):
    """An official whose optional fields are empty, with an open post (no end date, no level),
    a training programme, an integrity risk, one document in class 1 and a draft nobody
    has reviewed yet."""
    official = make_official(former_names=None, degree=None, party_join_date=None, office_phone=None,
                             email=None, left_on=None, political_status="13")
    make_record(WorkExperience, official=official, start_date=official.work_start_date, end_date=None,
                post_level=None, unit="市发展改革委")
    make_record(Training, official=official, name=PROGRAMME, start_date=official.work_start_date,
                end_date=None, place=None, institution=None, hours=None)
    make_record(IntegrityRisk, official=official, identified_on=official.work_start_date)
    make_material(official)
    draft_of(make_record(WorkExperience, official=official, start_date=official.work_start_date, end_date=None,
                         unit="草稿单位"), users["clerk"])
    return official


def page_of(client, official) -> str:
    response = client.get(f"/officialview/show/{official.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def tab(html: str, view: str) -> str:
    """The tab pane of one section's screen on the official page."""
    found = re.search(rf'<div id="{view}" class="tab-pane">(.*?)<div id="\w+" class="tab-pane', html, re.S)
    assert found, f"no tab {view}"
    return found.group(1)


def headers(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]


def test_the_clerk_reads_whose_dossier_it_is_with_empty_fields_empty(dossier, login_as):
    html = page_of(login_as("clerk"), dossier)
    title = re.search(r'<h4 class="panel-title">\s*(.*?)\s*</h4>', html, re.S).group(1)
    assert dossier.name in title
    assert "None" not in visible_text(html)
    # An empty field is an empty cell, in the basic information and in a tab.
    assert re.search(r"曾用名</th>\s*<td><span[^>]*></span></td>", html)
    assert "市发展改革委" in tab(html, "WorkExperienceView")


def test_the_edit_button_is_there_for_who_may_edit_the_basic_information(dossier, login_as):
    edit = f'href="/officialview/edit/{dossier.id}" id="edit-official"'
    for role in ("clerk", "hr_reviewer"):
        assert edit in page_of(login_as(role), dossier), role
    assert 'id="edit-official"' not in page_of(login_as("dept_head"), dossier)


def test_the_section_tabs_list_the_official_s_records_without_an_official_column(dossier, login_as):
    html = page_of(login_as("hr_reviewer"), dossier)
    tabs = re.findall(r'<div id="(\w+View)" class="tab-pane">', html)
    assert "WorkExperienceView" in tabs and "IntegrityRiskView" in tabs
    for view in tabs:
        if view != "MaterialView":
            assert "官员" not in headers(tab(html, view)), view
    training = headers(tab(html, "TrainingView"))
    assert "培训项目" in training and "姓名" not in training
    assert PROGRAMME in tab(html, "TrainingView")
    # The section's own screen still names the official of each row.
    listed = login_as("hr_reviewer").get("/trainingview/list/").get_data(as_text=True)
    assert "官员" in headers(listed)


def test_the_catalogue_tab_lists_the_ten_classes_and_marks_the_empty_ones(dossier, login_as):
    html = page_of(login_as("clerk"), dossier)
    catalogue = html[html.index('id="catalogue-tab"'):]
    catalogue = catalogue[:catalogue.index("</table>")]
    classes = re.findall(r'<tbody class="catalogue-class" data-class="([\d-]+)" data-count="(\d+)">(.*?)</tbody>',
                         catalogue, re.S)
    assert [code for code, _count, _body in classes] == [str(n) for n in range(1, 11)]
    for code, count, body in classes:
        if code == "1":
            assert count == "1" and "干部履历表" in body and "无" not in body
        else:
            assert count == "0" and "无" in body, code
    sub_classes = dict((code, body) for code, _count, body in classes)
    for code in ("4", "9"):
        assert re.findall(r'data-sub-class="([\d-]+)"', sub_classes[code]) == [f"{code}-{n}" for n in range(1, 5)]
        assert sub_classes[code].count("无") == 4


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\x00", "").replace("\n", "")


def test_hr_prints_the_dossier_as_an_audited_pdf(db, dossier, login_as, users):
    client = login_as("hr_reviewer")
    page = page_of(client, dossier)
    assert f'href="/officialview/print/{dossier.id}" id="print-dossier"' in page
    before = last_seq(db)
    response = client.get(f"/officialview/print/{dossier.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    hr = users["hr_reviewer"]
    for expected in (dossier.name, "市发展改革委", PROGRAMME, "干部履历表", f"{hr}({hr.username})".replace(" ", "")):
        assert expected in text, expected
    # Approved content only; HR holds the identity tier, so identifiers print as HR reads them.
    assert "草稿单位" not in text
    assert dossier.citizen_id in text
    assert "4-4教育培训材料无" in text
    (event,) = [e for e in new_events(db, before) if e.action == "print"]
    assert event.object_type == "official" and event.object_id == str(dossier.id)
    assert event.actor_id == hr.id and '"work_experience"' in event.details


def test_the_archivist_s_printout_masks_identifiers_it_may_not_read_clear(db, dossier, login_as):
    response = login_as("archivist").get(f"/officialview/print/{dossier.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert dossier.name in text and dossier.citizen_id not in text
    assert dossier.citizen_id[:6] + "********" + dossier.citizen_id[-4:] in text


def test_a_reader_without_the_print_permission_is_refused(db, dossier, login_as):
    client = login_as("clerk")
    assert 'id="print-dossier"' not in page_of(client, dossier)
    before = last_seq(db)
    response = client.get(f"/officialview/print/{dossier.id}")
    assert response.status_code == 403 and not response.data.startswith(b"%PDF")
    assert "print" not in [e.action for e in new_events(db, before)]
