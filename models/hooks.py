"""The domain's session hooks, installed by the application (``create_app``), never by
importing ``models``: importing maps and versions the tables, nothing more.

Each install is idempotent (a second call, from a second app in the same process,
changes nothing). The order is the order of the hooks at flush: validation reads
the plaintext that encryption then replaces with ciphertext.
"""

from . import catalogue, encryption, inspection, organisation, pinyin, validation, visibility
from .codes import CodeItem
from .disposal import destruction
from .collection import CollectionReceipt
from .consultation import Consultation
from .official import Official
from .organisation import Department, StaffDepartment
from .sections import DOSSIER_MODELS
from .storage import attachments
from .workflow import ChangeRequest, ReviewDecision


def install(current_scope) -> None:
    """``current_scope()`` is the request's department scope (security's policy), or None."""
    validation.install_guard((*DOSSIER_MODELS, CollectionReceipt),
                             (Consultation, ReviewDecision, Department, StaffDepartment, CodeItem))
    organisation.install_guard()
    encryption.install((*DOSSIER_MODELS, ChangeRequest))
    visibility.install(current_scope)
    pinyin.install(Official)
    catalogue.install()
    inspection.install()
    destruction.install()
    attachments.install()
