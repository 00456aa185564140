"""Exports of rosters and statistics tables: xlsx, CSV and PDF (§5.2.2: for work only).

Rows arrive as a generator and leave through a temporary file: memory stays flat
whatever the row count. xlsx is written by XlsxWriter in constant-memory mode (a row
is flushed as the next begins; measured against openpyxl's write-only mode in the
benchmark); CSV is UTF-8 with a byte-order mark so Excel reads the Chinese right; the
PDF is an A4 landscape printout (``jobs.printing``). Every file carries who took it
out and when, and ``record`` writes the export's audit event with the file's SHA-256.
"""

import csv
import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _

FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "pdf": ("application/pdf", "pdf"),
}
# A printout is for reading on paper: beyond this, export xlsx or CSV.
PDF_MAX_ROWS = 5000
MAX_PURPOSE = 200


class ExportError(ValueError):
    """An export that cannot be made as asked; the message says why."""


@dataclass
class Export:
    """A written file: where it is, its SHA-256, its rows."""

    file: object
    sha256: str
    rows: int
    media_type: str
    extension: str


@dataclass(frozen=True)
class Heading:
    """What the top and foot of every export say."""

    unit: str
    title: str
    exporter: str
    at: datetime

    @property
    def mark(self) -> str:
        return _("Exported by %(name)s at %(time)s, for work use only", name=self.exporter,
                 time=self.at.strftime("%Y-%m-%d %H:%M"))

    @property
    def line(self) -> str:
        return f"{self.unit} · {self.title} · {self.at.date().isoformat()}"


def check_purpose(purpose: str) -> str:
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise ExportError(_("State the purpose of the export (用途): exported data is for work use only."))
    if len(purpose) > MAX_PURPOSE:
        raise ExportError(_("The purpose takes at most %(max)s characters.", max=MAX_PURPOSE))
    return purpose


def write(kind: str, heading: Heading, headers: list[str], rows) -> Export:
    if kind not in FORMATS:
        raise ExportError(_("Unknown export format: %(name)s", name=kind))
    out = tempfile.TemporaryFile()
    count = WRITERS[kind](out, heading, headers, rows)
    out.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: out.read(1 << 20), b""):
        digest.update(block)
    out.seek(0)
    media_type, extension = FORMATS[kind]
    return Export(out, digest.hexdigest(), count, media_type, extension)


def _xlsx(out, heading, headers, rows) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False, "tmpdir": tempfile.gettempdir(),
                                     "default_date_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet(heading.title[:31] or "roster")
    bold = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#E6E6E6", "border": 1, "text_wrap": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    widths = [max(8, min(40, 2 * len(str(h)) + 2)) for h in headers]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    # Constant-memory mode writes rows in order: title, heading line, headers, then data.
    sheet.write(0, 0, heading.title, bold)
    sheet.write(1, 0, f"{heading.line} · {heading.mark}")
    for index, name in enumerate(headers):
        sheet.write_string(2, index, str(name), head)
    sheet.freeze_panes(3, 0)
    footer = heading.mark.replace("&", "&&")
    sheet.set_footer(f"&L{footer}&R&P / &N")
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(2)
    count = 0
    for count, row in enumerate(rows, start=1):
        line = count + 2
        for index, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(line, index, datetime.combine(value, datetime.min.time())
                                     if not isinstance(value, datetime) else value, day)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(line, index, value)
            else:
                sheet.write_string(line, index, str(value))
    book.close()
    return count


class _Text:
    """csv writes text; the temporary file takes bytes."""

    def __init__(self, out):
        self.out = out

    def write(self, text):
        return self.out.write(text.encode("utf-8"))


def _csv(out, heading, headers, rows) -> int:
    out.write("\ufeff".encode("utf-8"))
    writer = csv.writer(_Text(out))
    writer.writerow([heading.line])
    writer.writerow([heading.mark])
    writer.writerow([str(h) for h in headers])
    count = 0
    for count, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])
    return count


def _pdf(out, heading, headers, rows) -> int:
    from .printing import Printout

    counted = []

    def limited():
        for index, row in enumerate(rows, start=1):
            if index > PDF_MAX_ROWS:
                raise ExportError(_("A printout holds at most %(max)s rows: narrow the roster or export xlsx or CSV.",
                                    max=PDF_MAX_ROWS))
            counted.append(1)
            yield [v.isoformat() if isinstance(v, date) else v for v in row]

    printout = Printout(heading.title, heading.mark, landscape=True)
    printout.paragraph(heading.line, size=9)
    printout.table(headers, limited(), size=8 if len(headers) > 8 else 9)
    out.write(printout.output())
    return len(counted)


WRITERS = {"xlsx": _xlsx, "csv": _csv, "pdf": _pdf}


def record(export: Export, *, what: str, purpose: str, subject: dict, columns: list[str]) -> None:
    """The export's audit event: who (the actor), why, what was asked (no personal data), the file."""
    from security import audit

    audit.record("export", object_type=what, details={
        "purpose": purpose, **subject, "columns": columns, "rows": export.rows,
        "format": export.extension, "sha256": export.sha256,
    })


def file_name(title: str, export: Export, at: datetime) -> str:
    safe = "".join(c for c in title if c.isalnum() or c in "-_ ")[:60].strip() or "export"
    return f"{safe}-{at.strftime('%Y%m%d-%H%M')}.{export.extension}"
