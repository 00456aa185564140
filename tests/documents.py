"""Real documents of every accepted format, built in memory, and things that are not documents."""

import io
import struct
import zipfile
import zlib


def pdf(pages: int = 1, text: str = "") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def padded_pdf(size: int) -> bytes:
    """A valid one-page PDF of about ``size`` bytes, its bulk in the page's content
    stream, the way a scan's bulk is its page images."""
    filler = max(0, size - 400)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % filler + b"%" * filler + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def tiff(pages: int = 1) -> bytes:
    """A little-endian TIFF of ``pages`` 1×1 bilevel images, one directory each."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for page in range(pages):
        offset = len(out)
        entries = [(256, 3, 1, 1), (257, 3, 1, 1), (259, 3, 1, 1), (262, 3, 1, 0), (273, 4, 1, 0),
                   (278, 3, 1, 1), (279, 4, 1, 1)]
        ifd_size = 2 + 12 * len(entries) + 4
        data_offset = offset + ifd_size
        following = data_offset + 2 if page < pages - 1 else 0
        out += struct.pack("<H", len(entries))
        for tag, kind, count, value in entries:
            if tag == 273:
                value = data_offset
            out += struct.pack("<HHII", tag, kind, count, value)
        out += struct.pack("<I", following)
        out += b"\x00\x00"
    return bytes(out)


def png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def jpeg(width: int = 16, height: int = 16, progressive: bool = False) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 150)).save(out, "JPEG", quality=85, progressive=progressive)
    return out.getvalue()


def ofd(pages: int = 1) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("OFD.xml", '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016">'
                         "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        page_list = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(pages))
        package.writestr("Doc_0/Document.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                         f'<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>{page_list}</ofd:Pages></ofd:Document>')
    return out.getvalue()


def docx() -> bytes:
    """A ZIP package that is not OFD (an office document)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def windows_program() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."


# ------------------------------------------------------------------ hostile and broken files


def pdf_with_javascript(where: str = "open_action") -> bytes:
    """A one-page PDF that runs JavaScript when opened (or from its name tree)."""
    import pikepdf

    source = pikepdf.open(io.BytesIO(pdf()))
    action = pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    if where == "open_action":
        source.Root.OpenAction = source.make_indirect(action)
    elif where == "names":
        source.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("x"), source.make_indirect(action)])))
    out = io.BytesIO()
    source.save(out)
    return out.getvalue()


def pdf_with(**root_entries) -> bytes:
    """A one-page PDF whose catalogue carries ``root_entries`` (built with pikepdf objects)."""
    import pikepdf

    source = pikepdf.open(io.BytesIO(pdf()))
    for key, build in root_entries.items():
        source.Root[f"/{key}"] = build(source)
    out = io.BytesIO()
    source.save(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    whole = pdf(3)
    return whole[: len(whole) * 2 // 3]


def jpeg_with_html() -> bytes:
    return jpeg() + b"<html><body><script>alert(document.cookie)</script></body></html>"


def broken_png() -> bytes:
    """A PNG whose image data is not a valid compressed stream."""
    whole = png()
    at = whole.index(b"IDAT") + 4
    return whole[:at] + b"\x00" * 10 + whole[at + 10:]


def ofd_with_traversal() -> bytes:
    out = io.BytesIO(ofd())
    with zipfile.ZipFile(out, "a") as package:
        package.writestr("../../etc/cron.d/evil", "* * * * * root sh")
    return out.getvalue()


def ofd_bomb(size: int = 256 * 1024 * 1024) -> bytes:
    """An OFD whose one part inflates from a few hundred kilobytes to ``size`` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", ofd_index())
        with package.open("Doc_0/Res/huge.xml", "w", force_zip64=True) as part:
            block = b" " * (1024 * 1024)
            for _ in range(size // len(block)):
                part.write(block)
    return out.getvalue()


def ofd_index() -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016">'
            "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
