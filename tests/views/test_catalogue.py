"""Filing documents, the material catalogue (材料目录), and reading files (§2, §3.2, §4.3)."""

import hashlib
import json
import re
from datetime import date

import pytest
from sqlalchemy import select

from models import AuditEvent, Material
from models.career import WorkExperience
from models.storage import attachments
from tests import documents
from tests.helpers import file_form, messages, pending, post_file, row_count, stored_files


def last_event(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())).first()


def test_clerk_files_a_scan_from_the_official_page_and_it_becomes_a_numbered_catalogue_entry(
        db, login_as, make_official, users):
    official = make_official()
    clerk = login_as("clerk")
    page = clerk.get(f"/officialview/show/{official.id}").get_data(as_text=True)
    assert f"/materialview/add?_flt_0_official={official.id}" in page

    content = documents.pdf(3)
    response = post_file(clerk, official, content)
    assert response.status_code == 302, messages(response.get_data(as_text=True))

    (material,) = pending(db, Material, official_id=official.id)
    assert material.review_state == "draft" and material.sequence is None
    assert material.page_count == 3  # read from the PDF
    assert material.media_type == "application/pdf" and material.size == len(content)
    assert material.content_sha256 == hashlib.sha256(content).hexdigest()
    assert material.file_name == "履历表.pdf"
    assert [p.name for p in stored_files()] == [material.stored_sha256]

    # Through both reviews, it becomes the first material of class 1 in the catalogue.
    from models import workflow

    workflow.perform(db.session, users["clerk"], material, "submit")
    material.review_state = "first_approved"
    workflow.perform(db.session, users["hr_reviewer"], material, "final_approve")
    db.session.commit()
    assert material.sequence == 1
    catalogue = login_as("archivist").get(f"/materialview/catalogue/{official.id}").get_data(as_text=True)
    assert "干部履历表" in catalogue and 'data-class="1"' in catalogue


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(db, login_as, make_official):
    official = make_official()
    response = post_file(login_as("clerk"), official, documents.windows_program(), name="scan.pdf")
    assert response.status_code == 200
    assert any("Windows" in m or "程序" in m for m in messages(response.get_data(as_text=True))), \
        messages(response.get_data(as_text=True))
    assert row_count(db, Material) == 0 and stored_files() == []


def test_an_office_document_is_refused_naming_the_accepted_types(db, login_as, make_official):
    official = make_official()
    client = login_as("clerk")
    client.get("/lang/en")
    response = post_file(client, official, documents.docx(), name="scan.pdf")
    text = " ".join(messages(response.get_data(as_text=True)))
    assert "PDF, OFD, JPEG, PNG, TIFF" in text
    assert row_count(db, Material) == 0 and stored_files() == []


def test_an_oversized_upload_is_refused_with_the_limit_and_nothing_is_stored(app, db, login_as, make_official,
                                                                           monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 512 * 1024)
    official = make_official()
    client = login_as("clerk")
    client.get("/lang/en")
    response = post_file(client, official, documents.padded_pdf(700 * 1024))
    assert "larger than the limit of 0.5 MB" in " ".join(messages(response.get_data(as_text=True)))
    assert row_count(db, Material) == 0 and stored_files() == []


def test_a_body_beyond_the_request_limit_is_cut_off_unread_with_a_clear_page(app, db, login_as, make_official,
                                                                             monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 256 * 1024)
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 128 * 1024)
    official = make_official()
    client = login_as("clerk")
    client.get("/lang/en")
    response = post_file(client, official, documents.padded_pdf(400 * 1024))
    assert response.status_code == 413
    assert "larger than the limit of 0.1 MB: nothing was stored" in response.get_data(as_text=True)
    assert row_count(db, Material) == 0 and stored_files() == []


def test_a_file_failing_the_catalogue_rules_leaves_no_file_behind(db, login_as, make_official):
    official = make_official()
    response = post_file(login_as("clerk"), official, documents.pdf(), formed_on="2999-01-01")
    assert response.status_code == 200 and messages(response.get_data(as_text=True))
    assert row_count(db, Material) == 0 and stored_files() == []


def test_a_document_attached_to_a_section_record_is_listed_on_that_record(db, login_as, make_record):
    record = make_record(WorkExperience)
    clerk = login_as("clerk")
    page = clerk.get(f"/workexperienceview/show/{record.id}").get_data(as_text=True)
    attach = re.search(r'id="attach-file" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    response = clerk.post(attach, data=file_form(record.official, documents.pdf(), material_class="9-2",
                                                 title="任职通知"), content_type="multipart/form-data")
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    (material,) = pending(db, Material)
    assert (material.record_table, material.record_id) == ("work_experience", record.id)
    material.review_state = "approved"
    db.session.commit()
    page = login_as("archivist").get(f"/workexperienceview/show/{record.id}").get_data(as_text=True)
    assert "任职通知" in page


def test_a_file_cannot_be_attached_to_another_officials_record(db, login_as, make_official, make_record):
    record = make_record(WorkExperience)
    other = make_official()
    response = login_as("clerk").post(
        f"/materialview/add?_flt_0_official={other.id}&record=work_experience:{record.id}",
        data=file_form(other, documents.pdf()), content_type="multipart/form-data")
    assert row_count(db, Material) == 0 and stored_files() == []
    assert response.status_code in (200, 302)


def test_catalogue_numbers_stay_gap_free_within_each_class(db, make_official, make_material):
    official = make_official()
    first = make_material(official, title="A", formed_on=date(2001, 1, 1))
    third = make_material(official, title="C", formed_on=date(2003, 1, 1))
    second = make_material(official, title="B", formed_on=date(2002, 1, 1))
    other_class = make_material(official, material_class="4-1", title="毕业证书")
    assert [first.sequence, second.sequence, third.sequence, other_class.sequence] == [1, 2, 3, 1]

    # Removed from the dossier (destruction later does this): the rest close up.
    db.session.delete(second)
    db.session.commit()
    assert [first.sequence, third.sequence] == [1, 2]
    # Moved to another class: numbered there, and its old class closes up.
    first.material_class = "4-1"
    db.session.commit()
    assert (third.sequence, other_class.sequence, first.sequence) == (1, 2, 1)
    # A draft takes no number.
    draft = make_material(official, review_state="draft")
    assert draft.sequence is None


def test_catalogue_lists_classes_in_national_order_and_prints(db, login_as, make_official, make_material):
    official = make_official()
    for cls in ("10", "4-2", "1", "9-1"):
        make_material(official, material_class=cls, title=f"材料{cls}")
    client = login_as("archivist")
    client.get("/lang/en")
    page = client.get(f"/materialview/catalogue/{official.id}").get_data(as_text=True)
    assert re.findall(r'data-class="([^"]+)"', page) == ["1", "4-2", "9-1", "10"]
    assert re.search(r'id="catalogue-totals">([^<]+)', page).group(1) == "4 materials, 8 pages."
    printed = client.get(f"/materialview/catalogue/{official.id}?print=1").get_data(as_text=True)
    assert "<nav" not in printed and "@page" in printed and "材料9-1" in printed
    assert last_event(db, "read").object_type == "catalogue"


def test_authorised_reader_downloads_exact_bytes_and_the_read_is_audited(db, login_as, make_material, users):
    content = documents.pdf(2)
    material = make_material(content=content)
    response = login_as("archivist").get(f"/materialview/download/{material.id}")
    assert response.status_code == 200
    assert response.data == content
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E5%B1%A5%E5%8E%86%E8%A1%A8.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    event = last_event(db, "read_file")
    assert (event.object_type, event.object_id, event.actor_id) == ("material", str(material.id), users["archivist"].id)

    preview = login_as("archivist").get(f"/materialview/preview/{material.id}")
    assert preview.headers["Content-Disposition"].startswith("inline;") and preview.data == content
    assert "sandbox" in preview.headers["Content-Security-Policy"]


def test_a_tiff_is_downloaded_even_when_a_preview_is_asked_for(db, login_as, make_material):
    material = make_material(content=documents.tiff(2), file_name="scan.tif")
    response = login_as("archivist").get(f"/materialview/preview/{material.id}")
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_a_bit_flipped_in_the_store_is_refused_at_download_with_a_clear_message(db, login_as, make_material):
    material = make_material()
    path = attachments.path_of(material.stored_sha256)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x04
    path.write_bytes(bytes(data))
    client = login_as("archivist")
    client.get("/lang/en")
    response = client.get(f"/materialview/download/{material.id}")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "damaged" in body and "%PDF" not in body
    assert json.loads(last_event(db, "file_refused").details)["problem"] == "corrupt"


def test_class_eight_and_sanction_documents_stay_closed_to_a_clerk(db, login_as, make_official, make_material):
    official = make_official()
    sanction_doc = make_material(official, material_class="8", title="处分决定")
    ordinary = make_material(official, material_class="1", title="履历表")
    clerk = login_as("clerk")
    assert clerk.get(f"/materialview/download/{sanction_doc.id}").status_code == 404
    assert clerk.get(f"/materialview/download/{ordinary.id}").status_code == 200
    catalogue = clerk.get(f"/materialview/catalogue/{official.id}").get_data(as_text=True)
    assert "处分决定" not in catalogue and 'id="catalogue-hidden"' in catalogue
    assert login_as("hr_reviewer").get(f"/materialview/download/{sanction_doc.id}").status_code == 200


def test_roles_without_the_catalogue_cannot_open_files(db, login_as, make_material):
    content = documents.pdf(1)
    material = make_material(content=content)
    reads_before = last_event(db, "read_file")
    for role in ("inspector", "auditor", "sysadmin", "secadmin", "official"):
        response = login_as(role).get(f"/materialview/download/{material.id}")
        assert response.status_code in (302, 403), role
        assert content not in response.data
    assert last_event(db, "read_file") == reads_before


def test_a_pending_document_opens_for_its_author_and_its_reviewer_only(db, login_as, make_official, make_material,
                                                                       users):
    official = make_official()
    draft = make_material(official, review_state="first_approved", entered_by_id=users["clerk"].id)
    assert login_as("clerk").get(f"/materialview/download/{draft.id}").status_code == 200
    assert login_as("hr_reviewer").get(f"/materialview/download/{draft.id}").status_code == 200
    assert login_as("archivist").get(f"/materialview/download/{draft.id}").status_code == 404
    queue = login_as("hr_reviewer").get("/review/final/").get_data(as_text=True)
    assert f"/materialview/preview/{draft.id}" in queue


def test_deleting_a_draft_material_removes_its_file(db, login_as, make_official, users):
    official = make_official()
    clerk = login_as("hr_reviewer")  # the author of the draft, with delete rights
    post_file(clerk, official, documents.png(), name="photo.png", material_class="10")
    (material,) = pending(db, Material, official_id=official.id)
    assert material.file_name == "photo.png" and material.page_count == 1
    response = clerk.post(f"/materialview/delete/{material.id}")
    assert response.status_code == 302
    assert row_count(db, Material) == 0 and stored_files() == []


@pytest.mark.parametrize("kind, builder, pages", [("ofd", documents.ofd, 4), ("tiff", documents.tiff, 3)])
def test_page_counts_are_read_from_ofd_and_tiff(db, login_as, make_official, kind, builder, pages):
    official = make_official()
    response = post_file(login_as("clerk"), official, builder(pages), name=f"scan.{kind}")
    assert response.status_code == 302, messages(response.get_data(as_text=True))
    (material,) = pending(db, Material, official_id=official.id)
    assert material.page_count == pages


def test_after_the_officials_key_is_destroyed_the_file_is_refused_saying_why(db, login_as, make_material):
    from security.keys import keyring

    material = make_material()
    keyring().destroy(material.official_id)
    client = login_as("archivist")
    client.get("/lang/en")
    response = client.get(f"/materialview/download/{material.id}")
    assert response.status_code == 409
    assert "key has been destroyed" in response.get_data(as_text=True)


def test_class_eight_documents_are_not_listed_or_shown_to_a_clerk(db, login_as, make_official, make_material):
    official = make_official()
    sanction_doc = make_material(official, material_class="8", title="处分决定书")
    clerk = login_as("clerk")
    assert "处分决定书" not in clerk.get("/materialview/list/").get_data(as_text=True)
    assert clerk.get(f"/materialview/show/{sanction_doc.id}").status_code in (302, 404)
    assert clerk.get(f"/history/material/{sanction_doc.id}").status_code == 404
    assert "处分决定书" in login_as("hr_reviewer").get("/materialview/list/").get_data(as_text=True)


def test_the_preview_of_a_destroyed_material_is_refused_saying_so_never_a_server_error(db, login_as, make_official,
                                                                                       make_material):
    official = make_official()
    destroyed, kept = make_material(official=official), make_material(official=official, title="任免审批表")
    from security.keys import keyring

    keyring().destroy_file_key(destroyed.file_key_id)
    client = login_as("archivist")
    client.get("/lang/en")
    for path in ("preview", "download"):
        response = client.get(f"/materialview/{path}/{destroyed.id}")
        assert response.status_code == 409
        page = response.get_data(as_text=True)
        assert "This material was destroyed: its content can no longer be read." in page and "%PDF" not in page
    response = client.get(f"/materialview/preview/{kept.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
