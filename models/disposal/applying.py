"""Applying for and approving destruction (§9.2.1 銷毀申請, §9.2.2 銷毀審批), as plain rules.

The archivist builds a list of items chosen from the due list and the approved appraisal
marks; each is eligible only while it is due (``retention.due_on``) or marked invalid
(``appraisal.invalid_mark``) and no hold stops it (``holds.blocking``). Submitting freezes
the list: each entry keeps its title, class, number and date as they were, so what the
register states does not move when the dossier is edited afterwards, or after the rows
are gone. The unit head approves or rejects, never the applicant; with
``DESTRUCTION_SECOND_REVIEW`` a second unit head must approve as well, never the applicant
nor the first approver. Holds are checked again at approval.

Every refusal names the item and why, and changes nothing. Audit events carry ids only:
the trail must verify, and say nothing of the content, after the rows are destroyed.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from security import audit
from security.errors import Refusal

from .. import codes
from .appraisal import AppraisalMark, invalid_mark
from .destruction import APPROVED, DRAFT, EXECUTING, REJECTED, SUBMITTED, DestructionItem, DestructionList
from .holds import blocking, describe
from .items import DOSSIER, MATERIAL, RECORD, Item
from .retention import RetentionDue, due_dossiers, due_on

# A list holding an item keeps it from every other list until it is rejected or executed.
OPEN_STATES = (DRAFT, SUBMITTED, APPROVED, EXECUTING)
REASON_MAX = 2000


class ListRefused(Refusal):
    """A move on a destruction list the rules refuse; nothing was changed."""


@dataclass(frozen=True)
class Eligible:
    """Why an item may be destroyed: ``basis`` "due" (retention rule ``basis_id``, since
    ``since``) or "invalid" (appraisal mark ``basis_id``, reason code ``reason``)."""

    item: Item
    basis: str
    basis_id: int | None
    since: object = None
    reason: str | None = None


def second_review() -> bool:
    return bool(has_app_context() and current_app.config.get("DESTRUCTION_SECOND_REVIEW"))


def parse_item(value: str) -> Item | None:
    """A checkbox value, ``official:table:record`` (``official:dossier`` for a whole dossier)."""
    from ..sections import BY_TABLE

    parts = (value or "").split(":")
    if len(parts) == 2 and parts[0].isdigit() and parts[1] == "dossier":
        return Item.dossier(int(parts[0]))
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit() or parts[1] not in BY_TABLE:
        return None
    return Item(MATERIAL if parts[1] == "material" else RECORD, int(parts[0]), parts[1], int(parts[2]))


def item_value(item: Item) -> str:
    return f"{item.official_id}:dossier" if item.kind == DOSSIER else f"{item.official_id}:{item.table_name}:{item.record_id}"


def _name(item: Item) -> str:
    return item_value(item)


def eligibility(session, item: Item) -> Eligible:
    """Why ``item`` may go on a list now; raises ListRefused naming the item and the reason."""
    row = item.load(session)
    if row is None:
        raise ListRefused("not_found", _("Item %(item)s: there is no such material or record.", item=_name(item)))
    if item.kind != DOSSIER and row.official_id != item.official_id:
        # The form named an official the row does not belong to: a forged or stale form.
        raise ListRefused("other_official", _("Item %(item)s does not belong to the dossier it was named with.",
                                              item=_name(item)))
    held = blocking(session, item)
    if held:
        raise ListRefused("held", _("Item %(item)s cannot be destroyed: it is %(hold)s.", item=_name(item),
                                    hold=describe(held[0])))
    due = due_on(session, item)
    if due is not None:
        rule = None if item.kind == DOSSIER else session.scalar(select(RetentionDue.rule_id).where(
            RetentionDue.table_name == item.table_name, RetentionDue.record_id == item.record_id))
        return Eligible(item, "due", rule, since=due)
    mark = None if item.kind == DOSSIER else invalid_mark(session, item)
    if mark is not None:
        return Eligible(item, "invalid", mark.id, reason=mark.reason)
    raise ListRefused("not_due", _("Item %(item)s is neither due for destruction nor marked invalid by an approved "
                                   "appraisal.", item=_name(item)))


def _on_open_list(session, item: Item, except_list: int | None) -> int | None:
    query = select(DestructionList.id).join(DestructionItem).where(
        DestructionList.state.in_(OPEN_STATES), DestructionItem.kind == item.kind,
        DestructionItem.official_id == item.official_id)
    if item.kind != DOSSIER:
        query = query.where(DestructionItem.table_name == item.table_name, DestructionItem.record_id == item.record_id)
    if except_list is not None:
        query = query.where(DestructionList.id != except_list)
    return session.scalar(query.limit(1))


def candidates(session) -> list[Eligible]:
    """The due list and the approved appraisal marks, minus what an open list holds: what
    the application screen offers. Held items are offered too, so the refusal names the hold."""
    seen, found = set(), []
    # Whole dossiers first: each is due when everything in it is (retention.due_dossiers).
    for official_id, since in sorted(due_dossiers(session).items()):
        item = Item.dossier(official_id)
        seen.add(item)
        found.append(Eligible(item, "due", None, since=since))
    for due in session.scalars(select(RetentionDue).order_by(RetentionDue.official_id, RetentionDue.id)):
        item = Item(MATERIAL if due.table_name == "material" else RECORD, due.official_id, due.table_name, due.record_id)
        seen.add(item)
        found.append(Eligible(item, "due", due.rule_id, since=due.due_on))
    for mark in session.scalars(select(AppraisalMark).where(AppraisalMark.review_state == "approved")
                                .order_by(AppraisalMark.official_id, AppraisalMark.id)):
        item = Item(MATERIAL if mark.table_name == "material" else RECORD, mark.official_id, mark.table_name,
                    mark.record_id)
        if item not in seen:
            seen.add(item)
            found.append(Eligible(item, "invalid", mark.id, reason=mark.reason))
    # What open lists already hold, read once (not a query per candidate: the due list is long).
    listed = {Item(kind, official_id, table_name, record_id) for kind, official_id, table_name, record_id in
              session.execute(select(DestructionItem.kind, DestructionItem.official_id, DestructionItem.table_name,
                                     DestructionItem.record_id).join(DestructionList)
                              .where(DestructionList.state.in_(OPEN_STATES)))}
    return [e for e in found if e.item not in listed]


def _check_text(reason: str, method: str) -> tuple[str, str]:
    reason = (reason or "").strip()
    if not reason:
        raise ListRefused("reason", _("Give the reason for the destruction."))
    if len(reason) > REASON_MAX:
        raise ListRefused("reason", _("The reason may be at most %(n)s characters.", n=REASON_MAX))
    if not codes.is_valid("destruction_method", method):
        raise ListRefused("method", _("Choose the method of destruction from the list."))
    return reason, method


def _editable(lst: DestructionList, user) -> None:
    if lst.state != DRAFT:
        raise ListRefused("frozen", _("Destruction list %(id)s is submitted: it can no longer be changed.", id=lst.id))
    if lst.applicant_id != user.id:
        raise ListRefused("not_applicant", _("Only the applicant changes their draft destruction list."))


def create(session, applicant, reason: str, method: str) -> DestructionList:
    reason, method = _check_text(reason, method)
    lst = DestructionList(state=DRAFT, reason=reason, method=method, applicant_id=applicant.id,
                          created_at=datetime.now(), item_count=0)
    session.add(lst)
    session.flush()
    return lst


def update(session, lst, user, reason: str, method: str) -> None:
    _editable(lst, user)
    lst.reason, lst.method = _check_text(reason, method)


def add_items(session, lst, user, items) -> tuple[list[DestructionItem], list[str]]:
    """Adds each eligible item; returns what was added and a refusal sentence for each other."""
    _editable(lst, user)
    added, refused = [], []
    present = {(e.kind, e.official_id, e.table_name, e.record_id) for e in lst.items}
    for item in items:
        if item is None:
            refused.append(_("An item of the form is not one the list can hold."))
            continue
        if (item.kind, item.official_id, item.table_name, item.record_id) in present:
            continue
        try:
            eligible = eligibility(session, item)
        except ListRefused as refusal:
            refused.append(str(refusal))
            continue
        other = _on_open_list(session, item, lst.id)
        if other is not None:
            refused.append(_("Item %(item)s is already on destruction list %(list)s.", item=_name(item), list=other))
            continue
        entry = DestructionItem(kind=item.kind, official_id=item.official_id, table_name=item.table_name,
                                record_id=item.record_id, basis=eligible.basis, basis_id=eligible.basis_id)
        _freeze(session, entry)  # shown as it is now while a draft; frozen again at submission
        lst.items.append(entry)
        present.add((item.kind, item.official_id, item.table_name, item.record_id))
        added.append(entry)
    session.flush()
    return added, refused


def remove_item(session, lst, user, entry_id: int) -> None:
    _editable(lst, user)
    entry = next((e for e in lst.items if e.id == entry_id), None)
    if entry is None:
        raise ListRefused("not_found", _("That item is not on destruction list %(id)s.", id=lst.id))
    lst.items.remove(entry)
    session.flush()


def item_of(entry: DestructionItem) -> Item:
    if entry.kind == DOSSIER:
        return Item.dossier(entry.official_id)
    return Item(entry.kind, entry.official_id, entry.table_name, entry.record_id)


def _freeze(session, entry: DestructionItem) -> None:
    """The entry's content as it is now: what the register will state."""
    from ..sections import BY_TABLE

    row = item_of(entry).load(session)
    if entry.kind == DOSSIER:
        entry.title = row.name
    elif entry.kind == MATERIAL:
        entry.title, entry.material_class = row.title, row.material_class
        entry.sequence, entry.formed_on = row.sequence, row.formed_on
    else:
        model = BY_TABLE[entry.table_name]
        entry.title = str(row)[:400]
        entry.material_class = getattr(model, "catalogue_class", None)


def submit(session, lst, user) -> None:
    """Re-checks every item, freezes the list and records ``destruction_applied``."""
    _editable(lst, user)
    if not lst.items:
        raise ListRefused("empty", _("Add at least one item before submitting the list."))
    for entry in lst.items:
        eligible = eligibility(session, item_of(entry))
        other = _on_open_list(session, item_of(entry), lst.id)
        if other is not None:
            raise ListRefused("on_other_list", _("Item %(item)s is already on destruction list %(list)s.",
                                                 item=_name(item_of(entry)), list=other))
        entry.basis, entry.basis_id = eligible.basis, eligible.basis_id
        _freeze(session, entry)
    lst.item_count = len(lst.items)
    lst.state, lst.submitted_at = SUBMITTED, datetime.now()
    session.flush()
    audit.record("destruction_applied", object_type="destruction_list", object_id=lst.id, actor=user, session=session,
                 details={"items": [e.id for e in lst.items], "count": lst.item_count, "method": lst.method})


def _decidable(session, lst, user) -> None:
    if lst.state != SUBMITTED:
        raise ListRefused("state", _("Destruction list %(id)s is not waiting for a decision.", id=lst.id))
    # Compared by account id, never by name: a renamed account is still the applicant.
    if user.id == lst.applicant_id:
        raise ListRefused("applicant", _("You applied for destruction list %(id)s: another person must decide it.",
                                         id=lst.id))
    if lst.approver_id is not None and user.id == lst.approver_id:
        raise ListRefused("same_reviewer", _("You approved destruction list %(id)s already: the second review is "
                                             "another person's.", id=lst.id))


def approve(session, lst, user, note: str = "") -> bool:
    """Approves (the first or, when configured, the second review); True when the list is
    now approved. Holds placed since submission stop it, naming the item and the hold."""
    _decidable(session, lst, user)
    for entry in lst.items:
        held = blocking(session, item_of(entry))
        if held:
            raise ListRefused("held", _("Item %(item)s (%(title)s) cannot be destroyed: it is %(hold)s.",
                                        item=_name(item_of(entry)), title=entry.title or "", hold=describe(held[0])))
    note = (note or "").strip()[:REASON_MAX] or None
    now = datetime.now()
    second = lst.approver_id is not None
    if second:
        lst.second_reviewer_id, lst.second_reviewed_at = user.id, now
    else:
        lst.approver_id, lst.approved_at, lst.decision_note = user.id, now, note
    done = second or not second_review()
    if done:
        lst.state = APPROVED
    session.flush()
    audit.record("destruction_approved", object_type="destruction_list", object_id=lst.id, actor=user,
                 session=session, details={"review": 2 if second else 1, "approved": done})
    return done


def reject(session, lst, user, note: str) -> None:
    _decidable(session, lst, user)
    note = (note or "").strip()
    if not note:
        raise ListRefused("reason", _("Give the reason for rejecting the list."))
    now = datetime.now()
    if lst.approver_id is not None:
        lst.second_reviewer_id, lst.second_reviewed_at = user.id, now
    else:
        lst.approver_id, lst.approved_at = user.id, now
    lst.decision_note = note[:REASON_MAX]
    lst.state = REJECTED
    session.flush()
    audit.record("destruction_rejected", object_type="destruction_list", object_id=lst.id, actor=user,
                 session=session, details={})


def check_supervisor(lst, executor, supervisor) -> None:
    """The supervisor (监销人, §9.2.3) is a second person present: an active account other
    than the executor, and other than the applicant, who chose what goes (the applicant may
    execute, but then someone else watches). The approver may supervise."""
    if lst.state not in (APPROVED, EXECUTING):
        raise ListRefused("state", _("Destruction list %(id)s is not approved: it cannot be executed.", id=lst.id))
    if supervisor is None or not supervisor.is_active:
        raise ListRefused("supervisor", _("Choose the supervisor (监销人) from the accounts listed."))
    if supervisor.id == executor.id:
        raise ListRefused("same_person", _("The supervisor must be another person than the executor."))
    if supervisor.id == lst.applicant_id:
        raise ListRefused("applicant_supervises", _("The applicant of the list cannot be its supervisor."))
