"""Every table of the product. Importing this package maps and versions them all, and
installs nothing else: the session hooks (validation, encryption, visibility, the
catalogue's numbering, the attachment store) are ``install_hooks``, called by
``create_app``.

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
from security.audit_tables import AuditChainHead, AuditEvent  # noqa: E402
from security.grants import GrantGeneration  # noqa: E402,F401
from .backup import BackupChange, BackupCopy, BackupRun, RestoreTest  # noqa: E402
from .cleanup import DraftNotice  # noqa: E402
from .codes import CodeItem  # noqa: E402
from .collection import CollectionReceipt  # noqa: E402
from .consultation import Consultation, ConsultationApprover, ConsultationReading  # noqa: E402
from .organisation import Department, StaffDepartment  # noqa: E402
from .permissions import PermissionRequest  # noqa: E402
from .sections import AREAS, BY_KEY, BY_TABLE, DOSSIER_MODELS, RECORD_MODELS, SECTIONS  # noqa: E402
from .catalogue import Material  # noqa: E402
from .fixity import FixityProblem, FixityRun  # noqa: E402
from .inspection import (CompletenessConfirmation, FourPropertyItem, FourPropertyRun, InspectionReport,  # noqa: E402
                         RectificationItem)
from .scheduling import JobLock  # noqa: E402
from .disposal import (AppraisalMark, DestructionItem, DestructionList, DestructionRegister, Hold,  # noqa: E402
                       RetentionDue, RetentionRule)
from .official import Official  # noqa: E402
from .rosters import SavedRoster  # noqa: E402
from .workflow import ChangeRequest, ReviewDecision  # noqa: E402
# Declaring a section registers it (models.sections), in the regulation's order of areas.
from . import career, evaluation, training, rewards, integrity_file, other  # noqa: E402,F401

sa.orm.configure_mappers()

from .hooks import install as install_hooks  # noqa: E402

__all__ = [
    "AccountSecurity", "BackupChange", "BackupCopy", "BackupRun", "PasswordHistory", "RestoreTest", "PermissionRequest", "Consultation", "ConsultationApprover", "ConsultationReading", "AREAS", "AuditChainHead", "AuditEvent", "BY_KEY", "BY_TABLE", "ChangeRequest", "CodeItem", "CollectionReceipt", "DOSSIER_MODELS", "DraftNotice",
    "Department", "FixityProblem", "FixityRun", "JobLock", "Material", "Official", "RECORD_MODELS",
    "ReviewDecision", "SavedRoster", "SECTIONS", "install_hooks", "CompletenessConfirmation", "FourPropertyItem",
    "FourPropertyRun", "InspectionReport", "RectificationItem", "StaffDepartment", "Quarantine", "ScanRun",
    "AppraisalMark", "DestructionItem", "DestructionList", "DestructionRegister", "Hold", "RetentionDue", "RetentionRule",
]
