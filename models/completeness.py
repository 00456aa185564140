"""Completeness and consistency of each dossier (§1.3.2, §2).

What a complete dossier holds is declared on the sections (``dossier_required``,
``catalogue_class`` on models.base.SectionRecord) and read through the registry;
what is consistent is the rule table of models.consistency. ``check`` walks the
officials in id order, a chunk at a time, reading approved content through the
ORM so that the query hooks (models.visibility) apply the approval criterion and,
in a request, the reader's department scope (security.scope) — the same reach as
every other screen. ``visible`` keeps the findings a reader may see under the one
read rule (models.reading.closed_to).
"""

from dataclasses import dataclass
from typing import Iterator

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, select, union_all

from security.keys import ShreddedKey, keyring

from . import codes, consistency
from .catalogue import Material
from .career import Education, WorkExperience
from .inspection import CompletenessConfirmation
from .official import Official
from .sections import BY_KEY, SECTIONS

CHUNK = 2000
REQUIRED = tuple(m for m in SECTIONS if m.dossier_required)
EXPECTED_CLASSES = tuple(m for m in SECTIONS if m.catalogue_class)

MESSAGES = {
    "missing_section": _l("%(section)s: nothing recorded, and no confirmation that there is none"),
    "missing_class": _l("%(section)s is recorded but the catalogue has no %(class_name)s (class %(class)s)"),
    **{rule.key: rule.message for rule in consistency.RULES},
}
# Kinds of finding, in the order they are listed.
KINDS = ("missing_section", "missing_class", *(rule.key for rule in consistency.RULES))


@dataclass(frozen=True)
class Finding:
    official_id: int
    kind: str
    tables: tuple
    params: tuple  # sorted (name, value) pairs: hashable, JSON-friendly

    @property
    def values(self) -> dict:
        return dict(self.params)

    def message(self) -> str:
        params = self.values
        if "section" in params:
            params["section"] = str(BY_KEY[params["section"]].section_label)
        if "class" in params:
            params["class_name"] = codes.name("material_class", params["class"])
        if "problem" in params:
            params["problem"] = str(consistency.PROBLEMS[params["problem"]] % params)
        return str(MESSAGES[self.kind] % params)

    def as_dict(self) -> dict:
        return {"official": self.official_id, "kind": self.kind, "params": self.values}


def _finding(official_id, kind, tables, params) -> Finding:
    return Finding(official_id, kind, tuple(tables), tuple(sorted(params.items())))


def limits() -> dict:
    config = current_app.config if has_app_context() else {}
    return {name: config.get(name, default) for name, default in consistency.DEFAULTS.items()}


class _OfficialRow:
    """What the citizen ID's associated data names: the official's own row."""

    __tablename__ = "official"
    __slots__ = ("id", "official_id")

    def __init__(self, official_id: int):
        self.id = self.official_id = official_id


class _ChunkKeys:
    """The data keys of a chunk's officials, unwrapped together (one key-store query per
    batch, security.keys.KeyRing.deks) the first time a citizen ID of the chunk is read."""

    def __init__(self, official_ids: list[int]):
        self.official_ids, self.keys = official_ids, None

    def __call__(self, official_id: int) -> tuple[int, bytes]:
        if self.keys is None:
            self.keys = keyring().deks(self.official_ids)
        if official_id not in self.keys:
            raise ShreddedKey(official_id)
        return self.keys[official_id]


def _citizen_id_reader(official_id: int, blob, keys: _ChunkKeys | None = None):
    """Decrypts through the field's own descriptor (the one decryption path), only when asked."""
    if blob is None:
        return lambda: None
    return lambda: Official.citizen_id._decrypt(_OfficialRow(official_id), blob, keys)


def _by_official(session, statement) -> dict:
    found: dict = {}
    for official_id, *values in session.execute(statement):
        found.setdefault(official_id, []).append(tuple(values))
    return found


def load_facts(session, ids: list[int]) -> list[consistency.Facts]:
    """The facts of the approved dossiers among ``ids`` (a sorted chunk)."""
    lo, hi, wanted = ids[0], ids[-1], set(ids)
    officials = session.execute(
        select(Official.id, Official.gender, Official.birth_date, Official.political_status,
               Official.work_start_date, Official.party_join_date, Official._citizen_id)
        .where(Official.id.between(lo, hi)).order_by(Official.id)).all()
    work = _by_official(session, select(WorkExperience.official_id, WorkExperience.start_date,
                                         WorkExperience.end_date).where(WorkExperience.official_id.between(lo, hi))
                        .order_by(WorkExperience.official_id, WorkExperience.start_date))
    education = _by_official(session, select(Education.official_id, Education.start_date, Education.graduation_date)
                             .where(Education.official_id.between(lo, hi))
                             .order_by(Education.official_id, Education.start_date))
    counts: dict = {}
    # Every section's counts in one statement. The visibility hook's criteria do not reach into the
    # parts of a UNION, so each part states what it counts: approved records (scope is the officials'
    # query's: counts of officials not read above are never used).
    for key, official_id, count in session.execute(union_all(*(
            select(literal(model.section_key).label("section"), model.official_id, func.count())
            .where(model.official_id.between(lo, hi), model.review_state == "approved")
            .group_by(model.official_id) for model in SECTIONS))):
        counts.setdefault(official_id, {})[key] = count
    classes = _by_official(session, select(Material.official_id, Material.material_class)
                           .where(Material.official_id.between(lo, hi)).distinct())
    confirmed = _by_official(session, select(CompletenessConfirmation.official_id,
                                             CompletenessConfirmation.section_key)
                             .where(CompletenessConfirmation.official_id.between(lo, hi)))
    facts = []
    keys = _ChunkKeys([row.id for row in officials if row.id in wanted and row._citizen_id is not None])
    for row in officials:
        if row.id not in wanted:
            continue
        facts.append(consistency.Facts(
            row.id, row.gender, row.birth_date, row.political_status, row.work_start_date, row.party_join_date,
            _citizen_id_reader(row.id, row._citizen_id, keys), work.get(row.id, []), education.get(row.id, []),
            counts.get(row.id, {}), {c for (c,) in classes.get(row.id, [])}, {k for (k,) in confirmed.get(row.id, [])}))
    return facts


# The findings of the catalogue rules, but for the official: built once, not per dossier.
_MISSING_SECTION = tuple((model.section_key, (model.__tablename__,), (("section", model.section_key),))
                         for model in REQUIRED)
_MISSING_CLASS = tuple((model.section_key, model.catalogue_class, (model.__tablename__, Material.__tablename__),
                        (("class", model.catalogue_class), ("section", model.section_key)))
                       for model in EXPECTED_CLASSES)


def findings_of(facts: consistency.Facts, rule_limits: dict) -> list[Finding]:
    found, official_id, counts = [], facts.official_id, facts.counts
    for key, tables, params in _MISSING_SECTION:
        if not counts.get(key) and key not in facts.confirmed:
            found.append(Finding(official_id, "missing_section", tables, params))
    for key, class_, tables, params in _MISSING_CLASS:
        if counts.get(key) and class_ not in facts.classes:
            found.append(Finding(official_id, "missing_class", tables, params))
    for rule in consistency.RULES:
        for params in rule.check(facts, rule_limits):
            found.append(_finding(official_id, rule.key, rule.tables, params))
    return found


def check(session, where=None, chunk: int = CHUNK) -> Iterator[tuple[int, list[Finding]]]:
    """(official id, findings) for every approved official matching ``where`` (a condition on Official)."""
    query = select(Official.id).order_by(Official.id)
    if where is not None:
        query = query.where(where)
    ids = list(session.scalars(query))
    rule_limits = limits()
    for start in range(0, len(ids), chunk):
        for facts in load_facts(session, ids[start:start + chunk]):
            yield facts.official_id, findings_of(facts, rule_limits)


def visible(findings: list[Finding], closed_tables: frozenset) -> list[Finding]:
    """The findings whose every table the reader may read (models.reading.closed_to)."""
    return [f for f in findings if not set(f.tables) & closed_tables]


@dataclass
class Summary:
    officials: int = 0
    with_findings: int = 0

    def __post_init__(self):
        self.by_kind = dict.fromkeys(KINDS, 0)


def summarise(results) -> tuple[Summary, dict[int, list[Finding]]]:
    """Totals and the officials with findings, from ``check``'s output."""
    summary, flagged = Summary(), {}
    for official_id, findings in results:
        summary.officials += 1
        if findings:
            summary.with_findings += 1
            flagged[official_id] = findings
            for finding in findings:
                summary.by_kind[finding.kind] += 1
    return summary, flagged


def kind_label(kind: str) -> str:
    return str(KIND_LABELS[kind])


KIND_LABELS = {
    "missing_section": _l("Required section empty"),
    "missing_class": _l("Catalogue class without material"),
    "identity": _l("Identity"),
    "working_years": _l("Working years"),
    "party_standing": _l("Party standing"),
    "education_overlap": _l("Education overlap"),
    "work_gap": _l("Gap in work history"),
}
