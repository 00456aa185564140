"""The dossier's areas and sections, in the order of the regulation (§2).

Menus, role permissions, the official page, seeding and the completeness of
every later feature walk this list: adding a section is one model here plus
nothing else.
"""

from flask_babel import lazy_gettext as _l

from .catalogue import Material
from .career import Education, WorkExperience
from .evaluation import AnnualAssessment, SpecialAssessment
from .integrity_file import IntegrityReport, IntegrityRisk, ViolationRecord
from .official import Official
from .other import Achievement, DutyReport, PersonalMatterReport
from .rewards import Reward, Sanction
from .training import Training, TrainingOutcome

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

# Records owned by an official, in the order they appear on the official page.
SECTIONS = (
    WorkExperience,
    Education,
    AnnualAssessment,
    SpecialAssessment,
    Training,
    TrainingOutcome,
    Reward,
    Sanction,
    IntegrityReport,
    IntegrityRisk,
    ViolationRecord,
    DutyReport,
    PersonalMatterReport,
    Achievement,
)

# Records that carry material from outside (and the receipt it came with): the
# sections and the catalogue's documents.
RECORD_MODELS = (*SECTIONS, Material)

# Everything a dossier is made of, the official's own row first.
DOSSIER_MODELS = (Official, *RECORD_MODELS)

BY_KEY = {model.section_key: model for model in DOSSIER_MODELS}
BY_TABLE = {model.__tablename__: model for model in DOSSIER_MODELS}


def in_area(area: str) -> tuple:
    return tuple(m for m in DOSSIER_MODELS if m.section_area == area)
