"""The material catalogue (材料目录): every document of a dossier.

A material is a file (scan, certificate, report) with the catalogue entry of the
paper cadre dossier: one of the ten national classes (4 and 9 in sub-classes),
its number within the class, title, date formed, forming unit and page count.
It is entered and reviewed like any section record; only approved materials are
numbered, so the catalogue of record has no gaps and drafts never take a number.
"""

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Column, Integer, String, event, select
from sqlalchemy.orm import Session

from . import codes
from .base import SectionRecord, code_column, date_column
from .encryption import Sensitive, sensitive_column


class Material(SectionRecord, Model):
    __tablename__ = "material"
    section_key = "material"
    section_area = "catalogue"
    section_label = _l("Material")
    list_columns = ("material_class", "sequence", "title", "formed_on", "page_count")
    order_by = ("formed_on",)

    material_class = code_column("material_class", nullable=False, index=True)
    # Position within the class among approved materials, 1..n without gaps.
    sequence = Column(Integer)
    title = Column(String(200), nullable=False)
    formed_on = date_column(nullable=False)
    forming_unit = Column(String(200), nullable=False)
    page_count = Column(Integer, info={"range": (1, 100_000)})
    # The section record the document supports, if any ("work_experience", 12).
    record_table = Column(String(40))
    record_id = Column(Integer)

    media_type = Column(String(40), nullable=False)
    size = Column(BigInteger, nullable=False)
    content_sha256 = Column(String(64), nullable=False)
    stored_sha256 = Column(String(64), nullable=False, index=True)
    # The key (security.keys file_key) the stored file is encrypted under, one per file so
    # that one material can be destroyed alone (§9.2). NULL: filed before migration 0016 and
    # still under the official's data key until ``flask dossier attachments rekey`` moves it.
    file_key_id = Column(Integer, nullable=True, index=True)
    # Names often carry the person's name or the matter: kept encrypted like the file.
    _file_name = sensitive_column("file_name")
    file_name = Sensitive("_file_name")

    @property
    def record(self):
        """The section record this document supports, whatever its review state."""
        from sqlalchemy.orm import object_session

        from .sections import BY_TABLE

        session = object_session(self)
        if session is None or self.record_table not in BY_TABLE or self.record_id is None:
            return None
        return session.get(BY_TABLE[self.record_table], self.record_id, execution_options={"include_pending": True})

    def __repr__(self):
        return f"{codes.name('material_class', self.material_class)} {self.sequence or '-'} {self.title}"


def class_order() -> dict[str, int]:
    """Catalogue order of the classes: 1, 2, 3, 4-1 … 4-4, 5 … 9-4, 10."""
    return {code: i for i, code in enumerate(codes.table("material_class"))}


# Classes 4 and 9 are filed in sub-classes (4-1 … 4-4, 9-1 … 9-4); the code table names
# the sub-classes, these the classes themselves.
PARENT_NAMES = {
    "4": _l("Education, professional titles, academic appraisal and training"),
    "9": _l("Salary, appointment, travel abroad and delegates"),
}


def outline(materials) -> list[dict]:
    """The ten classes in catalogue order, each with its sub-classes (or itself as its one
    sub-class) and their materials by number: an empty class is listed too, so a reader
    sees what the dossier lacks. ``materials`` are those the reader may see."""
    by_class: dict[str, list] = {}
    for material in materials:
        by_class.setdefault(material.material_class, []).append(material)
    classes: dict[str, dict] = {}
    for code in class_order():
        top = code.partition("-")[0]
        entry = classes.setdefault(top, {"code": top, "name": str(PARENT_NAMES.get(top) or codes.name("material_class", code)),
                                         "sub_classes": []})
        entries = sorted(by_class.get(code, ()), key=lambda m: (m.sequence or 0, m.formed_on))
        entry["sub_classes"].append({"code": code, "name": codes.name("material_class", code), "materials": entries})
    for entry in classes.values():
        entry["count"] = sum(len(sub["materials"]) for sub in entry["sub_classes"])
    return list(classes.values())


def renumber(session, official_id: int) -> None:
    """Number the approved materials of each class of one dossier 1..n, oldest first.

    All classes at once: a material moved to another class closes the gap in
    the class it left, whether or not its old class was loaded.
    """
    from .official import Official
    from .workflow import APPROVED

    with session.no_autoflush:
        # Two reviewers approving in one catalogue at once take turns (a row lock on
        # PostgreSQL; SQLite has one writer anyway), so no number is handed out twice.
        session.execute(select(Official.id).where(Official.id == official_id).with_for_update()
                        .execution_options(include_pending=True, all_departments=True))
        rows = list(session.scalars(
            select(Material).where(Material.official_id == official_id)
            .execution_options(include_pending=True, all_departments=True)
        ))
    rows += [m for m in session.new if isinstance(m, Material) and m not in rows
             and (m.official_id or getattr(m.official, "id", None)) == official_id]
    live = [m for m in rows if m not in session.deleted]
    for material_class in {m.material_class for m in live}:
        kept = sorted((m for m in live if m.material_class == material_class and m.review_state == APPROVED),
                      key=lambda m: (m.formed_on, m.id or 0))
        for number, material in enumerate(kept, start=1):
            if material.sequence != number:
                material.sequence = number
    for material in live:
        if material.review_state != APPROVED and material.sequence is not None:
            material.sequence = None


def _touched_officials(session) -> set[int]:
    touched = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Material):
            official_id = obj.official_id or getattr(obj.official, "id", None)
            if official_id is not None:
                touched.add(official_id)
    return touched


def install() -> None:
    """Idempotent."""
    if not event.contains(Session, "before_flush", _keep_numbers_gap_free):
        event.listen(Session, "before_flush", _keep_numbers_gap_free)


def _keep_numbers_gap_free(session, flush_context, instances):
    for official_id in _touched_officials(session):
        renumber(session, official_id)
