"""The section registry: the dossier's areas and sections, in the order of the regulation (§2).

A section is declared once, as its model (``models.base.SectionRecord``): columns with
their labels and rules, key, area, label, list and search columns, access overrides and
guards, catalogue class and demo data. Declaring the class registers it here; menus,
role permissions, the official page, the route matrix, seeding, change tracking,
history, consultation and every later feature read this registry, never a list of
their own. The views below are live: a section declared after this module was imported
is in them from then on.
"""

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l

AREAS = {
    "basic": _l("Basic information"),
    "career": _l("Career"),
    "evaluation": _l("Evaluation"),
    "training": _l("Training"),
    "rewards": _l("Rewards and sanctions"),
    "integrity": _l("Integrity file"),
    "other": _l("Other information"),
    "catalogue": _l("Material catalogue"),
}
# The area of the catalogue's documents (models.catalogue.Material): a record model,
# but not a section with a screen of its own on the official page's tabs.
DOCUMENTS = "catalogue"

_registered: list[type] = []
_views: dict[str, tuple] = {}


def register(model: type) -> type:
    """Add a dossier model (called by ``SourceMixin.__init_subclass__`` for each declared section)."""
    if model.section_area not in AREAS:
        raise ValueError(f"{model.__name__}: unknown area {model.section_area!r} (known: {', '.join(AREAS)})")
    clash = next((m for m in _registered if m.section_key == model.section_key and m is not model), None)
    if clash is not None:
        raise ValueError(f"{model.__name__}: section key {model.section_key!r} is already {clash.__name__}'s")
    if model not in _registered:
        _registered.append(model)
        _rebuild()
    return model


def _rebuild() -> None:
    area_order = {area: i for i, area in enumerate(AREAS)}
    ordered = tuple(sorted(_registered, key=lambda m: (area_order[m.section_area], _registered.index(m))))
    records = tuple(m for m in ordered if m.section_area != "basic")
    _views.update(
        dossier=ordered,
        records=records,
        sections=tuple(m for m in records if m.section_area != DOCUMENTS),
        by_key={m.section_key: m for m in ordered},
        by_table={m.__tablename__: m for m in ordered},
    )


class _Live(Sequence):
    """A read-only, always current sequence of registered models."""

    def __init__(self, name: str):
        self._name = name

    def __getitem__(self, index):
        return _views.get(self._name, ())[index]

    def __len__(self):
        return len(_views.get(self._name, ()))

    def __repr__(self):
        return f"<{self._name}: {', '.join(m.__name__ for m in self)}>"


class _LiveIndex(Mapping):
    """A read-only, always current mapping of registered models by key or table."""

    def __init__(self, name: str):
        self._name = name

    def __getitem__(self, key):
        return _views.get(self._name, {})[key]

    def __iter__(self):
        return iter(_views.get(self._name, {}))

    def __len__(self):
        return len(_views.get(self._name, {}))


# Everything a dossier is made of, the official's own row (basic information) first.
DOSSIER_MODELS = _Live("dossier")
# Records that carry material from outside (and the receipt it came with): the sections
# and the catalogue's documents.
RECORD_MODELS = _Live("records")
# Records owned by an official, in the order they appear on the official page.
SECTIONS = _Live("sections")
BY_KEY = _LiveIndex("by_key")
BY_TABLE = _LiveIndex("by_table")


def in_area(area: str) -> tuple:
    return tuple(m for m in DOSSIER_MODELS if m.section_area == area)
