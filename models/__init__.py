"""Every table of the product. Importing this package maps and versions them all.

SQLAlchemy-Continuum must be set up before the first versioned model is declared,
and FAB's User must be mapped before ``configure_mappers()`` builds the version
classes (their transaction table points at it).
"""

import sqlalchemy as sa
from sqlalchemy_continuum import make_versioned
from sqlalchemy_continuum.plugins import FlaskPlugin

make_versioned(user_cls="User", plugins=[FlaskPlugin()])

import flask_appbuilder.security.sqla.models  # noqa: E402,F401

from .accounts import AccountSecurity, PasswordHistory  # noqa: E402
from .antivirus import Quarantine, ScanRun  # noqa: E402
from .audit import AuditChainHead, AuditEvent  # noqa: E402
from .backup import BackupChange, BackupCopy, BackupRun, RestoreTest  # noqa: E402
from .codes import CodeItem  # noqa: E402
from .collection import CollectionReceipt  # noqa: E402
from .consultation import Consultation, ConsultationReading  # noqa: E402
from .organisation import Department, StaffDepartment  # noqa: E402
from .permissions import PermissionRequest  # noqa: E402
from .sections import AREAS, BY_KEY, BY_TABLE, DOSSIER_MODELS, RECORD_MODELS, SECTIONS  # noqa: E402
from .catalogue import Material  # noqa: E402
from .fixity import FixityProblem, FixityRun  # noqa: E402
from .inspection import (CompletenessConfirmation, FourPropertyItem, FourPropertyRun, InspectionReport,  # noqa: E402
                         RectificationItem)
from .scheduling import JobLock  # noqa: E402
from .official import Official  # noqa: E402
from .workflow import ChangeRequest, ReviewDecision  # noqa: E402
from . import catalogue, encryption, inspection, validation, visibility  # noqa: E402

# The official page reads every section by official and review state: one index
# answers both, whatever a planner without statistics would pick (SQLite).
for _model in RECORD_MODELS:
    sa.Index(f"ix_{_model.__tablename__}_official_state", _model.__table__.c.official_id,
             _model.__table__.c.review_state)

sa.orm.configure_mappers()
validation.install_guard((*DOSSIER_MODELS, CollectionReceipt),
                         (Consultation, ReviewDecision, Department, StaffDepartment, CodeItem))
encryption.install((*DOSSIER_MODELS, ChangeRequest))
visibility.install()
catalogue.install()
inspection.install()

from models.storage import attachments  # noqa: E402

attachments.install()

from flask_appbuilder.security.sqla.models import Role, User  # noqa: E402

from security import audit_hooks  # noqa: E402

audit_hooks.install((*DOSSIER_MODELS, ChangeRequest, CollectionReceipt, ReviewDecision, StaffDepartment,
                     Department, User, Role))

__all__ = [
    "AccountSecurity", "BackupChange", "BackupCopy", "BackupRun", "PasswordHistory", "RestoreTest", "PermissionRequest", "Consultation", "ConsultationReading", "AREAS", "AuditChainHead", "AuditEvent", "BY_KEY", "BY_TABLE", "ChangeRequest", "CodeItem", "CollectionReceipt", "DOSSIER_MODELS",
    "Department", "FixityProblem", "FixityRun", "JobLock", "Material", "Official", "RECORD_MODELS",
    "ReviewDecision", "SECTIONS", "CompletenessConfirmation", "FourPropertyItem", "FourPropertyRun",
    "InspectionReport", "RectificationItem", "StaffDepartment", "Quarantine", "ScanRun",
]
