"""The printable dossier of one official (A4 PDF with the CJK fonts, ``jobs.printing``):
the basic information, every section the reader may read and the material catalogue,
as the official page shows them.

What is read goes through the ORM, so the visibility hook keeps it to approved content in
the reader's scope; the read rule (``models.reading``) leaves out the sections and material
classes closed to the reader. Identity fields are masked as in every other export
(``jobs.list_export``) unless the reader holds the identity tier (models.identity): paper
leaves the system. A sensitive free text (an integrity-file text, a sanction's reason) is
printed as the page shows it, by its section's read rule: a section the reader may not
read is not printed at all, and one they may read is their dossier to print whole.
"""

from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select

from models import SECTIONS, Material, Official, codes, reading
from models.catalogue import outline
from models.labels import labels_of
from models.official import BASIC_FIELDS, CONTACT_FIELDS
from security.unit_time import unit_zone

from . import list_export
from .printing import Printout


@dataclass(frozen=True)
class Printed:
    pdf: bytes
    sections: tuple[str, ...]   # keys of the sections the printout holds
    records: int
    materials: int


def mark(user, at: datetime | None = None) -> str:
    """Who printed it and when, in the unit's time: the foot of every page."""
    moment = (at or datetime.now(timezone.utc)).astimezone(unit_zone())
    return _("Printed by %(user)s at %(time)s.", user=f"{user} ({user.username})", time=f"{moment:%Y-%m-%d %H:%M}")


def _formatters(model) -> dict:
    """Code columns as the page shows them: by their name in the reader's language."""
    return {c.key: (lambda code, t=c.info["code_table"]: codes.name(t, code) if code else None)
            for c in model.__table__.columns if "code_table" in c.info}


def _columns(model, keys, clear: bool):
    return list_export.columns(model, keys, labels_of(model), _formatters(model), clear, texts=True)


def _cells(record, cols) -> list:
    return [list_export.cell(column, getattr(record, column.key)) for column in cols]


def build(session, official: Official, reader, printed_mark: str, *, clear: bool = False) -> Printed:
    """The printout of ``official``'s dossier for ``reader``; ``clear``: identifiers unmasked."""
    closed = reading.closed_to(reader)
    closed_tables = closed[1]
    doc = Printout(_("Dossier of %(name)s", name=official.name), printed_mark)

    doc.heading(_("Basic information"))
    basic = _columns(Official, [*BASIC_FIELDS, *CONTACT_FIELDS], clear)
    doc.table([_("Field"), _("Content")], [(column.label, value) for column, value in zip(basic, _cells(official, basic))],
              widths=(1, 3))

    printed, records = [], 0
    for model in SECTIONS:
        if model.__tablename__ in closed_tables:
            continue
        cols = _columns(model, model.list_columns, clear)
        order = getattr(model, model.order_by[0])
        rows = [_cells(r, cols) for r in session.scalars(
            select(model).where(model.official_id == official.id).order_by(order, model.id))]
        doc.heading(str(model.section_label))
        doc.table([c.label for c in cols], rows or [[_("Nothing filed"), *[""] * (len(cols) - 1)]])
        printed.append(model.section_key)
        records += len(rows)

    if Material.__tablename__ in closed_tables:
        return Printed(bytes(doc.output()), tuple(printed), records, 0)
    materials = list(session.scalars(select(Material).where(Material.official_id == official.id)))
    shown = [m for m in materials if reading.readable(m, closed)]
    doc.heading(_("Material catalogue"))
    labels = labels_of(Material)
    doc.table([_("Class"), str(labels["sequence"]), str(labels["title"]), str(labels["formed_on"]),
               str(labels["forming_unit"]), str(labels["page_count"])], _catalogue_rows(outline(shown)),
              widths=(34, 8, 40, 16, 30, 8))
    if len(shown) < len(materials):
        doc.paragraph(_("%(count)s materials in classes or sections you may not read are not listed.",
                        count=len(materials) - len(shown)), size=9)
    return Printed(bytes(doc.output()), tuple(printed), records, len(shown))


def _catalogue_rows(classes):
    """Every class and sub-class in order; one marked as empty when nothing is filed in it."""
    for entry in classes:
        subs = entry["sub_classes"]
        if len(subs) > 1:
            yield [f"{entry['code']} {entry['name']}", "", "", "", "", ""]
        for sub in subs:
            head = f"{sub['code']} {sub['name']}"
            if not sub["materials"]:
                yield [head, "", _("Nothing filed"), "", "", ""]
            for index, material in enumerate(sub["materials"]):
                yield [head if index == 0 else "", material.sequence, material.title, material.formed_on,
                       material.forming_unit, material.page_count]
