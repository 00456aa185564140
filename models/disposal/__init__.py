"""Retention, appraisal, holds and destruction (regulation §9, §4.3.3).

What may leave the dossier, and how: a retention schedule (rules as data) makes items
due, an appraisal mark makes an item invalid, a hold stops both, and a destruction list
goes from application through approval to execution and its permanent register.

``items`` names what these act on (a whole dossier, a material, a section record), once.
"""

from .appraisal import AppraisalMark
from .destruction import DestructionItem, DestructionList, DestructionRegister
from .holds import Hold
from .items import Item
from .retention import RetentionDue, RetentionRule

__all__ = ["AppraisalMark", "DestructionItem", "DestructionList", "DestructionRegister", "Hold", "Item",
           "RetentionDue", "RetentionRule"]
