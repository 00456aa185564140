"""A document must be usable as its format, not merely start like one (§3.2.2).

Each broken or hostile kind is refused with its own message, in the reader's
language, and nothing is stored.
"""

import io

import pytest

from models.storage import attachments, content
from tests import documents


def stored_files():
    return [p for p in attachments.root().rglob("*") if p.is_file()]


def _launch(pdf):
    import pikepdf

    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")))


def _embedded(pdf):
    import pikepdf

    stream = pdf.make_stream(b"MZ not a document")
    stream.Type = pikepdf.Name.EmbeddedFile
    spec = pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe"),
                              EF=pikepdf.Dictionary(F=stream))
    return pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"), spec])))


def _xfa(pdf):
    import pikepdf

    return pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))


HOSTILE = {
    "truncated PDF": (documents.truncated_pdf, "pdf_damaged", "PDF 已损坏或不完整"),
    "HTML behind a PDF header": (lambda: b"%PDF-1.7\n<html><script>alert(1)</script></html>", "pdf_damaged",
                                 "PDF 已损坏或不完整"),
    "PDF whose OpenAction runs JavaScript": (documents.pdf_with_javascript, "pdf_javascript", "JavaScript"),
    "PDF with document-level JavaScript": (lambda: documents.pdf_with_javascript("names"), "pdf_javascript",
                                           "JavaScript"),
    "PDF opening a program": (lambda: documents.pdf_with(OpenAction=_launch), "pdf_launch", "启动其他程序"),
    "PDF carrying files": (lambda: documents.pdf_with(Names=_embedded), "pdf_embedded", "嵌有其他文件"),
    "XFA form": (lambda: documents.pdf_with(AcroForm=_xfa), "pdf_xfa", "XFA"),
    "JPEG with HTML after its end": (documents.jpeg_with_html, "image_trailing", "图像结尾之后藏有其他内容"),
    "PNG with a page after its end": (lambda: documents.png() + documents.pdf(), "image_trailing",
                                      "图像结尾之后藏有其他内容"),
    "image that does not decode": (documents.broken_png, "image_damaged", "图像已损坏或不完整"),
    "JPEG cut off": (lambda: documents.jpeg(64, 64)[:300], "image_damaged", "图像已损坏或不完整"),
    "OFD with ../ entries": (documents.ofd_with_traversal, "ofd_traversal", "../"),
    "OFD zip bomb": (documents.ofd_bomb, "ofd_bomb", "压缩炸弹"),
    "OFD whose OFD.xml is not XML": (lambda: _ofd_with_index("<ofd:OFD><unclosed>"), "ofd_index", "OFD.xml"),
}


def _ofd_with_index(index: str) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("OFD.xml", index)
    return out.getvalue()


@pytest.mark.parametrize("build, code, words", HOSTILE.values(), ids=HOSTILE.keys())
def test_each_broken_or_hostile_file_is_refused_with_its_own_message(db, make_official, build, code, words):
    official = make_official()
    with pytest.raises(attachments.AttachmentError) as refused:
        attachments.put(io.BytesIO(build()), official.id, db.session)
    assert refused.value.code == code
    assert words in refused.value.message, refused.value.message
    assert stored_files() == []


def test_every_refusal_has_a_message_of_its_own_in_every_language(app):
    for locale in ("zh", "zh_Hant", "en"):
        with app.test_request_context(headers={"Accept-Language": locale}):
            from flask_babel import force_locale

            with force_locale(locale):
                said = {code: str(message) for code, message in content.MESSAGES.items()}
        assert len(set(said.values())) == len(said), locale
    assert said["pdf_javascript"].startswith("The PDF contains JavaScript")


def test_a_refusal_is_shown_on_the_upload_form(db, login_as, make_official):
    from tests.helpers import messages
    from tests.helpers import post_file

    official = make_official()
    shown = messages(post_file(login_as("clerk"), official, documents.pdf_with_javascript()).get_data(as_text=True))
    assert any("PDF 中含有 JavaScript 脚本" in m for m in shown), shown
    assert stored_files() == []


@pytest.mark.parametrize("build, pages", [
    (lambda: documents.pdf(3), 3), (lambda: documents.ofd(2), 2), (documents.jpeg, 1),
    (lambda: documents.jpeg(40, 30, progressive=True), 1), (documents.png, 1), (lambda: documents.tiff(4), 4),
    (lambda: documents.padded_pdf(300 * 1024), 1),
], ids=["pdf", "ofd", "jpeg", "progressive-jpeg", "png", "tiff", "scan-sized-pdf"])
def test_good_documents_of_every_format_pass_and_their_pages_are_counted(db, make_official, build, pages):
    stored = attachments.put(io.BytesIO(build()), make_official().id)
    assert stored.page_count == pages


def test_a_tiff_with_a_damaged_page_is_refused():
    data = bytearray(documents.tiff(2))
    # Point the second page's strip beyond the end of the file.
    second = data.index(b"\x11\x01", 40)
    data[second + 8:second + 12] = (10 ** 6).to_bytes(4, "little")
    from models.storage.formats import FORMATS

    with pytest.raises(content.ContentRefused) as refused:
        content.validate(FORMATS["tiff"], io.BytesIO(bytes(data)))
    assert refused.value.code == "tiff_damaged"


@pytest.mark.parametrize("side", [13_000, 20_000], ids=["over our limit", "over Pillow's bomb limit"])
def test_an_image_too_large_to_be_a_page_is_refused_before_it_is_decoded(side):
    import struct
    import zlib

    from models.storage.formats import FORMATS

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
    bomb = header + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b"")
    with pytest.raises(content.ContentRefused) as refused:
        content.validate(FORMATS["png"], io.BytesIO(bomb))
    assert refused.value.code == "image_too_large"
