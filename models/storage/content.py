"""Is the file a usable document of its format (§3.2.2), not just its first bytes?

``validate(fmt, source)`` reads the whole file the way a reader's program would:
a PDF must parse strictly (qpdf through pikepdf, no recovery), have a page and
carry no active content; an image must decode completely (Pillow) with nothing
after its end, so a JPEG with HTML behind it is not a JPEG; every TIFF page must
decode; an OFD must be a sane ZIP package whose OFD.xml parses. Each refusal is
a ``ContentRefused`` with a code of ``MESSAGES``.
"""

import posixpath
import struct
import zipfile
from xml.etree import ElementTree

from flask_babel import lazy_gettext as _l

from security.errors import Refusal

MESSAGES = {
    "pdf_damaged": _l("The PDF is damaged or incomplete (perhaps cut off while copying): it cannot be opened."),
    "pdf_encrypted": _l("The PDF is password-protected: file it without a password."),
    "pdf_no_pages": _l("The PDF has no pages."),
    "pdf_javascript": _l("The PDF contains JavaScript, which a dossier document may not carry."),
    "pdf_launch": _l("The PDF contains an action that starts another program."),
    "pdf_embedded": _l("The PDF carries embedded files: file each document on its own."),
    "pdf_richmedia": _l("The PDF contains multimedia or Flash content."),
    "pdf_xfa": _l("The PDF is an XFA form, which runs code in the reader: print it to a plain PDF."),
    "image_damaged": _l("The image is damaged or incomplete: it cannot be decoded."),
    "image_trailing": _l("The image has other content hidden after its end."),
    "image_too_large": _l("The image has too many pixels to be a scanned page."),
    "tiff_damaged": _l("A page of the TIFF file is damaged: it cannot be decoded."),
    "ofd_damaged": _l("The OFD file is not a readable package (a damaged ZIP archive)."),
    "ofd_traversal": _l("The OFD package holds entries named outside the package (such as ../): refused."),
    "ofd_bomb": _l("The OFD package expands to an absurd size (a compression bomb): refused."),
    "ofd_index": _l("The OFD package's OFD.xml is missing or is not well-formed XML."),
}

# An OFD part inflating more than this many times, above a megabyte, is a bomb, not XML.
OFD_MAX_RATIO = 200
OFD_MAX_TOTAL = 2 * 1024 * 1024 * 1024
OFD_MAX_ENTRIES = 20_000
OFD_INDEX_LIMIT = 16 * 1024 * 1024
# An A3 page scanned at 1,000 dpi is about 11,700 × 16,500: larger is not a page, and
# decoding it would take gigabytes. Below Pillow's own bomb limit, so this message is said.
IMAGE_MAX_PIXELS = 150_000_000
READ = 64 * 1024


class ContentRefused(Refusal):
    """The content is not a usable document of its format; ``code`` is a key of ``MESSAGES``."""

    def __init__(self, code: str):
        super().__init__(code, MESSAGES[code])


# ------------------------------------------------------------------ PDF

# Keys and values that make a PDF do something rather than show something, found on
# any object of the file (catalogue, pages, annotations, form fields, name trees, chained
# /Next actions): walking every object leaves no place to hide one.
_PDF_ACTIONS = {"/JavaScript": "pdf_javascript", "/Launch": "pdf_launch", "/RichMediaExecute": "pdf_richmedia"}
_PDF_KEYS = {"/JS": "pdf_javascript", "/JavaScript": "pdf_javascript", "/EmbeddedFiles": "pdf_embedded",
             "/EmbeddedFile": "pdf_embedded", "/XFA": "pdf_xfa", "/RichMediaContent": "pdf_richmedia"}
_PDF_TYPES = {"/EmbeddedFile": "pdf_embedded", "/Filespec": None}
_PDF_SUBTYPES = {"/RichMedia": "pdf_richmedia", "/FileAttachment": "pdf_embedded", "/Movie": "pdf_richmedia",
                 "/Sound": "pdf_richmedia", "/Screen": "pdf_richmedia"}


def _active(obj, depth: int = 0) -> str | None:
    """What ``obj`` or a direct object inside it does; indirect ones are visited on their own."""
    import pikepdf

    if depth > 32:
        return None
    if isinstance(obj, pikepdf.Array):
        children = list(obj)
    elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        children = list(obj.values())
    else:
        return None
    for child in children:
        if isinstance(child, (pikepdf.Array, pikepdf.Dictionary)) and not child.is_indirect:
            if found := _active(child, depth + 1):
                return found
    if isinstance(obj, pikepdf.Array):
        return None
    keys = set(obj.keys())
    for key in keys & set(_PDF_KEYS):
        return _PDF_KEYS[key]
    for name, table in (("/S", _PDF_ACTIONS), ("/Type", _PDF_TYPES), ("/Subtype", _PDF_SUBTYPES)):
        if name in keys:
            value = obj.get(name)
            if isinstance(value, pikepdf.Name) and table.get(str(value)):
                return table[str(value)]
    return None


def _pdf(source) -> int:
    import pikepdf

    try:
        # No recovery: a truncated file that qpdf could patch up is still not the document filed.
        pdf = pikepdf.open(source, attempt_recovery=False)
    except pikepdf.PasswordError:
        raise ContentRefused("pdf_encrypted") from None
    except Exception:  # qpdf's many ways of saying the file is broken
        raise ContentRefused("pdf_damaged") from None
    with pdf:
        try:
            pages = len(pdf.pages)
            problem = next(filter(None, (_active(obj) for obj in pdf.objects)), None)
        except Exception:
            raise ContentRefused("pdf_damaged") from None
        if problem:
            raise ContentRefused(problem)
        if pages < 1:
            raise ContentRefused("pdf_no_pages")
        return pages


# ------------------------------------------------------------------ images


def _jpeg_end(source) -> int:
    """Offset just after the EOI marker, walking segments and entropy-coded data."""
    source.seek(2)
    while True:
        byte = source.read(1)
        if not byte:
            raise ContentRefused("image_damaged")
        if byte != b"\xff":
            raise ContentRefused("image_damaged")
        marker = source.read(1)
        while marker == b"\xff":  # fill bytes
            marker = source.read(1)
        if not marker:
            raise ContentRefused("image_damaged")
        code = marker[0]
        if code == 0xD9:
            return source.tell()
        if 0xD0 <= code <= 0xD7 or code == 0x01:
            continue
        length_bytes = source.read(2)
        if len(length_bytes) < 2:
            raise ContentRefused("image_damaged")
        (length,) = struct.unpack(">H", length_bytes)
        source.seek(source.tell() + length - 2)
        if code == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            _skip_entropy(source)


def _skip_entropy(source) -> None:
    carry = b""
    while True:
        block = source.read(READ)
        if not block:
            raise ContentRefused("image_damaged")
        data = carry + block
        start = 0
        while (at := data.find(b"\xff", start)) != -1:
            if at + 1 >= len(data):
                break
            following = data[at + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                start = at + 1
                continue
            source.seek(source.tell() - (len(data) - at))
            return
        carry = data[-1:] if data.endswith(b"\xff") else b""


def _png_end(source) -> int:
    source.seek(8)
    while True:
        header = source.read(8)
        if len(header) < 8:
            raise ContentRefused("image_damaged")
        length, kind = struct.unpack(">I4s", header)
        source.seek(source.tell() + length + 4)
        if kind == b"IEND":
            return source.tell()


def _nothing_after(source, end: int) -> None:
    source.seek(end)
    # Some scanners pad a file to a block size with zeros; anything else is another file.
    while block := source.read(READ):
        if block.strip(b"\x00"):
            raise ContentRefused("image_trailing")


def _decode(source, damaged: str) -> int:
    from PIL import Image, UnidentifiedImageError

    source.seek(0)
    try:
        with Image.open(source) as image:
            if image.width * image.height > IMAGE_MAX_PIXELS:
                raise ContentRefused("image_too_large")
            frames = getattr(image, "n_frames", 1)
            for frame in range(frames):
                image.seek(frame)
                image.load()
            return frames
    except ContentRefused:
        raise
    except Image.DecompressionBombError:
        raise ContentRefused("image_too_large") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error):
        raise ContentRefused(damaged) from None


def _jpeg(source) -> int:
    _decode(source, "image_damaged")
    _nothing_after(source, _jpeg_end(source))
    return 1


def _png(source) -> int:
    _decode(source, "image_damaged")
    _nothing_after(source, _png_end(source))
    return 1


def _tiff(source) -> int:
    return _decode(source, "tiff_damaged")


# ------------------------------------------------------------------ OFD


def _ofd(source) -> None:
    try:
        package = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ContentRefused("ofd_damaged") from None
    with package:
        entries = package.infolist()
        if len(entries) > OFD_MAX_ENTRIES:
            raise ContentRefused("ofd_bomb")
        total = 0
        for entry in entries:
            name = entry.filename.replace("\\", "/")
            if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
                raise ContentRefused("ofd_traversal")
            total += entry.file_size
            if total > OFD_MAX_TOTAL or (entry.file_size > 1024 * 1024
                                         and entry.file_size > OFD_MAX_RATIO * max(entry.compress_size, 1)):
                raise ContentRefused("ofd_bomb")
        names = {posixpath.normpath(e.filename).lower(): e for e in entries}
        index = names.get("ofd.xml")
        if index is None or index.file_size > OFD_INDEX_LIMIT:
            raise ContentRefused("ofd_index")
        try:
            with package.open(index) as part:
                ElementTree.fromstring(part.read(OFD_INDEX_LIMIT))
        except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
            raise ContentRefused("ofd_index") from None
        except Exception:
            raise ContentRefused("ofd_damaged") from None


CHECKS = {"pdf": _pdf, "jpeg": _jpeg, "png": _png, "tiff": _tiff, "ofd": _ofd}


def validate(fmt, source) -> int | None:
    """Refuse ``source`` (seekable, of format ``fmt``) unless it is a usable document; the
    page count when the check found it. Leaves the file at 0."""
    try:
        return CHECKS[fmt.key](source)
    finally:
        source.seek(0)
