"""What a file is, decided by its content (§3.2 格式規範), never by its name.

Each format is a row of ``FORMATS``: its magic, its media type, whether a
browser can show it, and how its pages are counted. ``ATTACHMENT_TYPES`` in the
configuration picks which of them a deployment accepts.
"""

import re
import struct
import zipfile
from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

HEAD_SIZE = 8192


@dataclass(frozen=True)
class Format:
    key: str
    label: str
    media_type: str
    extension: str
    # Browsers render these inline; the others are offered as downloads only.
    previewable: bool
    matches: Callable
    pages: Callable


def _is_ofd(head: bytes, source) -> bool:
    """OFD (GB/T 33190) is a ZIP package whose root holds OFD.xml."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(source) as package:
            return any(name.lower() == "ofd.xml" for name in package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        source.seek(0)


def _pdf_pages(source) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(source).pages) or None
    except Exception:  # a damaged or encrypted PDF still is a PDF; its count is typed in
        return None
    finally:
        source.seek(0)


def _tiff_pages(source) -> int | None:
    """Count the image file directories: one per page of a multi-page scan."""
    try:
        order = {b"II": "<", b"MM": ">"}[source.read(2)]
        magic, offset = struct.unpack(order + "HI", source.read(6))
        if magic != 42:
            return None
        pages, seen = 0, set()
        while offset and offset not in seen and pages < 100_000:
            seen.add(offset)
            source.seek(offset)
            (entries,) = struct.unpack(order + "H", source.read(2))
            source.seek(offset + 2 + entries * 12)
            (offset,) = struct.unpack(order + "I", source.read(4))
            pages += 1
        return pages or None
    except (KeyError, struct.error, OSError):
        return None
    finally:
        source.seek(0)


_OFD_PAGE = re.compile(rb"<(?:\w+:)?Page\b")
_OFD_DOC_ROOT = re.compile(rb"<(?:\w+:)?DocRoot>\s*/?([^<\s]+)\s*<")


# The XML parts read to count pages; a larger part is a compression bomb, not a document index.
OFD_PART_LIMIT = 16 * 1024 * 1024


def _bounded(package, name) -> bytes:
    if package.getinfo(name).file_size > OFD_PART_LIMIT:
        raise ValueError("OFD part too large")
    with package.open(name) as part:
        return part.read(OFD_PART_LIMIT + 1)[:OFD_PART_LIMIT]


def _ofd_pages(source) -> int | None:
    try:
        with zipfile.ZipFile(source) as package:
            names = {name.lower(): name for name in package.namelist()}
            root = _OFD_DOC_ROOT.search(_bounded(package, names["ofd.xml"]))
            if not root:
                return None
            document_name = names[root.group(1).decode().lower()]
            document = _bounded(package, document_name)
            return len(_OFD_PAGE.findall(document)) or None
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError):
        return None
    finally:
        source.seek(0)


def _one_page(source) -> int:
    return 1


FORMATS = {
    "pdf": Format("pdf", "PDF", "application/pdf", ".pdf", True,
                  lambda head, source: head.startswith(b"%PDF-"), _pdf_pages),
    "ofd": Format("ofd", "OFD", "application/ofd", ".ofd", False, _is_ofd, _ofd_pages),
    "jpeg": Format("jpeg", "JPEG", "image/jpeg", ".jpg", True,
                   lambda head, source: head.startswith(b"\xff\xd8\xff"), _one_page),
    "png": Format("png", "PNG", "image/png", ".png", True,
                  lambda head, source: head.startswith(b"\x89PNG\r\n\x1a\n"), _one_page),
    "tiff": Format("tiff", "TIFF", "image/tiff", ".tif", False,
                   lambda head, source: head[:4] in (b"II*\x00", b"MM\x00*"), _tiff_pages),
}

# Content that is never a document, named so the refusal can say what it is.
PROGRAMS = {
    b"MZ": _l("a Windows program"),
    b"\x7fELF": _l("a Linux program"),
    b"#!": _l("a script"),
    b"\xca\xfe\xba\xbe": _l("a program"),
    b"\xcf\xfa\xed\xfe": _l("a macOS program"),
}


def detect(source, allowed) -> Format | None:
    """The allowed format ``source`` (seekable, at 0) is, or None; leaves it at 0."""
    head = source.read(HEAD_SIZE)
    source.seek(0)
    for key in allowed:
        fmt = FORMATS[key]
        if fmt.matches(head, source):
            return fmt
    return None


def program_kind(source) -> str | None:
    head = source.read(8)
    source.seek(0)
    return next((str(kind) for magic, kind in PROGRAMS.items() if head.startswith(magic)), None)


def by_media_type(media_type: str) -> Format | None:
    return next((fmt for fmt in FORMATS.values() if fmt.media_type == media_type), None)
