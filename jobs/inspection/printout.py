"""A report on paper (A4 PDF with the CJK fonts, jobs.printing) and as a workbook (xlsx).
Both carry the report's period, scope, SHA-256 and who took them out, and nothing the
report itself does not hold."""

import io

import xlsxwriter
from flask_babel import gettext as _

from jobs.printing import Printout

from . import present
from .report import body_of


def _heading(report) -> list[str]:
    body = body_of(report)
    scope = str(report.department) if report.department is not None else _("Whole unit")
    return [
        _("Period: %(start)s to %(end)s", start=body["period"]["start"], end=body["period"]["end"]),
        _("Scope: %(scope)s", scope=scope),
        _("Generated: %(at)s", at=body["generated_at"]),
        _("SHA-256: %(sha)s", sha=report.sha256),
    ]


def _finding_rows(body):
    return [(f["part"], f["text"]) for f in present.findings(body)]


def _open_rows(body):
    return [(i["id"], i["title"], i["role"], i["due_on"]) for i in body["open_rectifications"]]


def _official_rows(body):
    return [(o["official"], o["name"] or "", ", ".join(present.completeness.kind_label(k) for k in o["kinds"]))
            for o in body["parts"]["content"]["completeness"]["listed"]]


def pdf(report, mark: str) -> bytes:
    body = body_of(report)
    doc = Printout(_("Inspection report %(id)s", id=report.id), mark)
    doc.paragraph("\n".join(_heading(report)), size=9)
    doc.heading(_("Findings"))
    doc.table([_("Part"), _("Finding")], _finding_rows(body) or [("", _("Nothing found."))])
    for part, rows in present.figure_rows(body):
        doc.heading(part)
        doc.table([_("Figure"), _("Value")], rows)
    doc.heading(_("Dossiers with findings"))
    doc.table([_("Official"), _("Name"), _("Findings")], _official_rows(body) or [("", "", _("Nothing found."))])
    doc.heading(_("Rectification items still open"))
    doc.table([_("Item"), _("Title"), _("Assigned to"), _("Due")], _open_rows(body) or [("", _("Nothing here."), "", "")])
    return bytes(doc.output())


def xlsx(report) -> bytes:
    body = body_of(report)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})

    def sheet(name, headers, rows, lead=()):
        ws = book.add_worksheet(name[:31])
        line = 0
        for text in lead:
            ws.write(line, 0, text)
            line += 1
        ws.write_row(line, 0, headers, bold)
        for row in rows:
            line += 1
            ws.write_row(line, 0, list(row))
        ws.set_column(0, len(headers) - 1, 28)

    sheet(_("Findings"), [_("Part"), _("Finding")], _finding_rows(body), lead=_heading(report))
    for part, rows in present.figure_rows(body):
        sheet(part, [_("Figure"), _("Value")], rows)
    sheet(_("Dossiers with findings"), [_("Official"), _("Name"), _("Findings")], _official_rows(body))
    sheet(_("Rectification"), [_("Item"), _("Title"), _("Assigned to"), _("Due")], _open_rows(body))
    book.close()
    return buffer.getvalue()
