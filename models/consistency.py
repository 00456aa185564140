"""The consistency rules of a cadre dossier (三龄两历一身份, §1.3.2): one table of
rule functions, each reading the facts of one dossier and yielding a finding per
inconsistency (a dict of the values its message names).

Age, party standing and working years (三龄), education and work history (两历),
identity (一身份). A rule never reads a value it does not need, and a finding
carries dates and codes, never a citizen ID or any other encrypted value.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

from flask_babel import lazy_gettext as _l

# Political status codes (GB/T 4762) of a party member, full or probationary.
PARTY_MEMBER = frozenset({"01", "02"})
# Defaults of the configurable limits (the application's INSPECTION_* settings).
DEFAULTS = {"INSPECTION_WORK_GAP_DAYS": 183, "INSPECTION_EDUCATION_OVERLAP_DAYS": 31}


@dataclass
class Facts:
    """What the rules read of one dossier (approved content only)."""

    official_id: int
    gender: str | None
    birth_date: date | None
    political_status: str | None
    work_start_date: date | None
    party_join_date: date | None
    # Decrypted on first use, by the identity rule only.
    read_citizen_id: Callable[[], object] = lambda: None
    work: list = field(default_factory=list)        # (start, end) ordered by start
    education: list = field(default_factory=list)   # (start, graduation) ordered by start
    counts: dict = field(default_factory=dict)      # section key -> approved records
    classes: set = field(default_factory=set)       # material classes with an approved document
    confirmed: set = field(default_factory=set)     # section keys confirmed "none of this kind"


def _identity(facts: Facts, limits: dict) -> Iterable[dict]:
    """一身份: the citizen ID's birth date and sex agree with the basic information."""
    value = facts.read_citizen_id()
    if value is None:
        return
    text = str(value)
    if len(text) != 18 or not text[:17].isdigit():
        yield {"problem": "unreadable"}
        return
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        yield {"problem": "unreadable"}
        return
    if facts.birth_date and born != facts.birth_date:
        yield {"problem": "birth_date", "id_date": born.isoformat(), "recorded": facts.birth_date.isoformat()}
    sex = "1" if int(text[16]) % 2 else "2"
    if facts.gender in ("1", "2") and sex != facts.gender:
        yield {"problem": "gender"}


def _working_years(facts: Facts, limits: dict) -> Iterable[dict]:
    """工龄: the work-start date comes no later than the first post held."""
    if not facts.work:
        return
    first = facts.work[0][0]
    if facts.work_start_date is None:
        yield {"problem": "no_start", "first": first.isoformat()}
    elif first < facts.work_start_date:
        yield {"problem": "before_start", "first": first.isoformat(), "start": facts.work_start_date.isoformat()}


def _party_standing(facts: Facts, limits: dict) -> Iterable[dict]:
    """党龄: a party-join date exactly when the political status is a party member's."""
    member = facts.political_status in PARTY_MEMBER
    if member and facts.party_join_date is None:
        yield {"problem": "no_join_date"}
    elif not member and facts.party_join_date is not None:
        yield {"problem": "not_member", "joined": facts.party_join_date.isoformat()}


def _education_overlap(facts: Facts, limits: dict) -> Iterable[dict]:
    """学历: two courses of study do not run at the same time beyond a short overlap."""
    allowed = int(limits["INSPECTION_EDUCATION_OVERLAP_DAYS"])
    for (start_a, end_a), (start_b, end_b) in zip(facts.education, facts.education[1:]):
        if end_a is not None and (end_a - start_b).days > allowed:
            yield {"first": start_a.isoformat(), "second": start_b.isoformat(), "days": (end_a - start_b).days}


def _covered(start: date, end: date, periods: list) -> int:
    """Days of [start, end) covered by study periods (a gap spent studying is explained)."""
    days = 0
    for p_start, p_end in periods:
        lo, hi = max(start, p_start), min(end, p_end or end)
        days += max(0, (hi - lo).days)
    return days


def _work_gaps(facts: Facts, limits: dict) -> Iterable[dict]:
    """经历: no unexplained gap in the work history longer than the configured limit."""
    limit = int(limits["INSPECTION_WORK_GAP_DAYS"])
    # The last day the working life is known to go on from: the work start, then each post's end.
    last, open_post = facts.work_start_date, False
    for start, end in facts.work:
        if last is not None and not open_post:
            days = (start - last).days - 1
            if days > limit and days - _covered(last, start, facts.education) > limit:
                yield {"from": last.isoformat(), "to": start.isoformat(), "days": days}
        if end is None:
            open_post = True  # a post still held: whatever follows overlaps it, no gap
        else:
            last = max(last, end) if last else end


@dataclass(frozen=True)
class Rule:
    key: str
    # The dossier tables whose content the rule reads: a finding is shown only to readers of all of them.
    tables: tuple
    check: Callable[[Facts, dict], Iterable[dict]]
    message: object


RULES = (
    Rule("identity", ("official",), _identity, _l("Identity: %(problem)s")),
    Rule("working_years", ("official", "work_experience"), _working_years, _l("Working years: %(problem)s")),
    Rule("party_standing", ("official",), _party_standing, _l("Party standing: %(problem)s")),
    Rule("education_overlap", ("education",), _education_overlap,
         _l("Education: the course started %(second)s overlaps the one started %(first)s by %(days)s days")),
    Rule("work_gap", ("work_experience", "education"), _work_gaps,
         _l("Work history: %(days)s days without a post or study between %(from)s and %(to)s")),
)

# The wording of each problem a rule names (its "problem" value).
PROBLEMS = {
    "unreadable": _l("the citizen ID cannot be read"),
    "birth_date": _l("the citizen ID gives the birth date %(id_date)s, the basic information %(recorded)s"),
    "gender": _l("the citizen ID and the basic information give different sexes"),
    "no_start": _l("no work-start date, though the first post began %(first)s"),
    "before_start": _l("the first post began %(first)s, before the work-start date %(start)s"),
    "no_join_date": _l("a party member without a party-join date"),
    "not_member": _l("a party-join date (%(joined)s) but the political status is not a party member's"),
}
BY_KEY = {rule.key: rule for rule in RULES}
