"""A visible watermark on a PDF read under a consultation grant (§5.3): the reader's name and the time.

The text is drawn with Adobe's predefined Chinese font STSong-Light (UniGB-UCS2-H),
which every PDF viewer provides without embedding, semi-transparent and diagonal
over every page, so a scanned page image cannot hide it.
"""

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject,
)

FONT = "/WmSong"
STATE = "/WmAlpha"


def _font() -> DictionaryObject:
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"), NameObject("/FontName"): NameObject("/STSong-Light"),
        NameObject("/Flags"): NumberObject(6), NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/FontBBox"): ArrayObject([NumberObject(v) for v in (-25, -254, 1000, 880)]),
        NameObject("/Ascent"): NumberObject(880), NameObject("/Descent"): NumberObject(-120),
        NameObject("/CapHeight"): NumberObject(880), NameObject("/StemV"): NumberObject(93),
    })
    cid_font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/CIDFontType0"),
        NameObject("/BaseFont"): NameObject("/STSong-Light"),
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject("Adobe"), NameObject("/Ordering"): TextStringObject("GB1"),
            NameObject("/Supplement"): NumberObject(2)}),
        NameObject("/FontDescriptor"): descriptor,
        NameObject("/DW"): NumberObject(1000),
    })
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/STSong-Light"), NameObject("/Encoding"): NameObject("/UniGB-UCS2-H"),
        NameObject("/DescendantFonts"): ArrayObject([cid_font]),
    })


def _ucs2(text: str) -> str:
    # UCS-2: characters outside the Basic Multilingual Plane are shown as a question mark.
    return "".join(f"{ord(ch) if ord(ch) < 0x10000 else 0x3F:04X}" for ch in text)


def _content(text: str, width: float, height: float) -> bytes:
    size = max(10.0, min(width, height) / 28)
    step_x, step_y = size * len(text) * 0.9 + size * 4, size * 6
    lines = [f"q {STATE} gs 0.55 0.1 0.1 rg BT {FONT} {size:.1f} Tf"]
    y = -height
    while y < height * 1.5:
        x = -width
        while x < width * 1.5:
            # Rotated 30°: cos 0.866, sin 0.5.
            lines.append(f"0.866 0.5 -0.5 0.866 {x:.1f} {y:.1f} Tm <{_ucs2(text)}> Tj")
            x += step_x
        y += step_y
    lines.append("ET Q")
    return "\n".join(lines).encode()


def stamp_pdf(document: bytes, text: str) -> bytes:
    """``document`` with ``text`` across every page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    font, alpha = _font(), DictionaryObject({
        NameObject("/Type"): NameObject("/ExtGState"),
        NameObject("/ca"): FloatObject(0.18), NameObject("/CA"): FloatObject(0.18)})
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        stamp = PageObject.create_blank_page(width=width, height=height)
        stream = DecodedStreamObject()
        stream.set_data(_content(text, width, height))
        stamp[NameObject("/Contents")] = stream
        stamp[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject(FONT): font}),
            NameObject("/ExtGState"): DictionaryObject({NameObject(STATE): alpha}),
        })
        page.merge_page(stamp, over=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
