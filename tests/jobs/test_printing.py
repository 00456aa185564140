"""A printout is A4, carries its Chinese text as text, and names who printed it on every page."""

import io

import pypdf

from jobs.printing import Printout


def test_a_long_table_prints_on_a4_pages_each_marked_with_who_printed_it(app):
    with app.test_request_context():
        printout = Printout("干部花名册", "王管理 2026-12-01 09:30", landscape=True)
        printout.table(["姓名", "部门"], (("王小明", f"组织部{i}") for i in range(120)))
        pdf = pypdf.PdfReader(io.BytesIO(bytes(printout.output())))
    assert len(pdf.pages) > 1
    for number, page in enumerate(pdf.pages, start=1):
        width, height = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        text = page.extract_text().replace(" ", "").replace("\x00", "")
        assert "王管理2026-12-0109:30" in text
        assert f"{number}" in text and "姓名" in text  # the header row repeats on every page
    assert "组织部119" in pdf.pages[-1].extract_text().replace(" ", "").replace("\x00", "")
