"""Holds (冻结): an investigation, litigation or audit stops destruction and clean-up.

A hold is on a whole dossier, on a catalogue class (of one dossier, or of every dossier
when no official is named), or on single materials. It lasts until lifted, and lifting is
recorded beside it; a hold is never deleted.
"""

from datetime import datetime

from flask_appbuilder import Model
from flask_babel import gettext as _
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, or_, select
from sqlalchemy.orm import relationship

from ..base import code_column
from .items import DOSSIER, MATERIAL, Item

HOLD_KINDS = ("dossier", "class", "material")


class Hold(Model):
    __tablename__ = "disposal_hold"
    __versioned__ = {}

    id = Column(Integer, primary_key=True)
    kind = Column(String(10), nullable=False)
    # No foreign keys to what is held: a hold outlives nothing it holds (it stops its
    # destruction), and its record stays after an unrelated destruction of the dossier.
    official_id = Column(Integer, index=True)
    material_class = code_column("material_class")
    material_id = Column(Integer, index=True)
    reason = Column(Text, nullable=False)
    # Who ordered it (a commission, a court, an audit office) and their reference.
    ordered_by = Column(String(200), nullable=False)
    placed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    placed_at = Column(DateTime, nullable=False, default=datetime.now)
    lifted_by_id = Column(Integer, ForeignKey("ab_user.id"))
    lifted_at = Column(DateTime, index=True)
    lift_reason = Column(Text)

    placed_by = relationship("User", foreign_keys=[placed_by_id])
    lifted_by = relationship("User", foreign_keys=[lifted_by_id])

    @property
    def active(self) -> bool:
        return self.lifted_at is None

    def __repr__(self):
        return f"hold #{self.id} ({self.kind})"


def covers(held_class: str, material_class: str | None) -> bool:
    """A hold on class 4 covers 4-1 … 4-4; a hold on 4-1 only 4-1."""
    return bool(material_class) and (material_class == held_class or material_class.startswith(held_class + "-"))


def blocking(session, item: Item) -> list[Hold]:
    """The active holds that stop ``item`` from being destroyed or cleaned up, oldest first.

    A dossier is stopped by any hold on it, on any of its materials, or on a class
    it holds material of; a material by a hold on its dossier, its class or itself;
    a section record by a hold on its dossier or on the class its documents are filed under.
    """
    from ..catalogue import Material
    from ..sections import BY_TABLE

    active = select(Hold).where(Hold.lifted_at.is_(None)).order_by(Hold.placed_at, Hold.id)
    of_dossier = (Hold.kind == "dossier") & (Hold.official_id == item.official_id)
    class_holds = (Hold.kind == "class") & or_(Hold.official_id.is_(None), Hold.official_id == item.official_id)
    if item.kind == DOSSIER:
        held = session.scalars(active.where(or_(
            of_dossier, (Hold.kind == "material") & (Hold.official_id == item.official_id), class_holds))).all()
        present = set(session.scalars(
            select(Material.material_class).where(Material.official_id == item.official_id).distinct()
            .execution_options(include_pending=True, all_departments=True)))
        return [h for h in held if h.kind != "class" or h.official_id == item.official_id
                or any(covers(h.material_class, c) for c in present)]
    if item.kind == MATERIAL:
        material = item.load(session)
        material_class = material.material_class if material is not None else None
        own = (Hold.kind == "material") & (Hold.material_id == item.record_id)
    else:
        material_class = getattr(BY_TABLE.get(item.table_name), "catalogue_class", None)
        own = of_dossier
    held = session.scalars(active.where(or_(of_dossier, own, class_holds))).all()
    return [h for h in held if h.kind != "class" or covers(h.material_class, material_class)]


def describe(hold: Hold) -> str:
    """The sentence naming a hold, for a refusal: which hold stops the item, and why."""
    return _("held by hold no. %(id)s (ordered by %(by)s, since %(since)s: %(reason)s)",
             id=hold.id, by=hold.ordered_by, since=f"{hold.placed_at:%Y-%m-%d}", reason=hold.reason)
