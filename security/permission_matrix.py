"""The permission matrix (§5.1 分级授权): one role's grants as its officer reads them.

Rows are the dossier's areas and sections (the section registry) and the product's
functions (``security.permission_labels``); a section's cells are the tiers of
``security.roles`` (仅录入 / 查阅 / 修改 / 删除), a function's cells its own verbs. Plain
functions over sets of (permission, view) pairs, FAB's grants: ``build`` lays out a
role's pairs (and, given the pairs before a request, marks what it adds and removes),
``parse`` reads the posted form and ``apply`` turns it into the pairs to propose. The
menu entries follow the cells (``with_menus``), as ``security.roles`` grants them.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _, lazy_gettext as _l

from models import AREAS, DOSSIER_MODELS
from models.reading import SCOPE_VIEW

from . import menu, permission_labels as labels
from .errors import Refusal
from .roles import ADD, DELETE, MODIFY, READ, READ_EXTRAS, SCOPE_PERMISSIONS

MENU = "menu_access"
# The tiers in order; each but "add" holds the ones before it.
LEVELS = {"none": (), "add": ADD, "read": READ, "modify": MODIFY, "delete": DELETE}
LEVEL_LABELS = {"none": _l("None"), "add": _l("Entry only"), "read": _l("Read"), "modify": _l("Modify"),
                "delete": _l("Delete")}
# The matrix's tier columns; "none" is the absence of them all.
TIER_COLUMNS = ("add", "read", "modify", "delete")
# Areas whose sections are offered the entry-only tier (a clerk files into them without reading).
ENTRY_ONLY_AREAS = ("integrity",)
SCOPES = {"all": _l("All officials"), "department": _l("Own departments"), "self": _l("Self only"),
          "none": _l("None")}


class MatrixError(Refusal):
    """A posted matrix that names no tier, scope or grant offered."""


def tier_of(level: str, section_key: str) -> tuple:
    perms = LEVELS[level]
    return perms + READ_EXTRAS.get(section_key, ()) if "can_show" in perms else perms


def managed(section_key: str) -> set[str]:
    """Every permission a section's tier decides (what is beyond them, e.g. can_download, stays)."""
    return {p for level in LEVELS for p in tier_of(level, section_key)}


def level_of(pairs, section_key: str) -> str:
    held = {perm for perm, view in pairs if view == section_key}
    for level in ("delete", "modify", "read", "add"):
        if set(tier_of(level, section_key)) <= held:
            return level
    return "none"


def covered(level: str, column: str) -> bool:
    """Whether a tier column is ticked at ``level``: the tiers hold those before them."""
    if column == "add" or level == "add":
        return level == column
    order = ("none", "read", "modify", "delete")
    return order.index(level) >= order.index(column)


def scope_of(pairs) -> str:
    held = [p for p in SCOPE_PERMISSIONS if (p, SCOPE_VIEW) in pairs]
    return held[0].removeprefix("can_") if held else "none"


def sections() -> set[str]:
    return {m.section_key for m in DOSSIER_MODELS}


def function_pairs(available) -> set[tuple[str, str]]:
    """The grants shown as function cells: all but the sections', the scope's and the menus'."""
    keys = sections()
    return {(p, v) for p, v in available if p != MENU and v != SCOPE_VIEW and v not in keys}


# ------------------------------------------------------------------ layout


def mark(now: bool, before: bool | None) -> str:
    if before is None or now == before:
        return ""
    return "added" if now else "removed"


@dataclass
class Cell:
    column: str
    label: object
    held: bool
    mark: str = ""
    value: str = ""  # the posted value: a level, or a pair's key


@dataclass
class Row:
    key: str
    label: object
    cells: list[Cell]
    level: str = ""
    offered: tuple = ()
    marked: bool = False


@dataclass
class Group:
    key: str
    label: object
    rows: list[Row] = field(default_factory=list)
    summary: object = ""


@dataclass
class Matrix:
    areas: list[Group]
    functions: list[Group]
    scope: str
    scope_mark: str = ""
    # What changes that no cell shows: menus following the cells, grants beyond the tiers.
    menus: list = field(default_factory=list)
    others: list = field(default_factory=list)

    @property
    def marked(self) -> list[tuple]:
        """(row key, column, mark) of every marked cell, the scope's included."""
        found = [(r.key, c.column, c.mark) for g in (*self.areas, *self.functions) for r in g.rows
                 for c in r.cells if c.mark]
        return found + ([(SCOPE_VIEW, "scope", self.scope_mark)] if self.scope_mark else [])


def _section_rows(now, before) -> list[Group]:
    groups = {area: Group(area, label) for area, label in AREAS.items()}
    for model in DOSSIER_MODELS:
        key, level = model.section_key, level_of(now, model.section_key)
        old = level_of(before, key) if before is not None else None
        offered = tuple(lv for lv in LEVELS if lv != "add" or model.section_area in ENTRY_ONLY_AREAS or level == "add")
        cells = [Cell(col, LEVEL_LABELS[col], covered(level, col),
                      mark(covered(level, col), covered(old, col) if old else None), col) for col in TIER_COLUMNS]
        groups[model.section_area].rows.append(Row(key, model.section_label, cells, level, offered,
                                                   marked=any(c.mark for c in cells)))
    for group in groups.values():
        levels = {r.level for r in group.rows}
        group.summary = LEVEL_LABELS[levels.pop()] if len(levels) == 1 else _l("Differs by section")
    return [g for g in groups.values() if g.rows]


def _function_rows(now, before, available) -> list[Group]:
    names = labels.menu_labels()
    groups = {key: Group(key, label) for key, label in labels.FUNCTIONS.items()}
    rows: dict[str, Row] = {}
    for perm, view in sorted(function_pairs(available), key=lambda pv: pv[1]):
        function, label = labels.screen(view, names)
        row = rows.get(view)
        if row is None:
            row = rows[view] = Row(view, label, [])
            groups[function].rows.append(row)
        held = (perm, view) in now
        row.cells.append(Cell(perm, labels.verb(view, perm), held,
                              mark(held, (perm, view) in before if before is not None else None),
                              str(available[(perm, view)])))
    order = {view: i for i, view in enumerate(labels.SCREENS)}
    for group in groups.values():
        group.rows.sort(key=lambda r: (order.get(r.key, len(order)), str(r.label)))
        for row in group.rows:
            row.cells.sort(key=lambda c: list(labels.VERBS).index(c.column) if c.column in labels.VERBS else 99)
            row.marked = any(c.mark for c in row.cells)
    return [g for g in groups.values() if g.rows]


def _unshown(now, before, available) -> tuple[list, list]:
    """Changes no cell shows: menu entries, and section grants beyond the tiers."""
    if before is None:
        return [], []
    names = labels.menu_labels() | {key: label for key, (label, _icon) in menu.CATEGORIES.items()}
    menus, others = [], []
    for pair in sorted(set(now) ^ set(before), key=lambda p: (p[1], p[0])):
        perm, view = pair
        sign = "+" if pair in now else "−"
        if perm == MENU:
            menus.append((sign, names.get(view) or labels.readable(view)))
        elif view in sections() and perm not in managed(view):
            model = next(m for m in DOSSIER_MODELS if m.section_key == view)
            others.append((sign, f"{model.section_label} · {labels.verb(view, perm)}"))
        elif view not in sections() and view != SCOPE_VIEW and pair not in available:
            others.append((sign, f"{labels.screen(view, names)[1]} · {labels.verb(view, perm)}"))
    return menus, others


def build(now, available: dict, before=None) -> Matrix:
    """The matrix of a role holding ``now``; with ``before``, each changed cell marked.
    ``available``: every grant of the installation, (permission, view) → its id."""
    now = set(now)
    scope = scope_of(now)
    old_scope = scope_of(before) if before is not None else None
    menus, others = _unshown(now, before, available)
    return Matrix(_section_rows(now, before), _function_rows(now, before, available), scope,
                  "changed" if old_scope is not None and old_scope != scope else "", menus, others)


# ------------------------------------------------------------------ a posted matrix


@dataclass
class Choice:
    tiers: dict[str, str]
    functions: set
    scope: str


def parse(form, available) -> Choice:
    """The posted matrix: ``tier:<section>`` a level, ``scope`` a scope, ``grant`` the ids of the
    ticked function cells. Anything not offered is refused, naming nothing raw.
    ``available``: every grant of the installation, (permission, view) → its id."""
    keys = sections()
    tiers = {}
    for name in form:
        if name.startswith("tier:"):
            key, level = name.removeprefix("tier:"), form.get(name)
            if key not in keys or level not in LEVELS:
                raise MatrixError("tier", _("The matrix names a tier or section that is not offered: "
                                            "reload the page and try again."))
            tiers[key] = level
    scope = form.get("scope", "")
    if scope not in SCOPES:
        raise MatrixError("scope", _("Choose one of the scopes offered."))
    offered = {str(available[p]): p for p in function_pairs(available)}
    chosen = form.getlist("grant") if hasattr(form, "getlist") else form.get("grant", [])
    if any(value not in offered for value in chosen):
        raise MatrixError("grant", _("The matrix names a permission that is not offered: reload the page and "
                                     "try again."))
    return Choice(tiers, {offered[v] for v in chosen}, scope)


def apply(held, choice: Choice, available) -> set[tuple[str, str]]:
    """The pairs the role would hold: only what the form changed is changed."""
    pairs = set(held)
    for key, level in choice.tiers.items():
        if level != level_of(held, key):
            pairs = {p for p in pairs if p[1] != key or p[0] not in managed(key)}
            pairs |= {(perm, key) for perm in tier_of(level, key)}
    pairs = (pairs - function_pairs(available)) | set(choice.functions)
    if choice.scope != scope_of(held):
        pairs = {p for p in pairs if p[1] != SCOPE_VIEW} | (
            {(f"can_{choice.scope}", SCOPE_VIEW)} if choice.scope != "none" else set())
    return with_menus(set(held), pairs)


def with_menus(before, after) -> set[tuple[str, str]]:
    """``after`` with the menu entries (and their categories) of the screens it opens or closes
    shown or hidden, as ``security.roles.permissions_of`` grants them; every other menu stays."""
    entries = (*menu.entries(), *menu.SECURITY)

    def shown(pairs):
        opened = {e for e in entries if (e.opens, e.view) in pairs}
        return {e.name for e in opened} | {e.category for e in opened}

    was, now = shown(before), shown(after)
    return (set(after) - {(MENU, n) for n in was - now}) | {(MENU, n) for n in now - was}


def rows_of(pairs, index: dict) -> list:
    """The grant rows of ``pairs``; ``index``: pair → row. A pair with no row is refused."""
    if any(p not in index for p in pairs):
        raise MatrixError("unknown", _("A permission of this change does not exist in this installation: "
                                       "run the initialisation (flask dossier init) first."))
    return [index[p] for p in sorted(pairs)]


def pair_label(pair) -> str:
    """One grant as an officer reads it ("初审 · 审核"), for lists of changes."""
    perm, view = pair
    names = labels.menu_labels()
    if perm == MENU:
        categories = {key: label for key, (label, _icon) in menu.CATEGORIES.items()}
        return f"{_('Menu')} · {names.get(view) or categories.get(view) or labels.readable(view)}"
    if view == SCOPE_VIEW:
        return f"{_('Scope')} · {SCOPES.get(perm.removeprefix('can_'), labels.readable(perm))}"
    model = next((m for m in DOSSIER_MODELS if m.section_key == view), None)
    where = model.section_label if model is not None else labels.screen(view, names)[1]
    return f"{where} · {labels.verb(view, perm)}"
