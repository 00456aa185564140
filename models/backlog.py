"""What is overdue (§3.2 及时录入, 不得积压): receipts nothing was entered from by their
deadline, and entries still waiting for approval after it. Read by the backlog page
and by the inspection report."""

from datetime import date, timedelta

from sqlalchemy import exists, select

from . import workflow
from .collection import CollectionReceipt, deadline_days
from .sections import RECORD_MODELS


def receipt_deadline(item) -> date | None:
    """When the entry of ``item`` was due: the receipt's deadline, else from the date received or entered."""
    receipt = getattr(item, "receipt", None)
    if receipt is not None:
        return receipt.deadline
    start = item.received_on or (item.entered_at.date() if item.entered_at else None)
    return start + timedelta(days=deadline_days()) if start else None


def overdue_receipts(session, today: date) -> list:
    """Receipts past their deadline from which nothing has been entered yet."""
    query = select(CollectionReceipt).where(CollectionReceipt.deadline < today)
    for model in RECORD_MODELS:
        column = model.__table__.c.receipt_id
        query = query.where(~exists().where(column == CollectionReceipt.id))
    return list(session.scalars(query.order_by(CollectionReceipt.deadline)))


def overdue_entries(session, today: date) -> list:
    """Entries still waiting for approval after their deadline."""
    return [item for item in workflow.pending_items(session, workflow.PENDING)
            if (deadline := receipt_deadline(item)) is not None and deadline < today]
