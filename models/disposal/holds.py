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

from security.errors import Refusal

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

    A dossier is stopped by any hold on it, on any of its materials, on a class of it,
    or on a class of every dossier that it holds material or records of; a material by
    a hold on its dossier, on its class (or the class above it) or on itself; a section
    record by a hold on its dossier, on the class its documents are filed under, or on
    a document filed for it (destroying the record takes its documents with it).
    """
    from ..catalogue import Material
    from ..sections import BY_TABLE

    scoped = {"include_pending": True, "all_departments": True}
    row = None if item.kind == DOSSIER else item.load(session)
    # The dossier is the row's, when the row is there: an item names its official,
    # but whoever built it may have named the wrong one.
    official_id = row.official_id if row is not None else item.official_id
    active = select(Hold).where(Hold.lifted_at.is_(None)).order_by(Hold.placed_at, Hold.id)
    of_dossier = (Hold.kind == "dossier") & (Hold.official_id == official_id)
    class_holds = (Hold.kind == "class") & or_(Hold.official_id.is_(None), Hold.official_id == official_id)
    if item.kind == DOSSIER:
        held = session.scalars(active.where(or_(
            of_dossier, (Hold.kind == "material") & (Hold.official_id == official_id), class_holds))).all()
        present = set(session.scalars(
            select(Material.material_class).where(Material.official_id == official_id).distinct()
            .execution_options(**scoped)))
        present |= {model.catalogue_class for model in BY_TABLE.values()
                    if getattr(model, "catalogue_class", None) and model is not Material
                    and session.scalar(select(model.id).where(model.official_id == official_id).limit(1)
                                       .execution_options(**scoped)) is not None}
        # A class hold naming this dossier stops it whole, content of the class or not.
        return [h for h in held if h.kind != "class" or h.official_id == official_id
                or any(covers(h.material_class, c) for c in present)]
    if item.kind == MATERIAL:
        material_class = row.material_class if row is not None else None
        own = (Hold.kind == "material") & (Hold.material_id == item.record_id)
    else:
        material_class = getattr(BY_TABLE.get(item.table_name), "catalogue_class", None)
        filed = select(Material.id).where(Material.record_table == item.table_name,
                                          Material.record_id == item.record_id).execution_options(**scoped)
        own = (Hold.kind == "material") & Hold.material_id.in_(filed.scalar_subquery())
    held = session.scalars(active.where(or_(of_dossier, own, class_holds))).all()
    return [h for h in held if h.kind != "class" or covers(h.material_class, material_class)]


def describe(hold: Hold) -> str:
    """The sentence naming a hold, for a refusal: which hold stops the item, and why."""
    return _("held by hold no. %(id)s (ordered by %(by)s, since %(since)s: %(reason)s)",
             id=hold.id, by=hold.ordered_by, since=f"{hold.placed_at:%Y-%m-%d}", reason=hold.reason)


# ---------------------------------------------------------------- placing and lifting


class HoldError(Refusal):
    """A hold the rules refuse to place or lift."""


def _text(value, limit: int) -> str:
    return (value or "").strip()[:limit]


def _material_of(session, raw):
    from ..catalogue import Material

    raw = str(raw or "").strip()
    if not raw.isdigit():
        raise HoldError("material_required", _("Material: give the number of the material to hold."))
    material = session.get(Material, int(raw), execution_options={"include_pending": True, "all_departments": True})
    if material is None:
        raise HoldError("no_material", _("Material: there is no material no. %(id)s.", id=raw))
    return material


def _official_of(session, raw, required: bool):
    from ..official import Official

    raw = str(raw or "").strip()
    if not raw:
        if required:
            raise HoldError("official_required", _("Official: a hold on a dossier names the official."))
        return None
    official = session.get(Official, int(raw), execution_options={"include_pending": True, "all_departments": True}) \
        if raw.isdigit() else None
    if official is None:
        raise HoldError("no_official", _("Official: there is no official no. %(id)s.", id=raw))
    return official.id


def _class_of(raw):
    from .. import codes

    raw = (raw or "").strip()
    if not raw:
        raise HoldError("class_required", _("Class: a hold on a class names the class."))
    # A class of the catalogue (4-1) or a heading of sub-classes (4: 4-1 … 4-4).
    known = codes.table("material_class")
    if raw not in known and not any(code.startswith(raw + "-") for code in known):
        raise HoldError("no_class", _("Class: there is no material class %(code)s.", code=raw))
    return raw


# What each kind of hold names, read from the form: (official id, class, material id).
def _dossier_target(session, official_id, material_class, material_id):
    return _official_of(session, official_id, True), None, None


def _class_target(session, official_id, material_class, material_id):
    # No official: the class in every dossier.
    return _official_of(session, official_id, False), _class_of(material_class), None


def _material_target(session, official_id, material_class, material_id):
    # The dossier is the material's own: a form naming another official is refused, not believed.
    material = _material_of(session, material_id)
    posted = str(official_id or "").strip()
    if posted and posted != str(material.official_id):
        raise HoldError("material_elsewhere", _("Material: material no. %(id)s is not in the dossier of official no. "
                                                "%(official)s.", id=material.id, official=posted))
    return material.official_id, None, material.id


TARGETS = {"dossier": _dossier_target, "class": _class_target, "material": _material_target}


def place(session, user, kind, official_id=None, material_class=None, material_id=None, *,
          reason, ordered_by) -> Hold:
    """Put a dossier, a class or a material on hold; the caller commits."""
    from security import audit

    target = TARGETS.get((kind or "").strip())
    if target is None:
        raise HoldError("kind_required", _("Kind: choose a dossier, a class or a material."))
    official, held_class, material = target(session, official_id, material_class, material_id)
    reason, ordered_by = _text(reason, 2000), _text(ordered_by, 200)
    if not reason:
        raise HoldError("reason_required", _("Reason: say why it is held (investigation, litigation, audit)."))
    if not ordered_by:
        raise HoldError("ordered_by_required", _("Ordered by: name who ordered the hold and their reference."))
    hold = Hold(kind=kind.strip(), official_id=official, material_class=held_class, material_id=material,
                reason=reason, ordered_by=ordered_by, placed_by_id=user.id, placed_at=datetime.now())
    session.add(hold)
    session.flush()
    audit.record("hold_placed", object_type="disposal_hold", object_id=hold.id, actor=user, session=session,
                 details={"kind": hold.kind, "official_id": official, "class": held_class, "material_id": material})
    return hold


def lift(session, hold: Hold, user, reason) -> Hold:
    """Lift a hold, recording who lifted it, when and why; the hold itself stays."""
    from security import audit

    if not hold.active:
        raise HoldError("already_lifted", _("Hold no. %(id)s was lifted already.", id=hold.id))
    reason = _text(reason, 2000)
    if not reason:
        raise HoldError("lift_reason_required", _("Reason: say why the hold is lifted."))
    hold.lifted_at, hold.lifted_by_id, hold.lift_reason = datetime.now(), user.id, reason
    session.flush()
    audit.record("hold_lifted", object_type="disposal_hold", object_id=hold.id, actor=user, session=session)
    return hold


def listed(session, limit: int = 500) -> list[Hold]:
    """Every hold, the active ones first, newest first within each."""
    return list(session.scalars(select(Hold).order_by(Hold.lifted_at.is_not(None), Hold.placed_at.desc(), Hold.id.desc())
                                .limit(limit)))


def of_dossier(session, official_id: int) -> list[Hold]:
    """The active holds touching a dossier (for the banner on the official's page)."""
    return blocking(session, Item.dossier(official_id))
