"""A file's type is what its content says, whatever its name (§3.2 格式規範)."""

import io

import pytest

from models.storage import formats
from tests import documents

ALL = list(formats.FORMATS)


@pytest.mark.parametrize("content, kind, pages", [
    (documents.pdf(3), "pdf", 3),
    (documents.ofd(5), "ofd", 5),
    (documents.jpeg(), "jpeg", 1),
    (documents.png(), "png", 1),
    (documents.tiff(4), "tiff", 4),
], ids=["pdf", "ofd", "jpeg", "png", "tiff"])
def test_each_accepted_format_is_recognised_and_its_pages_counted(content, kind, pages):
    source = io.BytesIO(content)
    fmt = formats.detect(source, ALL)
    assert fmt.key == kind
    assert fmt.pages(source) == pages
    assert source.tell() == 0  # the upload is left ready to be stored


@pytest.mark.parametrize("content", [documents.windows_program(), documents.docx(), b"plain text, not a scan",
                                     b"\x7fELF\x02\x01\x01" + b"\x00" * 32])
def test_other_content_is_not_a_document(content):
    assert formats.detect(io.BytesIO(content), ALL) is None


def test_programs_are_named_so_the_refusal_can_say_what_they_are():
    assert formats.program_kind(io.BytesIO(documents.windows_program())) == "a Windows program"
    assert formats.program_kind(io.BytesIO(documents.pdf())) is None


def test_a_deployment_that_accepts_only_pdf_refuses_images():
    assert formats.detect(io.BytesIO(documents.png()), ["pdf"]) is None


def test_a_damaged_pdf_is_still_a_pdf_whose_pages_the_clerk_types_in():
    source = io.BytesIO(b"%PDF-1.7\n this is not really a PDF body")
    fmt = formats.detect(source, ALL)
    assert fmt.key == "pdf" and fmt.pages(source) is None


def test_a_compression_bomb_posing_as_ofd_is_not_read_into_memory():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", "<ofd:OFD><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        package.writestr("Doc_0/Document.xml", b"<" + b" " * (32 * 1024 * 1024))
    source = io.BytesIO(out.getvalue())
    fmt = formats.detect(source, ALL)
    assert fmt.key == "ofd" and fmt.pages(source) is None
