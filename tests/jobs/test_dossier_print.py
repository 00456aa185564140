"""The printable dossier (jobs.dossier_print) without HTTP: what the reader may read,
approved content only, identifiers masked unless clear, and who printed it when."""

import io
from datetime import datetime, timezone

import pypdf

from jobs import dossier_print
from models.career import WorkExperience
from models.integrity_file import IntegrityRisk

RISK = "工程招投标审批"


def text_of(printed) -> str:
    reader = pypdf.PdfReader(io.BytesIO(printed.pdf))
    for page in reader.pages:
        width, height = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    return "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\x00", "").replace("\n", "")


def test_each_reader_s_printout_holds_what_they_may_read_of_the_approved_dossier(
        app, db, users, make_official, make_record, make_material, draft_of):
    official = make_official()
    start = official.work_start_date
    make_record(WorkExperience, official=official, start_date=start, end_date=None, unit="市发展改革委")
    make_record(IntegrityRisk, official=official, identified_on=start, risk_point=RISK)
    draft_of(make_record(WorkExperience, official=official, start_date=start, end_date=None, unit="草稿单位"),
             users["clerk"])
    make_material(official, title="干部履历表")
    make_material(official, material_class="8", title="处分决定书")
    hr, clerk = users["hr_reviewer"], users["clerk"]
    at = datetime(2026, 12, 1, 1, 30, tzinfo=timezone.utc)  # 09:30 in the unit's zone (Asia/Shanghai)

    with app.test_request_context():
        clear = dossier_print.build(db.session, official, hr, dossier_print.mark(hr, at), clear=True)
    with app.test_request_context():
        masked = dossier_print.build(db.session, official, hr, dossier_print.mark(hr, at))
    with app.test_request_context():
        clerks = dossier_print.build(db.session, official, clerk, dossier_print.mark(clerk, at))

    assert clear.pdf.startswith(b"%PDF")
    text = text_of(clear)
    assert official.name in text and "市发展改革委" in text and RISK in text and official.citizen_id in text
    assert "干部履历表" in text and "处分决定书" in text
    assert "2026-12-0109:30" in text and f"({hr.username})" in text
    assert "草稿单位" not in text and clear.records == 2 and clear.materials == 2
    assert {"work_experience", "integrity_risk", "sanction"} <= set(clear.sections)

    # Without the identity tier, identifiers are masked; a sensitive text of a section the
    # reader may read is printed as the page shows it.
    text = text_of(masked)
    assert RISK in text and official.citizen_id not in text
    assert official.citizen_id[:6] + "*" * 8 + official.citizen_id[-4:] in text

    # The clerk may add to the integrity file and sanctions but not read them: neither section is
    # printed, nor the documents of class 8 that those sections guard.
    text = text_of(clerks)
    assert "integrity_risk" not in clerks.sections and "sanction" not in clerks.sections
    assert "work_experience" in clerks.sections and RISK not in text and "处分决定书" not in text
    assert clerks.materials == 1 and "干部履历表" in text
