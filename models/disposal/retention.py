"""The retention schedule (§9.1 檔案過期): how long each kind of content is kept.

A rule is data: for a catalogue class or sub-class, or for a dossier section, a period
in years (none: permanent, 永久, the default of a cadre dossier wherever no rule says
otherwise) and the event it runs from. A rule takes effect only when a second person
approves it; the approved rule it replaces is kept, superseded. The scheduler computes
the due list from the rules in force (``RetentionDue``, models.disposal.due_list);
nothing is ever destroyed because it is due: it only becomes eligible for a destruction
application.

::

    propose (archivist) ──► proposed ──approve (another person)──► active ──► superseded
                                 └──────reject (another person)──► rejected

Which rule is in force for an item is a fallback chain, as data (``CANDIDATES``): a
material's sub-class rule, then its class rule (4-1, then 4); a section record's section
rule, then the rule of the class its documents are filed under; else permanent. When a
period starts is a table too (``STARTS``): the date formed, the date the official left
(``Official.left_on``), or the rule's fixed date; the item falls due that many years later.

The official's leaving date is a column entered with the status (``Official.left_on``),
not the time the status changed in the version history: a retirement recorded a month
late, or a dossier entered years after the transfer, would otherwise run from the
clerk's keyboard instead of the decision. An official who left without a recorded date
makes nothing due "from leaving" (never on a guess); the due list counts them.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from flask_appbuilder import Model
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, func, select, text
from sqlalchemy.orm import relationship

from security import audit

from .. import codes
from ..text import clean, problem as text_problem, visible
from ..validation import add_years
from .items import DOSSIER, MATERIAL, Item

SCOPES = ("class", "section")
# What a period runs from: the date the content was formed, the official leaving
# (transferred out, retired, deceased), or a fixed date.
RUNS_FROM = ("formed", "left", "fixed")
# proposed → active (approved by a second person) → superseded (a newer rule approved) | rejected
PROPOSED, ACTIVE, SUPERSEDED, REJECTED = "proposed", "active", "superseded", "rejected"
# A sane period: longer than a lifetime's dossier is "permanent", which says so.
MAX_YEARS = 100
REASON_LIMIT = 2000

# The classes the code table has only as sub-classes (4-1 … 4-4, 9-1 … 9-4): a rule on the
# class covers every sub-class without one of its own.
CLASS_GROUPS = {"4": _l("Education, professional titles, academic appraisal and training"),
                "9": _l("Salary, appointment, travel abroad and delegates")}
SCOPE_LABELS = {"class": _l("Catalogue class"), "section": _l("Dossier section")}
RUNS_FROM_LABELS = {"formed": _l("Date formed"), "left": _l("The official leaving"), "fixed": _l("A fixed date")}
STATE_LABELS = {PROPOSED: _l("Awaiting approval"), ACTIVE: _l("In force"), SUPERSEDED: _l("Superseded"),
                REJECTED: _l("Rejected")}


class RetentionRule(Model):
    __tablename__ = "retention_rule"
    __versioned__ = {}
    # One rule in force per key (migration 0019): two approvals racing cannot both win.
    __table_args__ = (Index("ix_retention_rule_active", "scope", "key", unique=True,
                            sqlite_where=text("state = 'active'"), postgresql_where=text("state = 'active'")),)

    id = Column(Integer, primary_key=True)
    scope = Column(String(10), nullable=False)
    # A material class code ("4", "4-1") or a section key ("training").
    key = Column(String(40), nullable=False)
    # None: permanent.
    period_years = Column(Integer)
    runs_from = Column(String(10), nullable=False, default="formed")
    fixed_on = Column(Date)
    state = Column(String(12), nullable=False, default=PROPOSED, index=True)
    reason = Column(Text, nullable=False)
    proposed_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    proposed_at = Column(DateTime, nullable=False, default=datetime.now)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_at = Column(DateTime)
    decision_note = Column(Text)

    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def permanent(self) -> bool:
        return self.period_years is None

    def __repr__(self):
        return f"{self.scope}:{self.key} {self.period_years or '∞'}y from {self.runs_from}"


class RetentionDue(Model):
    """One item past its retention period, as the last due-list run found it."""

    __tablename__ = "retention_due"
    __table_args__ = (Index("ix_retention_due_item", "table_name", "record_id", unique=True),)

    id = Column(Integer, primary_key=True)
    official_id = Column(Integer, nullable=False, index=True)
    # "material" or a section table; the whole dossier is due when all of it is.
    table_name = Column(String(40), nullable=False)
    record_id = Column(Integer, nullable=False)
    # A material's class; a section record's catalogue class (models.base.SectionRecord).
    material_class = Column(String(16))
    rule_id = Column(Integer, ForeignKey("retention_rule.id"), nullable=False)
    due_on = Column(Date, nullable=False)
    computed_at = Column(DateTime, nullable=False, default=datetime.now)


class RetentionError(ValueError):
    """What is wrong with a proposal or decision, in the reader's language; nothing was changed."""


# --- which rule, and from when -------------------------------------------------------------

def lineage(material_class: str | None) -> list[str]:
    """A class and the class it belongs to: "4-1" → ["4-1", "4"]; "4" → ["4"]."""
    if not material_class:
        return []
    parent = material_class.split("-", 1)[0]
    return [material_class] if parent == material_class else [material_class, parent]


# Where to look for the rule of an item, most specific first: (scope, key) candidates.
CANDIDATES: dict[str, Callable] = {
    MATERIAL: lambda section_key, material_class: [("class", c) for c in lineage(material_class)],
    "record": lambda section_key, material_class: [("section", section_key),
                                                   *(("class", c) for c in lineage(material_class))],
}


@dataclass(frozen=True)
class Dates:
    """What a period may run from, for one item."""

    formed_on: date | None
    left_on: date | None


# When a rule's period starts for an item; None: not known, so never due.
STARTS: dict[str, Callable[[RetentionRule, Dates], date | None]] = {
    "formed": lambda rule, dates: dates.formed_on,
    "left": lambda rule, dates: dates.left_on,
    "fixed": lambda rule, dates: rule.fixed_on,
}


def in_force(session) -> dict[tuple[str, str], RetentionRule]:
    """The active rules by (scope, key)."""
    return {(r.scope, r.key): r for r in session.scalars(select(RetentionRule).where(RetentionRule.state == ACTIVE))}


def rule_for(rules: dict, kind: str, section_key: str | None, material_class: str | None) -> RetentionRule | None:
    """The rule in force for an item (``kind`` MATERIAL or "record"), or None: permanent."""
    for candidate in CANDIDATES[kind](section_key, material_class):
        if candidate in rules:
            return rules[candidate]
    return None


def due_date(rule: RetentionRule | None, dates: Dates) -> date | None:
    """When an item kept under ``rule`` falls due; None if never (permanent, or its start unknown)."""
    if rule is None or rule.period_years is None:
        return None
    start = STARTS[rule.runs_from](rule, dates)
    return add_years(start, rule.period_years) if start is not None else None


def due_on(session, item: Item) -> date | None:
    """The date ``item`` fell due according to the last due-list run, or None if it is not due.

    A whole dossier is due when every material and record it holds is due: the latest of
    their dates (an empty dossier is never due by retention). Pending content counts as
    held: a dossier with a draft the due list has not judged is not due."""
    if item.kind != DOSSIER:
        return session.scalar(select(RetentionDue.due_on).where(
            RetentionDue.table_name == item.table_name, RetentionDue.record_id == item.record_id))
    from ..sections import RECORD_MODELS

    held = 0
    for model in RECORD_MODELS:
        held += session.scalar(select(func.count()).select_from(model).where(model.official_id == item.official_id)
                               .execution_options(include_pending=True, all_departments=True))
    due, latest = session.execute(select(func.count(), func.max(RetentionDue.due_on))
                                  .where(RetentionDue.official_id == item.official_id)).one()
    return latest if held and due == held else None


def due_dossiers(session) -> dict[int, date]:
    """Every whole dossier that is due (``due_on`` of each), with its date: one statement for
    the due list and one per section and batch of dossiers, whatever their number."""
    from collections import Counter

    from ..sections import RECORD_MODELS

    due = {official_id: (count, latest) for official_id, count, latest in session.execute(
        select(RetentionDue.official_id, func.count(), func.max(RetentionDue.due_on))
        .group_by(RetentionDue.official_id))}
    held, ids = Counter(), sorted(due)
    for start in range(0, len(ids), 500):
        batch = ids[start:start + 500]
        for model in RECORD_MODELS:
            held.update(dict(session.execute(
                select(model.official_id, func.count()).where(model.official_id.in_(batch))
                .group_by(model.official_id).execution_options(include_pending=True, all_departments=True)).all()))
    return {official_id: latest for official_id, (count, latest) in due.items() if held[official_id] == count}


# --- changing the schedule ------------------------------------------------------------------

def keys(scope: str) -> dict[str, str]:
    """The keys a rule of ``scope`` may name, with their names in the reader's language."""
    from ..sections import SECTIONS

    if scope == "class":
        found = {}
        for code, item in codes.table("material_class").items():
            parent = code.split("-", 1)[0]
            if parent != code and parent not in found:
                found[parent] = str(CLASS_GROUPS[parent])  # 4, then 4-1 … 4-4
            found[code] = item.name(codes.current_locale())
        return found
    return {m.section_key: str(m.section_label) for m in SECTIONS}


def _period(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        years = int(str(value).strip())
    except ValueError:
        raise RetentionError(_("The period must be a whole number of years, or empty for permanent.")) from None
    if not 1 <= years <= MAX_YEARS:
        raise RetentionError(_("The period must be between 1 and %(max)s years, or empty for permanent.",
                               max=MAX_YEARS))
    return years


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()) if str(value).strip() else None
    except ValueError:
        raise RetentionError(_("The fixed date must be a date (YYYY-MM-DD).")) from None


def _text(value, required_message) -> str | None:
    value = clean(value or "")
    if not visible(value):
        if required_message:
            raise RetentionError(required_message)
        return None
    problem = text_problem(value, REASON_LIMIT, True)
    if problem:
        raise RetentionError(f"{_('Reason')}：{problem}")
    return value


def propose(session, user, scope, key, period_years, runs_from, fixed_on, reason) -> RetentionRule:
    """A proposed change of the rule of ``scope``/``key``; in force only once another person approves it.

    ``period_years`` None or empty: permanent (then it runs from nothing: no event, no date)."""
    if scope not in SCOPES:
        raise RetentionError(_("Choose a catalogue class or a dossier section."))
    if key not in keys(scope):
        raise RetentionError(_("There is no catalogue class or dossier section %(key)s.", key=key))
    years = _period(period_years)
    if runs_from not in RUNS_FROM:
        raise RetentionError(_("Choose what the period runs from: the date formed, the official leaving or a fixed date."))
    fixed = _date(fixed_on)
    if years is None:
        runs_from, fixed = "formed", None
    elif runs_from == "fixed" and fixed is None:
        raise RetentionError(_("A period running from a fixed date needs that date."))
    elif runs_from != "fixed" and fixed is not None:
        raise RetentionError(_("A fixed date is given only for a period that runs from a fixed date."))
    reason = _text(reason, _("Give the reason for the change."))
    waiting = session.scalar(select(RetentionRule.id).where(
        RetentionRule.scope == scope, RetentionRule.key == key, RetentionRule.state == PROPOSED))
    if waiting is not None:
        raise RetentionError(_("A change of this rule (no. %(id)s) is already awaiting approval.", id=waiting))
    current = in_force(session).get((scope, key))
    now = (current.period_years, current.runs_from, current.fixed_on) if current else (None, "formed", None)
    if (years, runs_from, fixed) == now:
        raise RetentionError(_("That is the rule already in force."))
    rule = RetentionRule(scope=scope, key=key, period_years=years, runs_from=runs_from, fixed_on=fixed,
                         reason=reason, state=PROPOSED, proposed_by_id=user.id)
    session.add(rule)
    session.flush()
    audit.record("retention_rule_proposed", object_type="retention_rule", object_id=rule.id, actor=user,
                 session=session, details=_details(rule))
    return rule


def _decidable(rule: RetentionRule, user) -> None:
    if rule.state != PROPOSED:
        raise RetentionError(_("This change was already decided (%(state)s).", state=STATE_LABELS[rule.state]))
    # The account, whatever role it acts in: a second role never makes a second person.
    if user.id == rule.proposed_by_id:
        raise RetentionError(_("A change of the retention schedule is decided by someone other than its proposer."))


def approve(session, rule: RetentionRule, user, note=None) -> RetentionRule:
    """Put ``rule`` in force; the rule it replaces is kept, superseded."""
    _decidable(rule, user)
    note = _text(note, None)
    replaced = in_force(session).get((rule.scope, rule.key))
    if replaced is not None:
        replaced.state = SUPERSEDED
        session.flush()  # out of force before the new one is in (one active rule per key)
    rule.state, rule.decided_by_id, rule.decided_at, rule.decision_note = ACTIVE, user.id, datetime.now(), note
    session.flush()
    audit.record("retention_rule_approved", object_type="retention_rule", object_id=rule.id, actor=user,
                 session=session, details={**_details(rule), "superseded": replaced.id if replaced else None})
    return rule


def reject(session, rule: RetentionRule, user, note) -> RetentionRule:
    _decidable(rule, user)
    note = _text(note, _("Give the reason for rejecting the change."))
    rule.state, rule.decided_by_id, rule.decided_at, rule.decision_note = REJECTED, user.id, datetime.now(), note
    session.flush()
    audit.record("retention_rule_rejected", object_type="retention_rule", object_id=rule.id, actor=user,
                 session=session, details=_details(rule))
    return rule


def _details(rule: RetentionRule) -> dict:
    return {"scope": rule.scope, "key": rule.key, "period_years": rule.period_years, "runs_from": rule.runs_from,
            "fixed_on": rule.fixed_on.isoformat() if rule.fixed_on else None}


@dataclass(frozen=True)
class ScheduleRow:
    """One line of the schedule: a class, sub-class or section and the rule in force."""

    scope: str
    key: str
    name: str
    rule: RetentionRule | None  # None: permanent by default
    pending: RetentionRule | None
    # For a section: the class whose rule applies when the section has none of its own.
    inherited: RetentionRule | None = None


def schedule(session) -> list[ScheduleRow]:
    """Every class, sub-class and section with the rule in force and any change awaiting approval."""
    from ..sections import SECTIONS

    rules = in_force(session)
    pending = {(r.scope, r.key): r for r in session.scalars(select(RetentionRule).where(RetentionRule.state == PROPOSED))}
    rows = [ScheduleRow("class", code, name, rules.get(("class", code)), pending.get(("class", code)),
                        rule_for(rules, MATERIAL, None, code) if ("class", code) not in rules else None)
            for code, name in keys("class").items()]
    for model in SECTIONS:
        key = ("section", model.section_key)
        rows.append(ScheduleRow("section", model.section_key, str(model.section_label), rules.get(key),
                                pending.get(key), None if key in rules else
                                rule_for(rules, MATERIAL, None, model.catalogue_class)))
    return rows
